"""What lies in the failover bucket: ``failover list`` and ``failover object``."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hookctl.base import aio
from hookctl.base.errors import NotFound, UsageError
from hookctl.base.redact import redact
from hookctl.failover.gcs import Bucket, Listed, TooLarge
from hookctl.failover.select import Candidate, Finder, Listing, Selection, Skipped
from hookctl.failover.source import Source, make_finder, open_bucket
from hookctl.stream.models import Envelope, MalformedObject, parse_envelope

CONCURRENCY = 16
NAMED_RUN = 200  # rows the name places, handed on together
SHOW_MAX_BYTES = 20 * 1024 * 1024
TOP_ERRORS = 10  # how many distinct error messages ``--summary --errors`` shows
SPLITS = ("type", "hook", "url")  # ``--by``: url needs every envelope downloaded


def shown(text: str, limit: int = 300) -> str:
    """Text from the bucket made safe to show: secrets redacted, control characters
    escaped (no terminal escape sequences, one line), cut short."""
    text = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in redact(text)
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Row:
    name: str
    generation: str
    size: int
    event_type: str
    hook_id: str
    time: datetime
    time_from: str  # "name" or "failed_at"
    # from the envelope, when it was downloaded (``--by url``, ``--errors``)
    url: str | None = None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "generation": self.generation,
            "size": self.size,
            "event_type": self.event_type,
            "hook_id": self.hook_id,
            "time": self.time.isoformat().replace("+00:00", "Z"),
            "time_from": self.time_from,
        }


@dataclass
class Summary:
    days: Counter[str]
    event_types: Counter[str]
    hooks: Counter[str]
    count: int = 0
    bytes: int = 0
    # per UTC hour ("2026-04-02T13"), split by event type and by hook: the backlog's shape
    hourly: dict[str, Counter[tuple[str, str]]] = field(
        default_factory=lambda: {by: Counter() for by in SPLITS}
    )
    # counted only when envelopes were downloaded: redacted and escaped for showing
    errors: Counter[str] = field(default_factory=Counter)
    urls: Counter[str] = field(default_factory=Counter)

    # (year, month, day, hour) → its hour and day labels: formatting a time twice per
    # row was a fifth of a million-name summary's CPU
    _labels: dict[tuple[int, int, int, int], tuple[str, str]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def add(self, row: Row) -> None:
        t = row.time
        labels = self._labels.get((t.year, t.month, t.day, t.hour))
        if labels is None:
            labels = (t.strftime("%Y-%m-%dT%H"), t.date().isoformat())
            self._labels[(t.year, t.month, t.day, t.hour)] = labels
        hour, day = labels
        self.hourly["type"][(hour, row.event_type)] += 1
        self.hourly["hook"][(hour, row.hook_id)] += 1
        if row.url is not None:
            url = shown(row.url)
            self.hourly["url"][(hour, url)] += 1
            self.urls[url] += 1
        if row.error is not None:
            self.errors[shown(row.error) or "(empty)"] += 1
        self.days[day] += 1
        self.event_types[row.event_type] += 1
        self.hooks[row.hook_id] += 1
        self.count += 1
        self.bytes += row.size


def timeline(summary: Summary, by: str) -> tuple[str, list[tuple[str, dict[str, int]]]]:
    """Failed events per hour (per day when they spread over more than 72 hours), each
    bucket split by ``by`` (``type``, ``hook`` or ``url``): ``(unit, [(bucket, {key: n})])``,
    oldest first, empty buckets between the first and last included."""
    counts = summary.hourly[by]
    if not counts:
        return "hour", []
    hours = sorted({h for h, _ in counts})
    first = datetime.strptime(hours[0], "%Y-%m-%dT%H").replace(tzinfo=UTC)
    last = datetime.strptime(hours[-1], "%Y-%m-%dT%H").replace(tzinfo=UTC)
    unit = "day" if (last - first) > timedelta(hours=72) else "hour"
    step = timedelta(days=1) if unit == "day" else timedelta(hours=1)
    fmt = "%Y-%m-%d" if unit == "day" else "%Y-%m-%dT%H"
    if unit == "day":
        first = first.replace(hour=0)
    buckets: dict[str, dict[str, int]] = {}
    at = first
    while at <= last:
        buckets[at.strftime(fmt)] = {}
        at += step
    for (hour, key), n in counts.items():
        bucket = hour[:10] if unit == "day" else hour
        buckets[bucket][key] = buckets[bucket].get(key, 0) + n
    label = (lambda b: f"{b}:00Z") if unit == "hour" else (lambda b: b)
    return unit, [(label(b), split) for b, split in buckets.items()]


def new_summary() -> Summary:
    return Summary(Counter(), Counter(), Counter())


async def _fetch(bucket: Bucket, item: Listed, max_bytes: int) -> Envelope | Skipped | None:
    """One object's envelope, why it is skipped, or None when it is gone."""
    try:
        return parse_envelope(await bucket.download(item, max_bytes))
    except TooLarge:
        return Skipped(item.name, f"object is over the {max_bytes} byte limit", item.generation)
    except MalformedObject as exc:
        return Skipped(item.name, exc.reason, item.generation)
    except NotFound:  # deleted or archived since it was listed
        return None


