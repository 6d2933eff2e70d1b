"""failover/layout.py: which hook, event type and time a listed name is read as, why a
name is refused, the shard a name falls in and the envelope written, pinned exactly.
In-process and cheap: the mutation job (pyproject's [tool.mutmut]) runs this file."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from hookctl.base.errors import UsageError
from hookctl.failover.layout import (
    MAX_NAME,
    NameParser,
    ObjectName,
    base_prefix,
    day_prefixes,
    envelope,
    name_ranges,
    object_name,
    parse_name,
    parse_shard,
    printable,
    shard_of,
    trusted_at,
)

HOOK = "8c4f6a52-0d4e-4a9b-9a55-3b1f3f2d9e10"
CATALOG = frozenset({"message.new", "channel.created", "call.ended"})
DAY = date(2026, 11, 20)
START = 1795132800  # 2026-11-20T00:00:00Z
FOLDER = "stream/failed-events/2026/11/20"


@pytest.fixture
def new_york() -> Iterator[None]:
    """A machine whose local time is not UTC: folders, names and envelopes stay UTC."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "EST+05"  # POSIX form: needs no tz database
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def _at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@pytest.mark.parametrize(
    ("name", "prefix", "day", "ts", "event_type", "hook_id", "trusted"),
    [
        (f"{FOLDER}/{START}-message.new-{HOOK}.json", "stream/failed-events/", DAY, START,
         "message.new", HOOK, _at(START)),  # the day's first second
        (f"{FOLDER}/{START + 86399}-call.ended-{HOOK}.json", "stream/failed-events/", DAY,
         START + 86399, "call.ended", HOOK, _at(START + 86399)),  # its last
        (f"{FOLDER}/{START + 86400}-message.new-{HOOK}.json", "stream/failed-events/", DAY,
         START + 86400, "message.new", HOOK, None),  # the next day's first: the envelope decides
        (f"{FOLDER}/{START - 1}-message.new-{HOOK}.json", "stream/failed-events/", DAY,
         START - 1, "message.new", HOOK, None),
        (f"{FOLDER}/999999999999-message.new-{HOOK}.json", "stream/failed-events/", DAY,
         999999999999, "message.new", HOOK, None),  # no calendar holds it: still placed
        (f"{FOLDER}/7-message.new-{HOOK}.json", "stream/failed-events/", DAY, 7, "message.new",
         HOOK, None),
        (f"2026/11/20/{START}-message.new-{HOOK}.json", "", DAY, START, "message.new", HOOK,
         _at(START)),  # no gcs_path
        (f"a/b/2026/11/20/{START + 5}-message.new-h.json", "a/b/", DAY, START + 5, "message.new",
         "h", _at(START + 5)),
        (f"p/2024/02/29/{START}-channel.created-x-y.json", "p/", date(2024, 2, 29), START,
         "channel.created", "x-y", None),
    ],
)  # fmt: skip
def test_a_listing_reads_each_name_as_stream_wrote_it(
    name: str,
    prefix: str,
    day: date,
    ts: int,
    event_type: str,
    hook_id: str,
    trusted: datetime | None,
) -> None:
    parser = NameParser([HOOK], CATALOG)
    # A listing parses many names with one parser: the first of each shape takes the full
    # check, the rest the fast path; both must read the name the same way.
    for _ in range(3):
        parsed = parser.explain(name)
        assert isinstance(parsed, ObjectName), parsed
        assert (parsed.name, parsed.prefix, parsed.day, parsed.timestamp) == (name, prefix, day, ts)
        assert (parsed.event_type, parsed.hook_id) == (event_type, hook_id)
        assert parsed.trusted_time == trusted
        assert parsed.time_in_folder is (trusted is not None)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (f"{FOLDER}/{START}-message.new-{HOOK}.JSON", "name outside Stream's failover layout"),
        (f"{FOLDER}/0{START}00-message.new-{HOOK}.json", "name outside Stream's failover layout"),
        (f"{FOLDER}/-message.new-{HOOK}.json", "name outside Stream's failover layout"),
        (f"{FOLDER}/{START}message.new.json", "name outside Stream's failover layout"),
        (f"{FOLDER}/README.txt", "name outside Stream's failover layout"),
        (f"{FOLDER}/{START}-.json", "name outside Stream's failover layout"),
        ("stream/2026/11/2/1-a-b.json", "name outside Stream's failover layout"),
        ("stream/2026/11/20", "name outside Stream's failover layout"),
        (f"{FOLDER}/１２-message.new-h.json", "date folder or timestamp has non-ASCII digits"),
        ("stream/２０２６/11/20/1-message.new-h.json", "date folder or timestamp has non-ASCII digits"),
        ("stream/2026/02/30/1-message.new-h.json", "folder 2026/02/30 is not a calendar day"),
        ("stream/2026/13/01/1-message.new-h.json", "folder 2026/13/01 is not a calendar day"),
        (f"{FOLDER}/1-message.new.json", "name has no {event_type}-{hook_id} part"),
        (f"{FOLDER}/1-message.new-.json", "name has no {event_type}-{hook_id} part"),
        (f"{FOLDER}/1--h.json", "name has no {event_type}-{hook_id} part"),
        (f"{FOLDER}/1--{HOOK}.json", "name has no {event_type}-{hook_id} part"),
        (f"stream/../2026/11/20/{START}-message.new-{HOOK}.json",
         "name has an empty, '.' or '..' path segment"),
        (f"stream//2026/11/20/{START}-message.new-{HOOK}.json",
         "name has an empty, '.' or '..' path segment"),
        (f"./2026/11/20/{START}-message.new-{HOOK}.json",
         "name has an empty, '.' or '..' path segment"),
        (f"stream\x7f/2026/11/20/{START}-message.new-{HOOK}.json", "name holds control characters"),
        (f"{FOLDER}/{START}-message.new-{HOOK}\x1b.json", "name holds control characters"),
        (f"stream/é/2026/11/20/{START}-message.new-{HOOK}\x1b.json",
         "name holds control characters"),
        (f"{'p' * 1000}/2026/11/20/{START}-message.new-{HOOK}.json",
         f"name is longer than {MAX_NAME} bytes"),
        (None, "object has no name"),
        ("", "object has no name"),
    ],
)  # fmt: skip
def test_a_name_outside_the_layout_says_why_even_after_usual_names(name: str, reason: str) -> None:
    parser = NameParser(["h", HOOK], CATALOG)
    for usual in ("message.new-h", f"message.new-{HOOK}", "-h", f"-{HOOK}"):  # primes the caches
        parser.explain(f"{FOLDER}/{START}-{usual}.json")
        parser.explain(f"stream/2026/11/20/{START}-{usual}.json")
    assert parser.explain(name) == reason
    assert parser.parse(name) is None
    assert parser.explain(name) == reason  # asked again: the same answer


