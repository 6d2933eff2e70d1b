"""No object name stops a listing or a replay (issue 14, item 3).

The bucket is untrusted: a name may hold a timestamp no calendar holds, unpaired
surrogates (a JSON listing can carry ``\\udc80``), control characters, ``..``
segments, or nothing of Stream's layout. Each is either placed (by its folder
and the envelope's ``failed_at``) or counted as unrecognised with its reason.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hookctl.failover.layout import NameParser, ObjectName, envelope, object_name
from hookctl.webhooks.receiver import Receiver
from tests.conftest import Cli, SandboxApp
from tests.gcs import fake_gcs_server, write_object
from tests.loopback import Action, Loopback, Reply, Request

BUCKET = "failover"
PATH = "stream/failed-events"
HOOK = "8c4f6a52-0d4e-4a9b-9a55-3b1f3f2d9e10"
CATALOG = frozenset({"message.new", "channel.created", "call.ended"})
ANY_CHAR = st.characters(blacklist_categories=())  # surrogates and control characters too


HOSTILE = [
    f"{PATH}/2026/11/20/999999999999-message.new-{HOOK}.json",
    f"{PATH}/2026/11/20/1763632800-message.new-\udc80{HOOK}.json",
    f"{PATH}/2026/11/20/1763632800-message.\x00new-{HOOK}.json",
    f"{PATH}/2026/11/20/../../../../1763632800-message.new-{HOOK}.json",
    f"{PATH}/2026/02/30/1763632800-message.new-{HOOK}.json",
    f"{PATH}/2026/11/20/README.txt",
]


def _envelope(when: datetime, **extra: Any) -> dict[str, Any]:
    return envelope(
        hook_id=HOOK,
        url="https://example.invalid/hook",
        event_type="message.new",
        error="HTTP 500",
        failed_at=when,
        payload={"type": "message.new", **extra},
    )


def test_an_out_of_range_timestamp_neither_stops_list_nor_replay(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path
) -> None:
    """The issue's reproduction: ``999999999999-message.new-<hook>.json`` made
    `failover list` exit 1 with ``year 33658 is out of range``."""
    data = tmp_path / "data"
    day = datetime(2026, 11, 20, 10, tzinfo=UTC)
    for i in range(3):
        write_object(
            data,
            BUCKET,
            object_name(PATH, day.replace(minute=i), "message.new", HOOK),
            _envelope(day.replace(minute=i), i=i),
        )
    odd = f"{PATH}/2026/11/20/999999999999-message.new-{HOOK}.json"
    write_object(data, BUCKET, odd, _envelope(day.replace(minute=30), i="odd"))
    args = ["--bucket", BUCKET, "--path", PATH, "--since", "2026-11-20", "--until", "2026-11-20"]
    rec = Receiver([sandbox.api_secret], keep_bodies=True).start()
    try:
        with fake_gcs_server(data) as gcs:
            listed = cli("failover", "list", *args, "--gcs-endpoint", gcs, "--json")
            replayed = cli(
                "failover",
                "replay",
                *args,
                "--gcs-endpoint",
                gcs,
                "--to",
                rec.url,
                "--json",
                "--no-journal",
            )
    finally:
        rec.stop()
    assert listed.exit_code == 0, listed.stderr
    rows = {o["name"]: o for o in json.loads(listed.stdout)["objects"]}
    assert len(rows) == 4
    assert rows[odd]["time"] == "2026-11-20T10:30:00Z"
    assert rows[odd]["time_from"] == "failed_at"
    assert replayed.exit_code == 0, replayed.stderr
    assert json.loads(replayed.stdout)["counts"]["delivered"] == 4 == rec.stats.accepted
    assert "Traceback" not in listed.stderr + replayed.stderr


# ------------------------------------------------------------ properties


def layout_names() -> st.SearchStrategy[str]:
    """Names shaped like Stream's, with every part free to be hostile."""
    digits = st.text("0123456789", min_size=1, max_size=14)
    middle = st.text(ANY_CHAR, max_size=40) | st.sampled_from(
        [f"message.new-{HOOK}", "message.new-h", "-", "message.new-", ".."]
    )
    return st.builds(
        lambda y, m, d, ts, mid, tail: f"{PATH}/{y}/{m}/{d}/{ts}-{mid}{tail}",
        st.sampled_from(["2026", "0000", "9999", "20261"]) | st.text("0123456789", max_size=5),
        st.sampled_from(["11", "00", "13", "1"]),
        st.sampled_from(["20", "00", "31", "32"]),
        digits,
        middle,
        st.sampled_from([".json", ".JSON", "", ".json/..", "/../x.json"]),
    )


NAMES = st.one_of(
    layout_names(),
    st.text(ANY_CHAR, max_size=60).map(lambda t: f"{PATH}/{t}"),
    st.text(ANY_CHAR, max_size=60),
    st.sampled_from([f"{PATH}/2026/11/20/../../../../etc/passwd", f"{PATH}/./x.json", ""]),
)