def _named_row(candidate: Candidate, url: str | None = None, error: str | None = None) -> Row:
    """The row for an object its name places in time."""
    item, parsed = candidate.item, candidate.parsed
    assert parsed is not None
    assert parsed.trusted_time is not None
    return Row(
        item.name,
        item.generation,
        item.size,
        parsed.event_type,
        parsed.hook_id,
        parsed.trusted_time,
        "name",
        url,
        error,
    )


async def _produce(
    finder: Finder,
    window: asyncio.Queue[Any],
    resolve: Callable[[Candidate], Coroutine[Any, Any, Row | Skipped | None]],
    envelopes: bool,
) -> None:
    """Feed ``rows``' window in listing order. A name that places the object needs no
    download: its row is made here, with no task, and consecutive rows travel as one
    list (hot path: a million names list in about the time of the bare listing).
    Downloads are tasks, in order; None ends the window."""
    named: list[Row] = []
    try:
        async for candidate in finder.candidates():
            parsed = candidate.parsed
            if not envelopes and candidate.decided and parsed and parsed.trusted_time:
                named.append(_named_row(candidate))
                if len(named) >= NAMED_RUN:
                    await window.put(named)
                    named = []
                continue
            if named:
                await window.put(named)
                named = []
            await window.put(asyncio.create_task(resolve(candidate)))
        if named:
            await window.put(named)
    finally:
        await window.put(None)


async def rows(
    finder: Finder, max_bytes: int, malformed: list[Skipped], *, envelopes: bool = False
) -> AsyncIterator[Row]:
    """Objects in the selection, in listing order. Only objects whose name cannot
    place them in time (timestamp outside the folder's day) are downloaded, unless
    ``envelopes``: then every one is, and its rows carry the URL and error message."""
    bucket = finder.bucket
    slots = asyncio.Semaphore(CONCURRENCY)
    window: asyncio.Queue[Any] = asyncio.Queue(maxsize=CONCURRENCY * 4)

    async def resolve(candidate: Candidate) -> Row | Skipped | None:
        item, parsed = candidate.item, candidate.parsed
        assert parsed is not None
        placed = candidate.decided and parsed.trusted_time is not None
        if placed and not envelopes:
            return _named_row(candidate)
        async with slots:
            envelope = await _fetch(bucket, item, max_bytes)
        if not isinstance(envelope, Envelope):
            return envelope
        seen = (
            (envelope.original_webhook_url, envelope.error_message) if envelopes else (None, None)
        )
        if placed:  # keep the name's fields, as a listing without envelopes does
            return _named_row(candidate, *seen)
        if not finder.selection.by_envelope(
            envelope.event_type, envelope.original_hook_id, envelope.failed_at
        ):
            finder.listing.filtered += 1
            return None
        return Row(
            item.name,
            item.generation,
            item.size,
            envelope.event_type,
            envelope.original_hook_id,
            envelope.failed_at,
            "failed_at",
            *seen,
        )

    producer = asyncio.create_task(_produce(finder, window, resolve, envelopes))
    try:
        while (entry := await window.get()) is not None:
            if isinstance(entry, list):
                for row in entry:
                    yield row
                continue
            result = await entry
            if isinstance(result, Skipped):
                malformed.append(result)
            elif result is not None:
                yield result
        await producer
    finally:
        producer.cancel()


def split_gs_url(name: str, bucket: str | None) -> tuple[str | None, str]:
    """``gs://BUCKET/NAME`` names its bucket, unless one was given (then NAME is checked
    against it when read)."""
    if name.startswith("gs://") and not bucket:
        found, _, rest = name.removeprefix("gs://").partition("/")
        return found, rest
    return bucket, name


