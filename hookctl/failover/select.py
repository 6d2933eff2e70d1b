"""Which failover objects a command looks at: list the window's day prefixes, filter by name.

Within a day prefix only the window's name range is listed, plus the names
stamped outside that day (see ``layout.name_ranges``): a 6-hour window lists
about a quarter of the day, not all of it. Listing runs a few ranges ahead of the consumer, concurrently, through
bounded queues, and yields objects oldest day first and in name order within a
day (GCS lists in lexicographic order, which is numeric order for the 10-digit
Unix-seconds timestamps that lead every name). Filters that the name can
answer (event type, hook, shard, time when the name's timestamp lies inside its
folder's day) run here, before anything is downloaded.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hookctl.base.errors import UsageError
from hookctl.failover.gcs import Bucket, Listed
from hookctl.failover.layout import (
    NameParser,
    ObjectName,
    base_prefix,
    day_prefixes,
    name_ranges,
    printable,
    shard_of,
)

LIST_AHEAD = 4  # name ranges listed concurrently ahead of the consumer
PAGES_AHEAD = 2  # pages buffered per range

Span = tuple[str, str | None, str | None]  # prefix, first name, name to stop before

# The state of a failed event (``failover.state``): what replay would do with it.
PENDING, DELIVERED, REFUSED, MALFORMED = "pending", "delivered", "refused", "malformed"
UNKNOWN = "unknown"  # no journal to ask: delivered or not cannot be told
STATES = (PENDING, DELIVERED, REFUSED, MALFORMED)
# ``--error-class``: what the envelope's error_message says went wrong for Stream.
ERROR_CLASSES = ("5xx", "4xx", "timeout", "connection", "redirect", "refused")


def error_class(message: str) -> str:
    """The class of a recorded delivery error: ``HTTP 503: …`` is 5xx, ``connection
    refused`` (nothing listening) is refused, other network failures (DNS, reset, TLS)
    are connection; ``other`` when the message says none of these."""
    text = message.strip().lower()
    status = text.removeprefix("http").strip()[:3] if text.startswith("http") else ""
    if status.isdigit():
        return {"5": "5xx", "4": "4xx", "3": "redirect"}.get(status[0], "other")
    if "redirect" in text:
        return "redirect"
    if "timed out" in text or "timeout" in text or "deadline exceeded" in text:
        return "timeout"
    if "refused" in text:
        return "refused"
    network = ("connect", "reset", "closed", "dns", "resolve", "name or service", "unreachable")
    if any(word in text for word in network) or "tls" in text or "ssl" in text:
        return "connection"
    return "other"


def parse_choices(values: list[str] | None, allowed: tuple[str, ...], flag: str) -> frozenset[str]:
    """``--state``/``--error-class`` values: repeatable, comma-separated, each one of
    ``allowed`` (anything else is bad input, exit 2)."""
    names = [v.strip().lower() for value in values or [] for v in value.split(",") if v.strip()]
    wrong = [n for n in names if n not in allowed]
    if wrong or (values and not names):
        raise UsageError(
            f"{flag} {(wrong or [''])[0]!r} is not one of {', '.join(allowed)}",
            f"e.g. {flag} {allowed[0]} (repeat it, or separate values with commas)",
        )
    return frozenset(names)


@dataclass(frozen=True)
class Selection:
    since: datetime | None = None
    until: datetime | None = None
    event_types: frozenset[str] = frozenset()
    hook_ids: frozenset[str] = frozenset()
    shard: tuple[int, int] | None = None
    states: frozenset[str] = frozenset()  # --state: empty is every state
    error_classes: frozenset[str] = frozenset()  # --error-class: needs each envelope

    def in_window(self, when: datetime) -> bool:
        if self.since is not None and when < self.since:
            return False
        return not (self.until is not None and when >= self.until)

    def by_name(self, parsed: ObjectName) -> bool | None:
        """True/False when the name decides; None when only the envelope's failed_at can."""
        if self.event_types and parsed.event_type not in self.event_types:
            return False
        if self.hook_ids and parsed.hook_id not in self.hook_ids:
            return False
        when = parsed.trusted_time
        return None if when is None else self.in_window(when)

    def by_envelope(self, event_type: str, hook_id: str, failed_at: datetime) -> bool:
        """The envelope is authoritative (a name split can be ambiguous)."""
        if self.event_types and event_type not in self.event_types:
            return False
        if self.hook_ids and hook_id not in self.hook_ids:
            return False
        return self.in_window(failed_at)

    def by_error(self, error_message: str) -> bool:
        """``--error-class``: the envelope's recorded error is of a class asked for."""
        return not self.error_classes or error_class(error_message) in self.error_classes

    def by_state(self, state: str) -> bool:
        """``--state``; pending takes unknown too (no journal: replay would send it)."""
        return not self.states or (PENDING if state == UNKNOWN else state) in self.states

    def in_shard(self, name: str) -> bool:
        return self.shard is None or shard_of(name, self.shard[1]) == self.shard[0]

    def as_json(self) -> dict[str, Any]:
        return {
            "since": _iso(self.since),
            "until": _iso(self.until),
            "event_types": sorted(self.event_types),
            "hook_ids": sorted(self.hook_ids),
            "shard": f"{self.shard[0]}/{self.shard[1]}" if self.shard else None,
            "states": sorted(self.states),
            "error_classes": sorted(self.error_classes),
        }