def test_the_longest_known_hook_id_then_the_longest_catalog_type_decides_the_split() -> None:
    name = f"{FOLDER}/{START}-x-b-c.json"

    def split(hooks: list[str], types: frozenset[str] = frozenset()) -> tuple[str, str]:
        parsed = parse_name(name, hook_ids=hooks, event_types=types)
        assert parsed is not None
        return parsed.event_type, parsed.hook_id

    assert split(["c", "b-c"]) == ("x", "b-c")
    assert split(["b-c", "c"]) == ("x", "b-c")
    assert split(["", "c"]) == ("x-b", "c")
    assert split([], frozenset({"x", "x-b"})) == ("x-b", "c")
    assert split([], frozenset({"x"})) == ("x", "b-c")
    deeper = parse_name(f"{FOLDER}/{START}-x-b-c-d.json", event_types={"x-b"})
    assert deeper is not None
    assert (deeper.event_type, deeper.hook_id) == ("x-b", "c-d")
    assert split([]) == ("x", "b-c")  # nothing known: the first "-"
    assert split(["zzz"], frozenset({"y"})) == ("x", "b-c")
    uuid_name = f"{FOLDER}/{START}-custom-thing-{HOOK}.json"
    parsed = parse_name(uuid_name)
    assert parsed is not None
    assert (parsed.event_type, parsed.hook_id) == ("custom-thing", HOOK)  # a UUID at the end


