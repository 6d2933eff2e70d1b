"""The names-only count (``failover/namecount.py``) answers as the row path does.

``failover list --summary`` and ``failover status`` count a listing without a row per
name; every filter the summary honours must still hold, and the output must be the
row path's byte for byte. The property: over generated listings (usual names across
three days, several hooks and types, timestamps outside their folder's day, hostile
names, odd sizes and generations, a second path), windows, ``--type``/``--hook``/
``--shard`` filters and a journal holding states for some objects, both paths give the
same ``--summary --json`` document, the same state lines and the same skipped objects.
A real listing server on loopback answers GCS's list calls (prefix, offsets, page
tokens, small pages) and serves envelopes for the objects that need one.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hookctl.base.errors import HookctlError
from hookctl.failover.entries import entry_name as _name
from hookctl.failover.ids import key_of
from hookctl.failover.layout import envelope, name_problem
from hookctl.failover.select import Selection
from hookctl.failover.source import Source
from hookctl.failover.state import ORIGINAL, Judge
from hookctl.failover.targets import Destinations
from tests.failover.test_names import ANY_CHAR, NAMES
from tests.loopback import Action, Loopback, Reply, Request

BUCKET = "failover"
PATH = "stream/failed-events"
HOOK_A = "1a2b3c4d-0000-4000-8000-00000000000a"
HOOK_B = "1a2b3c4d-0000-4000-8000-00000000000b"
GONE = "0badc0de-0000-4000-8000-000000000000"  # not in the app: refused
HOOKS = [HOOK_A, HOOK_B, GONE, "plain-hook"]
TYPES = ["message.new", "reaction.new", "call.created", "custom.thing-x"]
DAY0 = datetime(2026, 11, 19, tzinfo=UTC)
APP = {
    "event_hooks": [
        {"id": HOOK_A, "hook_type": "webhook", "enabled": True, "webhook_url": "http://a/x",
         "event_types": ["message.new", "reaction.new"]},
        {"id": HOOK_B, "hook_type": "webhook", "enabled": True, "webhook_url": "http://b/x",
         "event_types": []},
        {"id": "plain-hook", "hook_type": "sqs", "enabled": True},
    ]
}  # fmt: skip


@dataclass
class Store:
    """What the listing server holds: raw entries (any JSON) and envelopes by name."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    bodies: dict[str, bytes] = field(default_factory=dict)
    page: int = 1000  # small pages: runs and downloads cross page boundaries

    def answer(self, request: Request) -> Action:
        if request.query.get("alt") == ["media"]:
            name = unquote(request.target.split("?")[0].split("/o/", 1)[1])
            return Reply(200, self.bodies.get(name, b"{not json"))
        query = {k: v[0] for k, v in request.query.items()}
        prefix, start, end = (
            query.get("prefix", ""),
            query.get("startOffset"),
            query.get("endOffset"),
        )
        shown = [
            e
            for e in self.entries
            if _name(e).startswith(prefix)
            and (start is None or _name(e) >= start)
            and (end is None or _name(e) < end)
        ]
        at = int(query.get("pageToken") or 0)
        page: dict[str, Any] = {"items": shown[at : at + self.page]}
        if at + self.page < len(shown):
            page["nextPageToken"] = str(at + self.page)
        return Reply(200, json.dumps(page).encode())  # ensure_ascii: \\udc80 stays


@pytest.fixture(scope="module")
def store() -> Iterator[tuple[str, Store]]:
    held = Store()
    with Loopback() as server:
        server.route("GET", "/*", handler=held.answer)
        yield server.base_url, held


def usual_names() -> st.SearchStrategy[str]:
    """Stream's names over three days; some stamped outside their folder's day."""
    return st.builds(
        lambda day, second, event_type, hook, path: (
            f"{path}/{DAY0 + timedelta(days=day):%Y/%m/%d}/"
            f"{int((DAY0 + timedelta(days=day)).timestamp()) + second}-{event_type}-{hook}.json"
        ),
        st.integers(0, 2),
        st.integers(0, 86399) | st.integers(0, 86399) | st.sampled_from([-1, 86400, -86400 * 400]),
        st.sampled_from(TYPES),
        st.sampled_from(HOOKS),
        st.sampled_from([PATH] * 6 + ["other/path"]),
    )