def _iso(when: datetime | None) -> str | None:
    return time_text(when) if when else None


# One time per event (issue 24 item 6), labelled the same in ``failover list``, ``object``
# and ``replay --dry-run``: the envelope's failed_at where it was read, else the name's.
TIME_LABELS = {"failed_at": "failed at", "name": "time (name)"}


def time_text(when: datetime) -> str:
    """An event's time as every command shows it: ISO 8601 in UTC, ending in ``Z``."""
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(slots=True)
class Candidate:
    item: Listed
    parsed: ObjectName | None
    decided: bool  # the name already put it inside the window


@dataclass
class Skipped:
    name: str
    reason: str
    generation: str = ""

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "generation": self.generation, "reason": self.reason}


@dataclass
class Listing:
    """Counts of what the listing saw, shared with the rest of the pipeline."""

    prefixes: list[str] = field(default_factory=list)
    listed: int = 0
    filtered: int = 0
    other_shard: int = 0
    unrecognised: list[Skipped] = field(default_factory=list)
    complete: bool = False  # every prefix listed: totals are final
    why_prefixes: str = ""  # e.g. "1 hour spans 2 UTC days": why that many day prefixes


def duration_text(seconds: float) -> str:
    """A window's length in the largest fitting unit: ``1 hour``, ``36 hours``, ``3 days``."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and (seconds % size == 0 or seconds >= 3 * size):
            n = round(seconds / size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    n = round(seconds)
    return f"{n} second{'s' if n != 1 else ''}"


def why_prefixes(since: datetime, until: datetime, days: int, *, now: datetime) -> str:
    """Why a window is listed under ``days`` day prefixes (the folders are per UTC day)."""
    plural = "s" if days != 1 else ""
    if until > now:  # no --until: the window reaches a day ahead for names stamped late
        back = duration_text(max((now - since).total_seconds(), 0))
        return f"{back} back, 1 day ahead"  # ahead: names stamped late (clock skew)
    span = duration_text((until - since).total_seconds())
    return f"{span} spans {days} UTC day{plural}"


class Finder:
    def __init__(
        self,
        bucket: Bucket,
        selection: Selection,
        *,
        path: str,
        known_hooks: Iterable[str] = (),
        event_types: Iterable[str] = (),
        scan: bool = False,
        from_file: Path | None = None,
        exclude_prefix: str | None = None,
        metadata: bool = True,
    ) -> None:
        self.bucket = bucket
        self.metadata = metadata  # ask for metadata (carried ids: replay only)
        self.selection = selection
        self.path = path
        self.parser = NameParser([*known_hooks, *selection.hook_ids], event_types)
        self.scan = scan
        self.from_file = from_file
        self.exclude_prefix = exclude_prefix
        self.listing = Listing()
        self.base = base_prefix(path)

    def parse(self, name: str) -> ObjectName | None:
        return self.parser.parse(name)

    async def candidates(self) -> AsyncIterator[Candidate]:
        async for batch in self.batches():
            for candidate in batch:
                yield candidate

    async def batches(self) -> AsyncIterator[list[Candidate]]:
        """The candidates a page at a time (one await per page, not per name: a
        million-name ``list --summary`` takes them so)."""
        async for page in self._pages():
            yield self._judge(page)
        self.listing.complete = True

    def _judge(self, page: list[Listed]) -> list[Candidate]:
        """The page's objects that may be in the selection, with their parsed names."""
        listing, selection, explain = self.listing, self.selection, self.parser.explain
        exclude, sharded, base = self.exclude_prefix, selection.shard is not None, self.base
        found: list[Candidate] = []
        for item in page:  # (hot path: once per listed name, hence the locals)
            listing.listed += 1
            name = item.name
            if exclude and name.startswith(exclude):
                continue
            if sharded and not selection.in_shard(name):
                listing.other_shard += 1
                continue
            parsed = explain(name)
            if isinstance(parsed, str):
                listing.unrecognised.append(Skipped(printable(name), parsed, item.generation))
                continue
            if not parsed.prefix.startswith(base):
                reason = f"name is outside the failover path {base!r}"
                listing.unrecognised.append(Skipped(printable(name), reason, item.generation))
                continue
            verdict = True if self.from_file else selection.by_name(parsed)
            if verdict is False:
                listing.filtered += 1
                continue
            found.append(Candidate(item, parsed, verdict is True))
        return found

    async def _pages(self, raw: bool = False) -> AsyncIterator[list[Any]]:
        """Pages of ``Listed`` entries; ``raw``: of the entries as listed (``Bucket.pages``)."""
        if self.from_file is not None:
            yield read_object_file(self.from_file, self.bucket.name, self.path)
            return
        spans: list[Span]
        if self.scan:
            self.listing.prefixes = [base_prefix(self.path)]
            spans = [(base_prefix(self.path), None, None)]
        else:
            since, until = self.selection.since, self.selection.until
            assert since is not None
            assert until is not None
            days = day_prefixes(self.path, since, until)
            self.listing.prefixes = [p for _, p in days]
            self.listing.why_prefixes = why_prefixes(since, until, len(days), now=datetime.now(UTC))
            spans = [
                (prefix, start, end)
                for day, prefix in days
                for start, end in name_ranges(prefix, day, since, until)
            ]
        async for page in self._pages_in_order(spans, raw):
            yield page

    async def _pages_in_order(self, spans: list[Span], raw: bool) -> AsyncIterator[list[Any]]:
        """List up to LIST_AHEAD name ranges at once; yield their pages in name order."""
        started: list[tuple[asyncio.Queue[Any], asyncio.Task[None]]] = []

        async def fill(span: Span, queue: asyncio.Queue[Any]) -> None:
            try:
                lister = self.bucket.pages if raw else self.bucket.list
                async for page in lister(*span, metadata=self.metadata):
                    await queue.put(page)
                await queue.put(None)
            except Exception as exc:  # handed to the consumer, raised there
                await queue.put(exc)

        def start(index: int) -> None:
            if index < len(spans):
                queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=PAGES_AHEAD)
                started.append((queue, asyncio.create_task(fill(spans[index], queue))))

        for index in range(min(LIST_AHEAD, len(spans))):
            start(index)
        try:
            for index in range(len(spans)):
                queue, _ = started[index]
                while (page := await queue.get()) is not None:
                    if isinstance(page, Exception):
                        raise page
                    yield page
                start(index + LIST_AHEAD)
        finally:
            for _, task in started:
                task.cancel()