def test_the_fast_path_answers_usual_names_itself() -> None:
    """``NameParser._usual`` is the hot path of a listing (about 3x faster than the full
    check; benchmarks/ time it). Whether it answers or defers, the result is the same
    (tests/failover/test_names.py's property test), so what is checked here is that it
    does answer the usual shapes once their middle has been split, and defers the rest."""
    parser = NameParser([HOOK], CATALOG)
    assert parser._usual(f"{FOLDER}/{START}-message.new-{HOOK}.json") is None  # middle unseen
    parser.explain(f"{FOLDER}/1-message.new-{HOOK}.json")
    parser.explain(f"{FOLDER}/1-call.ended-h.json")
    usual = [
        f"{FOLDER}/{START}-message.new-{HOOK}.json",
        f"{FOLDER}/{START + 86399}-message.new-{HOOK}.json",
        f"{FOLDER}/{START + 86400}-message.new-{HOOK}.json",
        f"{FOLDER}/1-call.ended-h.json",
        f"{FOLDER}/999999999999-call.ended-h.json",
        f"2026/11/20/{START}-message.new-{HOOK}.json",
        f"x/y/2026/11/21/{START}-message.new-{HOOK}.json",
        f"{'p' * (MAX_NAME - 76)}/2026/11/20/{START}-message.new-{HOOK}.json",  # 1024 bytes
    ]
    for name in usual:
        fast = parser._usual(name)
        assert fast is not None, name
        assert fast == parser._explain(name)
        assert fast.trusted_time == parser._explain(name).trusted_time  # type: ignore[union-attr]
    deferred = [
        f"{START}-message.new-{HOOK}.json",  # no folder
        f"{FOLDER}/{START}-message.new-{HOOK}.JSON",
        f"{FOLDER}/0001795132800-message.new-{HOOK}.json",  # 13 digits
        f"{FOLDER}/-message.new-{HOOK}.json",
        f"{FOLDER}/x{START}-message.new-{HOOK}.json",
        f"{FOLDER}/{START}message.new.json",
        f"{FOLDER}/{START}-message.new-{HOOK}\x7f.json",
        f"{'p' * (MAX_NAME - 75)}/2026/11/20/{START}-message.new-{HOOK}.json",  # 1025 bytes
        f"stream/../2026/11/20/{START}-message.new-{HOOK}.json",
        f"stream/2026/02/30/{START}-message.new-{HOOK}.json",
        f"stream/2026/11/20/x/{START}-message.new-{HOOK}.json",
    ]
    for name in deferred:
        assert parser._usual(name) is None, name
        assert parser.explain(name) == parser._explain(name)


@pytest.mark.usefixtures("new_york")
def test_trusted_at_is_the_folders_utc_day() -> None:
    assert trusted_at(START, START) == datetime(2026, 11, 20, tzinfo=UTC)
    assert trusted_at(START + 86399, START) == datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC)
    assert trusted_at(START + 86400, START) is None
    assert trusted_at(START - 1, START) is None
    parsed = parse_name(f"{FOLDER}/{START + 3600}-message.new-{HOOK}.json")
    assert parsed is not None
    assert parsed.trusted_time == datetime(2026, 11, 20, 1, tzinfo=UTC)
    assert parsed.name_time == datetime(2026, 11, 20, 1, tzinfo=UTC)


@pytest.mark.usefixtures("new_york")
def test_names_and_prefixes_are_utc_on_a_machine_that_is_not() -> None:
    late = datetime(2026, 11, 20, 22, 30, tzinfo=timezone(timedelta(hours=-5)))  # 03:30Z on 21st
    assert object_name("/stream/", late, "message.new", "h") == (
        f"stream/2026/11/21/{START + 86400 + 3 * 3600 + 1800}-message.new-h.json"
    )
    assert object_name("/", late, "message.new", "h").startswith("2026/11/21/")
    assert object_name("", late, "message.new", "h").startswith("2026/11/21/")
    assert base_prefix("/a/b/") == "a/b/"
    assert base_prefix("a") == "a/"
    assert base_prefix("/") == ""
    assert base_prefix("") == ""
    early = datetime(2026, 11, 20, 20, 0, tzinfo=timezone(timedelta(hours=-5)))  # 01:00Z 21st
    assert day_prefixes("/p/", early, early + timedelta(hours=1)) == [
        (date(2026, 11, 21), "p/2026/11/21/")
    ]
    assert name_ranges("p/2026/11/20/", DAY, _at(START + 100), _at(START + 200)) == [
        (None, f"p/2026/11/20/{START}"),
        (f"p/2026/11/20/{START + 100}", f"p/2026/11/20/{START + 200}"),
        (f"p/2026/11/20/{START + 86400}", None),
    ]


