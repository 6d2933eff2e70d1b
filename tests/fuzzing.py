"""What every fuzz asserts of one in-process run (test_fuzz_argv, test_fuzz_files)."""

from __future__ import annotations

from typing import Any


def assert_handled(result: Any, args: list[str]) -> str:
    """Exit 0, 1 or 2, no exception but SystemExit, no traceback, no "unexpected
    failure"; returns the description used in assertion messages."""
    shown = f"argv={[a[:80] for a in args]!r}\nexit={result.exit_code}\n{result.output[-2000:]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        shown + f"\n{result.exception!r}"
    )
    assert result.exit_code in (0, 1, 2), shown
    assert "Traceback" not in result.output, shown
    assert "unexpected failure" not in result.output, shown
    return shown
