"""Stream's failover object layout: names, windows, prefixes, shards (pure, no I/O)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hookctl.base.errors import UsageError
from hookctl.events.catalog import load_catalog
from hookctl.failover.layout import (
    NameParser,
    day_prefixes,
    name_ranges,
    object_name,
    parse_name,
    parse_shard,
    shard_of,
)
from hookctl.failover.timewindow import parse_when, window

CATALOG = load_catalog().names
NOW = datetime(2026, 4, 3, 15, 30, tzinfo=UTC)


def test_the_documented_example_parses_and_its_timestamp_is_outside_its_folder() -> None:
    parsed = parse_name("stream/failed-events/2026/04/03/1743667200-message.new-a1b2c3d4.json")
    assert parsed is not None
    assert (parsed.prefix, parsed.day, parsed.timestamp) == (
        "stream/failed-events/",
        date(2026, 4, 3),
        1743667200,
    )
    assert (parsed.event_type, parsed.hook_id) == ("message.new", "a1b2c3d4")
    assert parsed.name_time == datetime(2025, 4, 3, 8, tzinfo=UTC)
    assert parsed.time_in_folder is False


@pytest.mark.parametrize(
    ("middle", "event_type", "hook_id", "known"),
    [
        ("message.new-hook-123", "message.new", "hook-123", ()),
        (
            "call.session_participant_joined-3f2a9c1e-0d4e-4a9b-9a55-3b1f3f2d9e10",
            "call.session_participant_joined",
            "3f2a9c1e-0d4e-4a9b-9a55-3b1f3f2d9e10",
            (),
        ),
        ("feeds.activity.added-a.b-c", "feeds.activity.added", "a.b-c", ()),
        # not in the catalog: a UUID tail still splits it
        (
            "custom.thing-new-3f2a9c1e-0d4e-4a9b-9a55-3b1f3f2d9e10",
            "custom.thing-new",
            "3f2a9c1e-0d4e-4a9b-9a55-3b1f3f2d9e10",
            (),
        ),
        # a known hook id wins over every other rule
        ("custom.thing-new-my-hook", "custom.thing-new", "my-hook", ("my-hook",)),
    ],
)
def test_names_split_from_both_ends(
    middle: str, event_type: str, hook_id: str, known: tuple[str, ...]
) -> None:
    parsed = parse_name(
        f"p/2026/04/03/1775217600-{middle}.json", hook_ids=known, event_types=CATALOG
    )
    assert parsed is not None
    assert (parsed.event_type, parsed.hook_id) == (event_type, hook_id)


@pytest.mark.parametrize(
    "name",
    [
        "p/2026/04/03/README.txt",
        "p/2026/04/03/1775217600.json",
        "p/2026/13/03/1775217600-message.new-h.json",
        "p/2026/04/03/x1775217600-message.new-h.json",
        "p/2026/04/1775217600-message.new-h.json",
        "p/2026/04/03/1775217600-message.new-h.json/extra",
    ],
)
def test_names_outside_the_layout_are_refused(name: str) -> None:
    assert parse_name(name, event_types=CATALOG) is None


hook_ids = st.one_of(
    st.uuids().map(str),
    st.from_regex(r"[a-z0-9][a-z0-9.-]{0,20}[a-z0-9]", fullmatch=True),
)


@given(
    path=st.sampled_from(["", "stream/failed-events", "a/b/c"]),
    seconds=st.integers(0, 4_000_000_000),
    event_type=st.sampled_from(sorted(CATALOG)),
    hook_id=hook_ids,
)
def test_object_name_round_trips(path: str, seconds: int, event_type: str, hook_id: str) -> None:
    when = datetime.fromtimestamp(seconds, UTC)
    name = object_name(path, when, event_type, hook_id)
    parsed = NameParser([hook_id], CATALOG).parse(name)
    assert parsed is not None
    assert (parsed.event_type, parsed.hook_id, parsed.timestamp) == (event_type, hook_id, seconds)
    assert parsed.time_in_folder
    assert parsed.prefix == (f"{path}/" if path else "")


@given(event_type=st.sampled_from(sorted(CATALOG)), hook_id=st.uuids().map(str))
def test_catalog_types_and_uuid_ids_parse_without_knowing_the_hook(
    event_type: str, hook_id: str
) -> None:
    name = object_name("x", NOW, event_type, hook_id)
    parsed = NameParser((), CATALOG).parse(name)
    assert parsed is not None
    assert (parsed.event_type, parsed.hook_id) == (event_type, hook_id)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-01", datetime(2026, 4, 1, tzinfo=UTC)),
        ("2026-04-01T12:00", datetime(2026, 4, 1, 12, tzinfo=UTC)),
        ("2026-04-01T12:00Z", datetime(2026, 4, 1, 12, tzinfo=UTC)),
        ("2026-04-01T14:00+02:00", datetime(2026, 4, 1, 12, tzinfo=UTC)),
        ("30m", NOW - timedelta(minutes=30)),
        ("6h", NOW - timedelta(hours=6)),
        ("3d", NOW - timedelta(days=3)),
    ],
)
def test_times(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW) == expected


def test_a_bare_until_date_includes_that_day() -> None:
    start, stop = window("2026-04-01", "2026-04-02", now=NOW)
    assert stop == datetime(2026, 4, 3, tzinfo=UTC)
    assert [p for _, p in day_prefixes("s/f", start, stop)] == [
        "s/f/2026/04/01/",
        "s/f/2026/04/02/",
    ]


def test_prefixes_cover_exactly_the_days_the_window_touches() -> None:
    start = datetime(2026, 2, 27, 23, 59, tzinfo=UTC)
    stop = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # exclusive: 2 March is not touched
    days = [d for d, _ in day_prefixes("", start, stop)]
    assert days == [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1)]
    assert day_prefixes("", start, stop)[0][1] == "2026/02/27/"


DAY4 = date(2026, 4, 1)
DAY4_START = int(datetime(2026, 4, 1, tzinfo=UTC).timestamp())


def _listed(name: str, ranges: list[tuple[str | None, str | None]]) -> bool:
    return any((lo is None or name >= lo) and (hi is None or name < hi) for lo, hi in ranges)


def test_a_window_inside_a_day_lists_its_range_and_the_names_stamped_outside_the_day() -> None:
    since = datetime(2026, 4, 1, 6, tzinfo=UTC)
    ranges = name_ranges("p/2026/04/01/", DAY4, since, since + timedelta(hours=6))
    six, noon, end = DAY4_START + 6 * 3600, DAY4_START + 12 * 3600, DAY4_START + 86400
    assert ranges == [
        (None, f"p/2026/04/01/{DAY4_START}"),
        (f"p/2026/04/01/{six}", f"p/2026/04/01/{noon}"),
        (f"p/2026/04/01/{end}", None),
    ]
    # A window from the start of the day merges the first two ranges; a whole day is one.
    morning = name_ranges("p/", DAY4, datetime(2026, 3, 31, 20, tzinfo=UTC), since)
    assert morning == [(None, f"p/{six}"), (f"p/{end}", None)]
    whole = name_ranges(
        "p/", DAY4, datetime(2026, 3, 31, tzinfo=UTC), datetime(2026, 4, 3, tzinfo=UTC)
    )
    assert whole == [(None, None)]


@given(
    since=st.integers(-3600, 90000),
    length=st.integers(1, 90000),
    stamp=st.integers(DAY4_START - 400 * 86400, DAY4_START + 400 * 86400),
    middle=st.sampled_from(["message.new-h", "a-b-c", "x"]),
)
def test_name_ranges_hold_every_name_the_window_can_contain(
    since: int, length: int, stamp: int, middle: str
) -> None:
    """In-day timestamps: listed exactly when inside the window; others: always listed."""
    start = datetime.fromtimestamp(DAY4_START + since + 0.25, UTC)
    stop = start + timedelta(seconds=length)
    ranges = name_ranges("s/f/2026/04/01/", DAY4, start, stop)
    name = f"s/f/2026/04/01/{stamp}-{middle}.json"
    when = datetime.fromtimestamp(stamp, UTC)
    if DAY4_START <= stamp < DAY4_START + 86400:
        assert _listed(name, ranges) == (start <= when < stop)
    else:
        assert _listed(name, ranges)


def test_bad_windows_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="not after"):
        window("2026-04-02", "2026-04-01T00:00Z", now=NOW)
    with pytest.raises(UsageError, match="cannot read"):
        parse_when("last tuesday", now=NOW)


def test_shards_partition_names_stably() -> None:
    names = [object_name("p", NOW, "message.new", str(uuid.uuid4())) for _ in range(400)]
    shards = [shard_of(n, 4) for n in names]
    assert all(0 <= s < 4 for s in shards)
    assert min(shards.count(s) for s in range(4)) > 50
    # Pinned: every machine of a sharded job must agree, whatever its Python (no hash()).
    assert shard_of("p/2026/04/03/1-message.new-h.json", 8) == 2
    assert (
        shard_of("stream/failed-events/2026/04/03/1743667200-message.new-a1b2c3d4.json", 1000)
        == 467
    )
    assert parse_shard("2/8") == (2, 8)
    for bad in ("8/8", "-1/8", "a/b", "3"):
        with pytest.raises(UsageError):
            parse_shard(bad)