ENTRY_EXTRAS = st.sampled_from(
    [{}] * 12
    + [{"size": "1_0"}, {"size": -3}, {"size": 7}, {"generation": "x"}, {"generation": 5}]
    + [{"size": None}, {"generation": None}, {"name": 12}]
)
OUTCOMES = st.sampled_from(
    [("delivered", None), ("failed", "HTTP 503"), ("refused", "gone"), ("malformed", "bad")]
)


def FILTERS(values: list[str]) -> st.SearchStrategy[frozenset[str]]:
    """--type/--hook: none most of the time, else one or two values."""
    some = [frozenset({v}) for v in values] + [frozenset(values[1:3])]
    return st.sampled_from([frozenset[str]()] * len(some) + some)


@st.composite
def listings(draw: st.DrawFn) -> dict[str, Any]:
    usual = draw(st.lists(usual_names(), min_size=8, max_size=40, unique=True))
    names = list(dict.fromkeys(usual + draw(st.lists(NAMES, max_size=6))))  # one of each
    entries = []
    for i, name in enumerate(names):
        entry: dict[str, Any] = {"name": name, "generation": str(1000 + i), "size": str(10 + i)}
        for key, value in draw(ENTRY_EXTRAS).items():
            if value is None:
                del entry[key]
            else:
                entry[key] = value
        entries.append(entry)
    entries.sort(key=_name)
    journal = {
        key_of(BUCKET, _name(e), str(e.get("generation", ""))): draw(OUTCOMES)
        for e in entries
        # replay journals only what it could place: a name with a problem (a lone
        # surrogate cannot even be stored) is skipped before any outcome is recorded
        if isinstance(e.get("generation"), str)
        and name_problem(_name(e)) is None
        and draw(st.booleans())
    }
    since = DAY0 + timedelta(hours=draw(st.integers(0, 30)), seconds=draw(st.integers(0, 59)))
    hours = draw(st.sampled_from([72, 30, 6]) | st.integers(0, 72))
    until = since + timedelta(hours=hours, microseconds=draw(st.integers(0, 9)))
    return {
        "entries": entries,
        "journal": journal,
        "selection": Selection(
            since,
            until,
            event_types=draw(FILTERS(TYPES)),
            hook_ids=draw(FILTERS(HOOKS)),
            shard=draw(st.sampled_from([None, None, None, (0, 2), (1, 2), (2, 3)])),
        ),
        "scan": draw(st.booleans()),
        "journaled": draw(st.booleans()),
        "failed_at": since + timedelta(minutes=draw(st.integers(-90, 90))),
        "page": draw(st.sampled_from([3, 7, 1000])),
    }


def _rich(*, scan: bool, journaled: bool, **selection: Any) -> dict[str, Any]:
    """Every hook and type over three days (some stamped a day off), odd entries
    among them, a journal state for every third object, a window of two partial days."""
    entries = []
    for i, (day, hook, event_type) in enumerate(
        (d, h, t) for d in range(3) for h in HOOKS for t in TYPES for _ in range(2)
    ):
        start = DAY0 + timedelta(days=day)
        second = int(start.timestamp()) + (i * 7919) % 86400 + (86400 if i % 17 == 0 else 0)
        name = f"{PATH}/{start:%Y/%m/%d}/{second}-{event_type}-{hook}.json"
        entries.append({"name": name, "generation": str(i + 1), "size": str(i)})
    odd = f"{PATH}/2026/11/20/1795132800-message.new-{HOOK_A}.json"
    entries += [
        {"name": odd.replace(".new", ".new\x7f"), "generation": "7", "size": "1"},
        {"name": odd.replace("events/", "events/x\x01y/"), "generation": "7", "size": "1"},
        {
            "name": odd.replace("events/", "events/" + "p" * 1000 + "/"),
            "generation": "7",
            "size": "1",
        },
        {"name": odd.replace("1795", "001795"), "generation": "x", "size": "1"},
        {"name": odd.replace("1795", "01795"), "generation": 5, "size": "1_0"},
        {"name": odd.replace("1795", "0001795"), "size": "9" * 21},
    ]
    entries.sort(key=_name)
    states = ["delivered", "failed", "refused", "malformed"]
    journal = {
        key_of(BUCKET, e["name"], str(e.get("generation"))): (states[i % 4], f"error {i % 3}")
        for i, e in enumerate(entries)
        if i % 3 == 0
    }
    since = DAY0 + timedelta(hours=7, seconds=30)
    return {
        "entries": entries,
        "journal": journal,
        "selection": Selection(since, since + timedelta(hours=40), **selection),
        "scan": scan,
        "journaled": journaled,
        "failed_at": since,
        "page": 40,
    }


