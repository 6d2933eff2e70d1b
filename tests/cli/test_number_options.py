"""Float options refuse nan, inf and 1e308 with a message that names the option."""

from __future__ import annotations

import pytest

from tests.conftest import Cli


@pytest.mark.parametrize(
    ("args", "option", "says"),
    [
        (("--timeout", "nan", "hooks", "list"), "--timeout", "is not a number"),
        (("--timeout", "inf", "hooks", "list"), "--timeout", "out of range"),
        (("--timeout", "1e308", "hooks", "list"), "--timeout", "out of range"),
        (("--timeout", "-1", "hooks", "list"), "--timeout", "out of range"),
        (("ping", "http://127.0.0.1:9/x", "--deadline", "inf"), "--deadline", "out of range"),
        (
            ("ping", "http://127.0.0.1:9/x", "--attempt-timeout", "nan"),
            "--attempt-timeout",
            "not a number",
        ),
        (
            ("trigger", "message.new", "--to", "http://127.0.0.1:9/x", "--rate", "nan"),
            "--rate",
            "not a number",
        ),
        (("listen", "--fail-rate", "nan"), "--fail-rate", "not a number"),
    ],
)
def test_nan_and_infinite_numbers_name_the_option(
    cli: Cli, args: tuple[str, ...], option: str, says: str
) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"error: invalid value for {option}: "), result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stderr
