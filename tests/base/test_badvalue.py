"""A bad option value is hookctl's one ``error:`` + ``hint:``, exit 2.

Reproduces: range and number checks done by Typer (``min=``/``max=``, via pydantic)
and by hookctl's own parsers printed Click's four-line ``Usage: … Error: Invalid
value …`` block, some in pydantic's words ("Input should be greater than or equal
to 1"), unlike every other usage error.
"""

from __future__ import annotations

import json

import pytest

from hookctl.base.badvalue import BadValue, bad_value
from tests.conftest import Cli

CASES = [
    (["failover", "replay", "--max-bytes", "0"], "--max-bytes", "at least 1"),
    (["failover", "replay", "--concurrency", "0"], "--concurrency", "1 to 256"),
    (["failover", "replay", "--concurrency", "x"], "--concurrency", "1 to 256"),
    (["failover", "replay", "--rate", "-1"], "--rate", "0 to 1000000 per second"),
    (["failover", "replay", "--deadline", "nan"], "--deadline", "0.01 to 86400"),
    (["--timeout", "abc", "hooks", "list"], "--timeout", "0.1 to 3600"),
    (["hooks", "update", "0123abcd", "--timeout-ms", "abc"], "--timeout-ms", "whole number"),
    (
        ["hooks", "add", "pending-message", "--url", "https://e.io/p", "--timeout-ms", "abc"],
        "--timeout-ms",
        "whole number",
    ),
    (["trigger", "--count", "0"], "--count", "1 to 10000"),
    (
        ["hooks", "add", "pending-message", "--url", "https://e.io/p", "--timeout-ms", "0"],
        "--timeout-ms",
        "1 to 2147483647",
    ),
    (["hooks", "update", "0123abcd", "--timeout-ms", "9" * 20], "--timeout-ms", "1 to 2147483647"),
]


@pytest.mark.parametrize(("argv", "option", "bounds"), CASES)
def test_a_bad_option_value_is_one_error_and_a_hint(
    cli: Cli, argv: list[str], option: str, bounds: str
) -> None:
    result = cli(*argv)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"error: invalid value for {option}: "), result.stderr
    assert bounds in lines[0], result.stderr
    assert lines[1].startswith("hint: see `hookctl"), result.stderr
    assert len(lines) == 2, result.stderr
    assert "Usage:" not in result.output
    assert "Input should" not in result.output
    assert result.stdout == ""


def test_with_json_the_bad_value_is_the_json_error(cli: Cli) -> None:
    result = cli("failover", "replay", "--concurrency", "0", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stderr)
    assert error["error"].startswith("invalid value for --concurrency: 0 is out of range")
    assert "Input should" not in error["error"]


def test_bad_value_words() -> None:
    pydantic = "Input should be greater than or equal to 1"
    low = BadValue("--n", pydantic, "greater_than_equal", "0", 1, None, "whole number")
    assert bad_value(low, "hookctl x")[0] == (
        "invalid value for --n: 0 is out of range; give a whole number of at least 1"
    )
    high = BadValue("--n", "Input should be less", "less_than_equal", "9", None, 5)
    assert bad_value(high, "hookctl x")[0].endswith("give a number of at most 5")
    ours = BadValue("--rate", "'x' is not a number; give 0 to 1 per second")
    assert bad_value(ours, "hookctl x") == (
        "invalid value for --rate: 'x' is not a number; give 0 to 1 per second",
        "see `hookctl x --help`",
    )


@pytest.mark.parametrize("value", ["bogus", "2026-04-01T00:00Z", "nan", "inf"])
def test_a_bad_follow_interval_speaks_of_durations(cli: Cli, value: str) -> None:
    result = cli("failover", "replay", "--follow", "--interval", value)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: --interval {value!r} is not a duration", result.stderr
    assert lines[1].startswith("hint: "), result.stderr
    for unit in ("30s", "2m", "1h"):
        assert unit in lines[1]
    assert "time" not in result.stderr
    assert "ISO" not in result.stderr


def test_a_follow_interval_over_a_day_is_refused_before_anything_runs(cli: Cli) -> None:
    result = cli("failover", "replay", "--follow", "--interval", "999999d", "--bucket", "bkt")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --interval 999999d is too long"), result.stderr
    assert "OverflowError" not in result.output