RICH = [
    _rich(scan=True, journaled=True),
    _rich(scan=True, journaled=False),
    _rich(
        scan=False,
        journaled=False,
        event_types=frozenset({"message.new", "custom.thing-x"}),
        hook_ids=frozenset({HOOK_A, GONE}),
        shard=(1, 2),
    ),
]


def _journal(path: Path, outcomes: dict[str, tuple[str, str | None]]) -> None:
    from hookctl.failover.journal import Journal

    journal = Journal(path)
    for obj, (state, error) in outcomes.items():
        held = state if state in ("refused", "malformed") else None
        ok = state == "delivered"
        journal.record(obj, ORIGINAL, webhook_id="w", event_type="t", ok=ok, status=None,
                       error=error, held=held)  # fmt: skip
    journal.flush()
    journal.close()


def summarise(url: str, case: dict[str, Any], journal: Path | None, names_only: bool) -> str:
    """``failover list --summary --json`` and its state lines, by one path."""
    from hookctl.failover.inventory import list_objects
    from hookctl.failover.ledger import JournalReader
    from hookctl.failover.views import state_lines

    source = Source(BUCKET, PATH, None, url, known_hooks=[HOOK_A, HOOK_B])
    reader = JournalReader.open(journal) if journal is not None else None
    judge = Judge(BUCKET, journal=reader, journal_path=journal,
                  destinations=Destinations.from_app(APP))  # fmt: skip
    try:
        result = list_objects(source, case["selection"], scan=case["scan"], max_bytes=4096,
                              keep_rows=False, judge=judge, names_only=names_only)  # fmt: skip
    except HookctlError as exc:  # the same error either way (a listing that loops)
        return f"error: {exc.message}"
    finally:
        judge.close()
    return json.dumps(
        {
            "summary": result.summary_json(),
            "lines": state_lines(result, terminal=False),
            "listed": result.listing.listed,
            "filtered": result.listing.filtered,
            "other_shard": result.listing.other_shard,
            "complete": result.listing.complete,
            "oldest": {k: str(v) for k, v in result.totals.oldest.items()},
            "reasons": list(result.totals.reasons.items()),
        },
        ensure_ascii=True,
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(listings())
@example(RICH[0])
@example(RICH[1])
@example(RICH[2])
def test_the_names_only_summary_is_the_row_paths(
    store: tuple[str, Store], case: dict[str, Any]
) -> None:
    url, held = store
    held.entries, held.page = case["entries"], case["page"]
    body = envelope(hook_id=HOOK_A, url="http://a/x", event_type="message.new",
                    error="HTTP 500", failed_at=case["failed_at"], payload={})  # fmt: skip
    held.bodies = {_name(e): json.dumps(body).encode() for e in held.entries[::2]}
    with tempfile.TemporaryDirectory() as tmp:
        journal = Path(tmp) / "journal.sqlite3" if case["journaled"] else None
        if journal is not None and case["journal"]:
            _journal(journal, case["journal"])
        rows = summarise(url, case, journal, names_only=False)
        counted = summarise(url, case, journal, names_only=True)
    assert counted == rows


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**80), 2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(ANY_CHAR, max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(JSON_VALUES, st.booleans(), st.sampled_from(["", "\ufeff", " ", "[" * 1200]))
@example({"size": 2**64, "generation": -(2**63) - 1}, True, "")  # past 64 bits
@example({"items": [{"name": "\udc80", "size": float("nan")}]}, True, "")
def test_a_listing_body_parses_as_json_loads_parses_it(value: Any, ascii: bool, lead: str) -> None:
    """``entries.parse_json`` (pydantic-core's parser first) reads what ``json.loads``
    reads, the same values, and fails where it fails: big integers, NaN, lone
    surrogates, a byte-order mark, nesting deeper than either parser's limit."""
    from hookctl.failover.entries import parse_json

    raw = (lead + json.dumps(value, ensure_ascii=ascii)).encode("utf-8", "surrogatepass")
    try:
        expected: Any = ("value", json.loads(raw))
    except (ValueError, RecursionError) as exc:
        expected = ("error", type(exc))
    try:
        got: Any = ("value", parse_json(raw))
    except (ValueError, RecursionError) as exc:
        got = ("error", type(exc))
    assert json.dumps(got, default=repr) == json.dumps(expected, default=repr)