@given(NAMES)
@example(HOSTILE[0])
@example(HOSTILE[1])
@example(HOSTILE[3])
def test_the_parser_places_or_explains_every_name(name: str) -> None:
    parsed = NameParser([HOOK], CATALOG).explain(name)
    if isinstance(parsed, str):
        assert parsed
        return
    assert isinstance(parsed, ObjectName)
    assert parsed.event_type
    assert parsed.hook_id
    when = parsed.trusted_time  # never raises, even for 999999999999
    if when is not None:
        assert when.date() == parsed.day
    assert ".." not in parsed.name.split("/")


@given(NAMES)
@example(f"{PATH}/2026/11/20/1795132800-message.new-{HOOK}.json")  # the day's first second
@example(f"{PATH}/2026/11/20/1795219199-message.new-{HOOK}.json")  # its last
@example(f"{PATH}/2026/11/20/1795219200-message.new-{HOOK}.json")  # the next day's first
@example(f"{PATH}/2026/11/20/1795132799-message.new-{HOOK}.json")  # the day before
@example(f"{PATH}/2026/11/20/0001795132800-message.new-{HOOK}.json")  # 13 digits
@example(f"{PATH}/2026/02/30/1795132800-message.new-{HOOK}.json")
@example(f"2026/11/20/1795132800-message.new-{HOOK}.json")
@example(f"{PATH}/2026/11/20/1795132800-.json")
@example(f"{PATH}/2026/11/20/1795132800-message.new-{HOOK}.JSON")
@example(f"{PATH}/../2026/11/20/1795132800-message.new-{HOOK}.json")
@example(f"{PATH}//2026/11/20/1795132800-message.new-{HOOK}.json")
@example(f"{PATH}\x7f/2026/11/20/1795132800-message.new-{HOOK}.json")
@example(f"{'p' * 1000}/2026/11/20/1795132800-message.new-{HOOK}.json")  # over 1024 bytes
def test_the_fast_name_path_answers_as_the_full_check(name: str) -> None:
    """The per-name fast path (``NameParser._usual``, ASCII names in a folder seen
    before) places exactly what the full check places, the same way, or defers."""
    parser = NameParser([HOOK], CATALOG)
    for middle in (f"message.new-{HOOK}", "message.new-h"):  # middles seen in clean names
        assert not isinstance(parser._explain(f"{PATH}/2026/11/20/1795132800-{middle}.json"), str)
    full = parser._explain(name)  # the full check first: it remembers the name's middle
    fast = parser._usual(name) if name.isascii() else None
    if fast is not None:
        assert isinstance(full, ObjectName)
        assert fast == full
        assert fast.trusted_time == full.trusted_time
    assert parser.explain(name) == full


class ListingServer:
    """GCS's JSON API as a Loopback route, listing whatever names a test puts in ``names``
    (escaped with ``\\uXXXX`` as a JSON server may), and serving one envelope for any
    download. Names no real bucket could hold are the point."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.body = json.dumps(_envelope(datetime(2026, 11, 20, 12, tzinfo=UTC))).encode()

    def answer(self, request: Request) -> Action:
        if request.query.get("alt") == ["media"]:
            return Reply(200, self.body)
        prefix = request.query.get("prefix", [""])[0]
        items = [
            {"name": n, "generation": "7", "size": "10"} for n in self.names if n.startswith(prefix)
        ]
        return Reply(200, json.dumps({"items": items}).encode())  # ensure_ascii: \udc80 stays


@pytest.fixture(scope="module")
def listing() -> Iterator[tuple[str, ListingServer]]:
    fake = ListingServer()
    with Loopback() as server:
        server.route("GET", "/*", handler=fake.answer)
        yield server.base_url, fake


def run_listing(url: str) -> tuple[Any, list[Any], list[Any]]:
    from hookctl.failover.gcs import Auth, Bucket
    from hookctl.failover.inventory import rows
    from hookctl.failover.select import Finder, Selection

    selection = Selection(
        datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), shard=(0, 1)
    )

    async def go() -> tuple[Any, list[Any], list[Any]]:
        async with Bucket(BUCKET, Auth(None), endpoint=url) as gcs:
            finder = Finder(
                gcs, selection, path=PATH, known_hooks=[HOOK], event_types=CATALOG, scan=True
            )
            malformed: list[Any] = []
            found = [row async for row in rows(finder, 1024, malformed)]
            return finder.listing, found, malformed

    return asyncio.run(go())


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(NAMES, max_size=12))
@example(HOSTILE)
def test_the_listing_path_never_stops_on_a_name(
    listing: tuple[str, ListingServer], names: list[str]
) -> None:
    url, fake = listing
    fake.names = names
    seen, found, malformed = run_listing(url)
    under = [n for n in names if n.startswith(f"{PATH}/")]
    assert seen.listed == len(under)
    assert len(found) + seen.filtered + len(seen.unrecognised) + len(malformed) == len(under)
    for skipped in seen.unrecognised:
        assert skipped.reason
        skipped.name.encode("utf-8")  # printable: escapes, never a lone surrogate
        json.dumps(skipped.as_json(), ensure_ascii=False).encode("utf-8")
    for row in found:
        assert ".." not in row.name.split("/")