async def read_object(
    bucket: Bucket, name: str, max_bytes: int
) -> tuple[Listed, Envelope | None, bytes, str | None]:
    """One object: its metadata, the parsed envelope (or why not), and the raw bytes."""
    name = name.removeprefix(f"gs://{bucket.name}/")
    if name.startswith("gs://"):
        raise UsageError(f"{name} is not in bucket {bucket.name}", "pass --bucket for that bucket")
    item = await bucket.head(name)
    try:
        body = await bucket.download(item, max_bytes)
    except TooLarge:
        return item, None, b"", f"object is over the {max_bytes} byte limit"
    try:
        return item, parse_envelope(body), body, None
    except MalformedObject as exc:
        return item, None, body, exc.reason


@dataclass
class Inventory:
    """What ``failover list`` found: rows (unless streamed), totals and what was skipped."""

    listing: Listing
    totals: Summary
    rows: list[Row] = field(default_factory=list)
    malformed: list[Skipped] = field(default_factory=list)
    envelopes: bool = False  # every envelope was read: urls and errors were counted

    def as_json(self) -> dict[str, Any]:
        """``failover list --json``."""
        return {
            "objects": [r.as_json() for r in self.rows],
            **self._skipped(),
        }

    def summary_json(self) -> dict[str, Any]:
        """``failover list --summary --json``."""
        totals = self.totals
        return {
            "count": totals.count,
            "bytes": totals.bytes,
            "days": dict(sorted(totals.days.items())),
            "event_types": dict(totals.event_types.most_common()),
            "hooks": dict(totals.hooks.most_common()),
            "urls": dict(totals.urls.most_common()) if self.envelopes else None,
            "timeline": {
                by: [{"bucket": b, "count": sum(s.values()), "split": s} for b, s in buckets]
                for by in SPLITS
                if by != "url" or self.envelopes
                for _, buckets in [timeline(totals, by)]
            },
            "timeline_unit": timeline(totals, "type")[0],
            "top_errors": (
                [{"message": m, "count": n} for m, n in self.top_errors()]
                if self.envelopes
                else None
            ),
            **self._skipped(),
        }

    def top_errors(self, n: int = TOP_ERRORS) -> list[tuple[str, int]]:
        """The ``n`` most common error messages (redacted, escaped), most common first."""
        return self.totals.errors.most_common(n)

    def _skipped(self) -> dict[str, Any]:
        return {
            "malformed": [m.as_json() for m in self.malformed],
            "unrecognised": [u.as_json() for u in self.listing.unrecognised],
            "prefixes": len(self.listing.prefixes),
        }


def list_objects(
    source: Source,
    chosen: Selection,
    *,
    scan: bool = False,
    max_bytes: int,
    on_row: Callable[[Row], None] | None = None,
    keep_rows: bool = True,
    envelopes: bool = False,
) -> Inventory:
    """List the selection in listing order: each row goes to ``on_row`` as found, and
    into the result's ``rows`` when ``keep_rows``; totals are always counted. With
    ``envelopes`` every object is downloaded (bounded concurrency) so the totals count
    original webhook URLs and error messages too."""
    totals = new_summary()
    malformed: list[Skipped] = []
    found: list[Row] = []

    async def main() -> Listing:
        async with open_bucket(source) as gcs:
            finder = make_finder(gcs, source, chosen, scan=scan)
            async for row in rows(finder, max_bytes, malformed, envelopes=envelopes):
                totals.add(row)
                if on_row is not None:
                    on_row(row)
                if keep_rows:
                    found.append(row)
            return finder.listing

    listing = aio.run(main())
    return Inventory(listing, totals, found, malformed, envelopes)


@dataclass(frozen=True)
class ObjectView:
    """One object for ``failover object``: metadata, the envelope or why there is none."""

    item: Listed
    envelope: Envelope | None
    body: bytes
    problem: str | None

    @property
    def excerpt(self) -> str:
        """The start of an object that is not an envelope."""
        return self.body[:300].decode("utf-8", "replace")

    def as_json(self) -> dict[str, Any]:
        """``failover object --json``: the envelope, or why there is none."""
        item = self.item
        head = {"name": item.name, "generation": item.generation, "size": item.size}
        if self.envelope is None:
            return {**head, "malformed": self.problem, "excerpt": self.excerpt}
        return {**head, "envelope": self.envelope.model_dump(mode="json")}


def fetch_object(source: Source, name: str, max_bytes: int = SHOW_MAX_BYTES) -> ObjectView:
    async def main() -> ObjectView:
        async with open_bucket(source, connections=2) as gcs:
            return ObjectView(*await read_object(gcs, name, max_bytes))

    return aio.run(main())
