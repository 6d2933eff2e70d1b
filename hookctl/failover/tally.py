"""The totals of a ``failover list --summary``: per day, type, hook, state, and the backlog's shape.

Every row counts toward the totals and the state counts; only rows still to be
delivered (pending, or unknown without a journal) draw the per-hour backlog, so the
chart shrinks as a replay drains it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from hookctl.base.redact import redact
from hookctl.failover.select import PENDING, UNKNOWN

if TYPE_CHECKING:
    from hookctl.failover.inventory import Row
    from hookctl.failover.state import Verdict

TOP_ERRORS = 10  # how many distinct error messages ``--summary --errors`` shows
SPLITS = ("type", "hook", "url")  # ``--by``: url needs every envelope downloaded
OUTSTANDING = ("", PENDING, UNKNOWN)  # states the backlog chart draws ("": not judged)


def shown(text: str, limit: int = 300) -> str:
    """Text from the bucket made safe to show: secrets redacted, control characters
    escaped (no terminal escape sequences, one line), cut short."""
    text = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in redact(text)
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Summary:
    """Counts per day, event type, hook, state and hour. Rows are counted into one
    table of cells (hour, event type, hook, state): one dictionary update a row, where
    a counter per view cost five (a million-name summary); the views are folded from
    the cells when read. Their order is the rows' (a cell is made by the first row
    with its key), so ties in ``most_common`` come out as counting each row would."""

    def __init__(self) -> None:
        self.count = 0
        self.bytes = 0
        # counted only when envelopes were downloaded: redacted and escaped for showing
        self.errors: Counter[str] = Counter()
        self.urls: Counter[str] = Counter()
        self.reasons: Counter[tuple[str, str]] = Counter()  # (state, why)
        self.oldest: dict[str, datetime] = {}  # per state: the oldest time
        # (year, month, day, hour, event type, hook, state) → rows
        self._cells: dict[tuple[int, int, int, int, str, str, str], int] = {}
        self._url_hours: Counter[tuple[str, str]] = Counter()  # (hour, url), backlog only
        self._folded: _Views | None = None
        self._hours: dict[int, tuple[int, int, int, int]] = {}  # Unix hour → (y, m, d, h)

    def add(self, row: Row) -> None:
        self.add_all((row,))

    def add_all(self, rows: Iterable[Row]) -> None:
        """Count rows (hot path: once per listed name, hence the locals)."""
        cells, oldest, count, size = self._cells, self.oldest, 0, 0
        for row in rows:
            t, state = row.time, row.state
            key = (t.year, t.month, t.day, t.hour, row.event_type, row.hook_id, state)
            cells[key] = cells.get(key, 0) + 1
            count += 1
            size += row.size
            if state:
                first = oldest.get(state)
                if first is None or t < first:
                    oldest[state] = t
            if row.url is not None or row.error is not None or row.reason is not None:
                self._extras(row)
        self.count += count
        self.bytes += size
        self._folded = None

    def add_counted(
        self, hour: int, event_type: str, hook_id: str, verdict: Verdict, n: int, first: int
    ) -> None:
        """``n`` rows that ``namecount`` counted from their names: in Unix hour ``hour``,
        of one type, hook and verdict, the oldest at Unix second ``first``; the same cells,
        oldest time and reasons as ``add_all`` of those rows."""
        at = self._hours.get(hour)
        if at is None:
            t = datetime.fromtimestamp(hour * 3600, UTC)
            at = self._hours[hour] = (t.year, t.month, t.day, t.hour)
        state, reason = verdict
        key = (*at, event_type, hook_id, state)
        self._cells[key] = self._cells.get(key, 0) + n
        self.count += n
        if state:
            when = datetime.fromtimestamp(first, UTC)
            oldest = self.oldest.get(state)
            if oldest is None or when < oldest:
                self.oldest[state] = when
            if reason is not None:
                self.reasons[(state, shown(reason))] += n
        self._folded = None

    def _extras(self, row: Row) -> None:
        """What only some rows carry: an envelope's URL and error, a state's reason."""
        if row.url is not None:
            url = shown(row.url)
            if row.state in OUTSTANDING:
                self._url_hours[(row.time.strftime("%Y-%m-%dT%H"), url)] += 1
            self.urls[url] += 1
        if row.error is not None:
            self.errors[shown(row.error) or "(empty)"] += 1
        if row.state and row.reason is not None:
            self.reasons[(row.state, shown(row.reason))] += 1

    @property
    def days(self) -> Counter[str]:
        return self._views().days

    @property
    def event_types(self) -> Counter[str]:
        return self._views().event_types

    @property
    def hooks(self) -> Counter[str]:
        return self._views().hooks

    @property
    def states(self) -> Counter[str]:
        return self._views().states

    @property
    def hourly(self) -> dict[str, Counter[tuple[str, str]]]:
        """Per UTC hour ("2026-04-02T13"), split by event type, hook and URL: the
        backlog's shape (events still to deliver only)."""
        return self._views().hourly

    def _views(self) -> _Views:
        if self._folded is None:
            views = _Views()
            labels: dict[tuple[int, int, int, int], tuple[str, str]] = {}
            for (y, m, d, h, event_type, hook, state), n in self._cells.items():
                label = labels.get((y, m, d, h))
                if label is None:
                    day = f"{y:04d}-{m:02d}-{d:02d}"
                    label = labels[(y, m, d, h)] = (f"{day}T{h:02d}", day)
                hour, day = label
                views.days[day] += n
                views.event_types[event_type] += n
                views.hooks[hook] += n
                if state:
                    views.states[state] += n
                if state in OUTSTANDING:
                    views.hourly["type"][(hour, event_type)] += n
                    views.hourly["hook"][(hour, hook)] += n
            views.hourly["url"] = Counter(self._url_hours)
            self._folded = views
        return self._folded


@dataclass
class _Views:
    days: Counter[str] = field(default_factory=Counter)
    event_types: Counter[str] = field(default_factory=Counter)
    hooks: Counter[str] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)
    hourly: dict[str, Counter[tuple[str, str]]] = field(
        default_factory=lambda: {by: Counter() for by in SPLITS}
    )


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
    return Summary()