def test_name_ranges_at_the_edges() -> None:
    prefix = "p/2026/11/20/"
    # less than a second inside the day: no name can be in it, only the outliers are listed
    since = _at(START + 100) + timedelta(milliseconds=200)
    assert name_ranges(prefix, DAY, since, since + timedelta(milliseconds=300)) == [
        (None, f"{prefix}{START}"),
        (f"{prefix}{START + 86400}", None),
    ]
    # a window from the day's start: the first range joins the day's own
    assert name_ranges(prefix, DAY, _at(START), _at(START + 60)) == [
        (None, f"{prefix}{START + 60}"),
        (f"{prefix}{START + 86400}", None),
    ]
    # days whose timestamps have other than 10 digits: the whole prefix
    old = date(1995, 6, 1)
    old_start = int(datetime(1995, 6, 1, tzinfo=UTC).timestamp())
    assert name_ranges("p/", old, _at(old_start + 10), _at(old_start + 20)) == [(None, None)]
    far = date(2300, 1, 1)
    far_start = int(datetime(2300, 1, 1, tzinfo=UTC).timestamp())
    assert name_ranges("p/", far, _at(far_start + 10), _at(far_start + 20)) == [(None, None)]


@pytest.mark.parametrize(
    ("text", "shard"),
    [("0/1", (0, 1)), ("2/8", (2, 8)), ("7/8", (7, 8)), ("99999/100000", (99999, 100000))],
)
def test_a_shard_is_index_slash_count(text: str, shard: tuple[int, int]) -> None:
    assert parse_shard(text) == shard


@pytest.mark.parametrize(
    "text", ["8/8", "-1/8", "1/0", "0/0", "0/100001", "2", "2/", "/8", "a/b", "1/8/", "٢/٨", " "]
)
def test_a_bad_shard_is_refused_with_the_numbering_explained(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_shard(text)
    assert caught.value.message == (
        f"--shard {text!r} is not INDEX/COUNT with 0 <= INDEX < COUNT <= 100,000"
    )
    assert caught.value.hint == (
        "e.g. --shard 0/8 … --shard 7/8 (the same numbering as CLOUD_RUN_TASK_INDEX)"
    )


def test_a_long_bad_shard_is_shown_cut() -> None:
    with pytest.raises(UsageError) as caught:
        parse_shard("9" * 200)
    assert caught.value.message.startswith(f"--shard {'9' * 80!r} is not")


def test_every_name_has_a_pinned_shard_even_one_with_a_lone_surrogate() -> None:
    assert shard_of("a", 8) == 7
    assert shard_of("\udc80x", 8) == 5  # a JSON listing can carry one
    assert shard_of("a", 1000003) == 172703


def test_printable_escapes_surrogates_and_controls_only() -> None:
    assert printable("plain/é/name.json") == "plain/é/name.json"
    assert printable("a\udc80b\x1bc\x7f\n") == "a\\udc80b\\x1bc\\x7f\\x0a"


@pytest.mark.usefixtures("new_york")
def test_the_envelope_is_streams_failed_event_object() -> None:
    when = datetime(2026, 11, 20, 22, 30, 5, 999, tzinfo=timezone(timedelta(hours=-5)))
    written = envelope(
        hook_id="h1",
        url="https://example.invalid/hook",
        event_type="message.new",
        error="HTTP 500",
        failed_at=when,
        payload={"type": "message.new"},
    )
    assert list(written.items()) == [
        ("original_hook_id", "h1"),
        ("original_webhook_url", "https://example.invalid/hook"),
        ("event_type", "message.new"),
        ("error_message", "HTTP 500"),
        ("failed_at", "2026-11-21T03:30:05Z"),
        ("payload", {"type": "message.new"}),
    ]
