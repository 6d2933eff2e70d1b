"""What lies in the failover bucket for ``failover list`` (and ``status``): rows, states, totals.

Names are listed (``select.Finder``); an envelope is downloaded only when the name
cannot place the object in time, or when the caller asks (``envelopes``: ``--errors``,
``--by url``, ``--error-class``, ``--state``). Each row then gets its state from
``state.Judge``, a batch of rows at a time (one journal query per batch).

One time per row: the envelope's ``failed_at`` when the envelope was read, else the
time in the object's name; ``time_from`` says which.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hookctl.base import aio
from hookctl.base.errors import NotFound
from hookctl.failover.fetch import check_envelope
from hookctl.failover.gcs import Bucket, TooLarge
from hookctl.failover.namecount import Counted, NameCount
from hookctl.failover.select import (
    Candidate,
    Finder,
    Listing,
    Selection,
    Skipped,
    error_class,
    time_text,
)
from hookctl.failover.source import Source, make_finder, open_bucket
from hookctl.failover.tally import SPLITS, TOP_ERRORS, Summary, new_summary, timeline
from hookctl.stream.models import Envelope

if TYPE_CHECKING:
    from hookctl.failover.state import Judge

CONCURRENCY = 16
NAMED_RUN = 500  # rows the name places, handed on together (at least; a page's worth)
JUDGE_BATCH = 500  # rows judged together (one journal query)


@dataclass(slots=True)
class Row:
    name: str
    generation: str
    size: int
    event_type: str
    hook_id: str
    time: datetime
    time_from: str  # "name" or "failed_at"
    # from the envelope, when it was downloaded
    url: str | None = None
    error: str | None = None
    problem: str | None = None  # why the envelope is malformed
    state: str = ""  # "" until judged
    reason: str | None = None  # why refused or malformed

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "generation": self.generation,
            "size": self.size,
            "event_type": self.event_type,
            "hook_id": self.hook_id,
            "time": time_text(self.time),
            "time_from": self.time_from,
            "state": self.state or None,
            "reason": self.reason,
            "error_class": error_class(self.error) if self.error is not None else None,
        }


async def _fetch(bucket: Bucket, candidate: Candidate, max_bytes: int) -> Envelope | str | None:
    """One object's envelope, why it is malformed (replay's own check), or None when gone."""
    item = candidate.item
    try:
        body = await bucket.download(item, max_bytes)
    except TooLarge:
        return f"object is over the {max_bytes} byte limit"
    except NotFound:  # deleted or archived since it was listed
        return None
    return check_envelope(candidate, body)


def _named_row(candidate: Candidate, problem: str | None = None) -> Row:
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
        problem=problem,
    )


def _unreadable(
    finder: Finder, candidate: Candidate, why: str, *, placed: bool
) -> Row | Skipped | None:
    """A malformed object: a row with its reason when its name places it, else skipped;
    none under ``--error-class`` (it has no recorded error, so no class matches)."""
    item = candidate.item
    if placed and finder.selection.error_classes:
        finder.listing.filtered += 1
        return None
    if placed:
        return _named_row(candidate, problem=why)
    return Skipped(item.name, why, item.generation)


async def _produce(
    finder: Finder,
    window: asyncio.Queue[Any],
    resolve: Callable[[Candidate], Coroutine[Any, Any, Row | Skipped | None]],
    envelopes: bool,
) -> None:
    """Feed ``row_batches``' window in listing order. A name that places the object
    needs no download: its row is made here, with no task, and consecutive rows travel
    as one list (hot path: once per listed name, a page at a time). Downloads are
    tasks, in order; None ends the window."""
    named: list[Row] = []
    try:
        async for batch in finder.batches():
            for candidate in batch:
                parsed = candidate.parsed
                if not envelopes and candidate.decided and parsed and parsed.trusted_time:
                    named.append(_named_row(candidate))
                    continue
                if named:
                    await window.put(named)
                    named = []
                await window.put(asyncio.create_task(resolve(candidate)))
            if len(named) >= NAMED_RUN:
                await window.put(named)
                named = []
        if named:
            await window.put(named)
    finally:
        await window.put(None)


async def rows(
    finder: Finder, max_bytes: int, malformed: list[Skipped], *, envelopes: bool = False
) -> AsyncIterator[Row]:
    """``row_batches``, a row at a time."""
    async for batch in row_batches(finder, max_bytes, malformed, envelopes=envelopes):
        for row in batch:
            yield row


async def row_batches(
    finder: Finder, max_bytes: int, malformed: list[Skipped], *, envelopes: bool = False
) -> AsyncIterator[list[Row]]:
    """Objects in the selection, in listing order, in runs. Only objects whose name
    cannot place them in time (timestamp outside the folder's day) are downloaded,
    unless ``envelopes``: then every one is, and its row carries the envelope's time,
    URL and error, or (malformed) the reason. A malformed object the name cannot place
    goes to ``malformed`` instead."""
    async for run in _runs(finder, max_bytes, malformed, envelopes=envelopes):
        assert isinstance(run, list)
        yield run


async def _runs(
    finder: Finder,
    max_bytes: int,
    malformed: list[Skipped],
    *,
    envelopes: bool = False,
    counter: NameCount | None = None,
) -> AsyncIterator[list[Row] | Counted]:
    """``row_batches``; with a ``counter``, names it places come as ``Counted`` runs."""
    bucket = finder.bucket
    selection = finder.selection
    slots = asyncio.Semaphore(CONCURRENCY)
    window: asyncio.Queue[Any] = asyncio.Queue(maxsize=CONCURRENCY * 4)

    async def resolve(candidate: Candidate) -> Row | Skipped | None:
        item, parsed = candidate.item, candidate.parsed
        assert parsed is not None
        placed = candidate.decided and parsed.trusted_time is not None
        if placed and not envelopes:
            return _named_row(candidate)
        async with slots:
            envelope = await _fetch(bucket, candidate, max_bytes)
        if isinstance(envelope, str):
            return _unreadable(finder, candidate, envelope, placed=placed)
        if envelope is None:
            return None
        in_window = placed or selection.by_envelope(
            envelope.event_type, envelope.original_hook_id, envelope.failed_at
        )
        if not (in_window and selection.by_error(envelope.error_message)):
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
            envelope.original_webhook_url,
            envelope.error_message,
        )

    producer = asyncio.create_task(
        counter.produce(window, resolve)
        if counter is not None
        else _produce(finder, window, resolve, envelopes)
    )
    try:
        while (entry := await window.get()) is not None:
            if isinstance(entry, (list, Counted)):
                yield entry
                continue
            result = await entry
            if isinstance(result, Skipped):
                malformed.append(result)
            elif result is not None:
                yield [result]
        await producer
    finally:
        producer.cancel()


@dataclass
class Inventory:
    """What ``failover list`` found: rows (unless streamed), totals and what was skipped."""

    listing: Listing
    totals: Summary
    rows: list[Row] = field(default_factory=list)
    malformed: list[Skipped] = field(default_factory=list)
    envelopes: bool = False  # every envelope was read: urls and errors were counted
    judge: Judge | None = None  # how states were decided (None: not judged)

    def as_json(self) -> dict[str, Any]:
        """``failover list --json``."""
        return {
            "objects": [r.as_json() for r in self.rows],
            **self._states(),
            **self._skipped(),
        }

    def summary_json(self) -> dict[str, Any]:
        """``failover list --summary --json``."""
        totals = self.totals
        return {
            "count": totals.count,
            "bytes": totals.bytes,
            "states": dict(totals.states.most_common()) if self.judge else None,
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
            **self._states(),
            **self._skipped(),
        }

    def top_errors(self, n: int = TOP_ERRORS) -> list[tuple[str, int]]:
        """The ``n`` most common error messages (redacted, escaped), most common first."""
        return self.totals.errors.most_common(n)

    def _states(self) -> dict[str, Any]:
        """Where the states came from: the journal read, and whether envelopes were."""
        judged = self.judge.as_json() if self.judge else {}
        return {"state_source": {**judged, "envelopes_read": self.envelopes} if judged else None}

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
    judge: Judge | None = None,
    names_only: bool = True,
) -> Inventory:
    """List the selection in listing order: each row goes to ``on_row`` as found, and
    into the result's ``rows`` when ``keep_rows``; totals are always counted. With
    ``envelopes`` every object is downloaded (bounded concurrency) so the totals count
    original webhook URLs and error messages too. With a ``judge`` each row gets its
    state, and ``--state`` (the selection's ``states``) keeps only those. When only
    counts are wanted (no rows kept or handed on, no envelopes, no state or error class
    to filter by) names are counted without a row each (``namecount``), unless
    ``names_only`` is False (tests compare the two)."""
    totals = new_summary()
    malformed: list[Skipped] = []
    found: list[Row] = []

    async def main() -> Listing:
        async with open_bucket(source) as gcs:
            # no metadata: a row carries no webhook id (only replay sends one)
            finder = make_finder(gcs, source, chosen, scan=scan, metadata=False)
            batch: list[Row] = []
            counting = names_only and not (envelopes or keep_rows or on_row)
            counter = (
                NameCount(finder, judge)
                if counting and not (chosen.states or chosen.error_classes)
                else None
            )

            def take(batch: list[Row]) -> None:
                """Judge a batch (one journal query), then filter, count and hand on."""
                if judge is not None:
                    for row, verdict in zip(batch, judge(batch), strict=True):
                        row.state, row.reason = verdict
                if chosen.states:
                    kept = [row for row in batch if chosen.by_state(row.state)]
                    finder.listing.filtered += len(batch) - len(kept)
                    batch = kept
                totals.add_all(batch)
                if on_row is not None:
                    for row in batch:
                        on_row(row)
                if keep_rows:
                    found.extend(batch)

            runs = _runs(finder, max_bytes, malformed, envelopes=envelopes, counter=counter)
            async for run in runs:
                if isinstance(run, Counted):  # rows before it first: counted in order
                    take(batch)
                    batch = []
                    assert counter is not None
                    counter.fold(run, totals)
                    continue
                batch.extend(run)
                if len(batch) >= JUDGE_BATCH:
                    take(batch)
                    batch = []
            take(batch)
            return finder.listing

    listing = aio.run(main())
    return Inventory(listing, totals, found, malformed, envelopes, judge)