def read_object_file(path: Path, bucket: str, failover_path: str = "") -> list[Listed]:
    """Objects from a ``--failures`` NDJSON file (``replay --from-file``). A line that
    names an object outside the failover path (``../../x``, another prefix), a name GCS
    could not hold, or a size or generation that is not a number is exit 2 naming the
    line: the file is an input like any other, and nothing in it is sent on trust.
    An object named twice (``cat`` of two failures files) is taken once: each copy would
    be sent, the copies concurrently, so even the journal could not stop the repeat."""
    items: dict[tuple[str, object], Listed] = {}
    from hookctl.base.stdio import MAX_BODY, read_capped, size_text

    try:
        raw = read_capped(path, MAX_BODY)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}", "check the path") from None
    if raw is None:
        raise UsageError(f"{path} is larger than {size_text(MAX_BODY)}", "check the path")
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text", _FAILURES_HINT) from None
    base = base_prefix(failover_path)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            name = row["name"]
            if not isinstance(name, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise UsageError(
                f"{path}:{number}: not a failover object line", _FAILURES_HINT
            ) from None
        if row.get("bucket") not in (None, bucket):
            other = printable(str(row["bucket"]))[:80]
            raise UsageError(
                f"{path}:{number}: object is in bucket {other}, not {bucket}",
                f"pass --bucket {other}",
            )
        entry = _file_entry(row, name, base, f"{path}:{number}")
        items.setdefault((entry.name, entry.generation), entry)
    return list(items.values())


_FAILURES_HINT = "give a file written by `hookctl failover replay --failures FILE`"


def _file_entry(row: dict[str, Any], name: str, base: str, where: str) -> Listed:
    from hookctl.base.numbers import whole
    from hookctl.failover.layout import name_problem

    problem = name_problem(name)
    if problem is None and not name.startswith(base):
        problem = f"name is outside the failover path {base!r}"
    if problem is not None:
        raise UsageError(f"{where}: {printable(name)[:200]}: {problem}", _FAILURES_HINT)
    numbers = []
    for key in ("size", "generation"):
        value = row.get(key)
        if value in (None, ""):
            numbers.append(0 if key == "size" else "")
            continue
        read = value if type(value) is int and value >= 0 else whole(str(value))
        if read is None or read < 0:
            raise UsageError(f"{where}: {key} {str(value)[:40]!r} is not a number", _FAILURES_HINT)
        numbers.append(read if key == "size" else str(read))
    return Listed(name, str(numbers[1]), int(numbers[0]))
