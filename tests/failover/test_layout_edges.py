"""failover/layout.py at its edges (issue 25 item 6): every name refusal's reason, the
1,024-byte limit counted in UTF-8 bytes, and windows that meet a day boundary exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hookctl.base.errors import UsageError
from hookctl.failover.layout import MAX_NAME, day_prefixes, name_problem, printable
from hookctl.failover.timewindow import window

NOW = datetime(2026, 4, 10, 12, tzinfo=UTC)


@pytest.mark.parametrize("char", ["\x00", "\x01", "\t", "\n", "\x1b", "\x1f", "\x7f"])
def test_a_control_character_anywhere_is_refused_with_that_reason(char: str) -> None:
    for name in (f"{char}a/b.json", f"a/b{char}.json", f"a/b.json{char}"):
        assert name_problem(name) == "name holds control characters"
        assert char not in printable(name)


def test_the_characters_beside_the_control_ranges_are_accepted() -> None:
    assert name_problem("a/ b~.json") is None  # 0x20 and 0x7e
    assert name_problem("a/\x80\u00a0b.json") is None  # C1 and NBSP are not in the range


def test_the_name_limit_is_1024_utf8_bytes_not_characters() -> None:
    ascii_max = "a/" + "x" * (MAX_NAME - 2)
    assert name_problem(ascii_max) is None
    assert name_problem(ascii_max + "x") == "name is longer than 1024 bytes"
    two_byte = "a/" + "é" * ((MAX_NAME - 2) // 2)  # 1,024 bytes, 513 characters
    assert len(two_byte.encode()) == MAX_NAME
    assert name_problem(two_byte) is None
    assert name_problem(two_byte + "é") == "name is longer than 1024 bytes"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "object has no name"),
        (None, "object has no name"),
        ("a/\ud800.json", "name is not valid UTF-8"),
        ("a//b.json", "name has an empty, '.' or '..' path segment"),
        ("a/./b.json", "name has an empty, '.' or '..' path segment"),
        ("a/../b.json", "name has an empty, '.' or '..' path segment"),
        ("/a/b.json", "name has an empty, '.' or '..' path segment"),
        ("a/b/", "name has an empty, '.' or '..' path segment"),
    ],
)
def test_each_refused_name_says_why(name: object, reason: str) -> None:
    assert name_problem(name) == reason


def test_a_window_ending_exactly_at_midnight_reads_no_prefix_of_the_next_day() -> None:
    start, stop = window("2026-04-01", "2026-04-02T00:00Z", now=NOW)
    assert stop == datetime(2026, 4, 2, tzinfo=UTC)
    assert [d.isoformat() for d, _ in day_prefixes("p", start, stop)] == ["2026-04-01"]
    one_more = stop + timedelta(microseconds=1)
    assert [d.day for d, _ in day_prefixes("p", start, one_more)] == [1, 2]


def test_a_bare_until_date_is_the_end_of_that_day_and_a_one_day_window_is_one_prefix() -> None:
    start, stop = window("2026-04-01", "2026-04-01", now=NOW)
    assert (start, stop) == (datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 4, 2, tzinfo=UTC))
    assert [p for _, p in day_prefixes("stream/x", start, stop)] == ["stream/x/2026/04/01/"]


def test_a_window_starting_one_microsecond_before_midnight_reads_both_days() -> None:
    start = datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC)
    prefixes = day_prefixes("", start, datetime(2026, 4, 1, 0, 0, 1, tzinfo=UTC))
    assert [p for _, p in prefixes] == ["2026/03/31/", "2026/04/01/"]


def test_an_empty_or_backward_window_says_so() -> None:
    with pytest.raises(UsageError) as caught:
        window("2026-04-02T00:00Z", "2026-04-02T00:00Z", now=NOW)
    assert caught.value.message == (
        "--until 2026-04-02T00:00Z is not after --since 2026-04-02T00:00Z"
    )
    with pytest.raises(UsageError, match="more than ten years"):
        window("2016-04-01", "2026-04-10", now=NOW)
