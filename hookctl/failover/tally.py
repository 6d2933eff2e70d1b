"""The totals of a ``failover list --summary``: per day, type, hook, state, and the backlog's shape.

Every row counts toward the totals and the state counts; only rows still to be
delivered (pending, or unknown without a journal) draw the per-hour backlog, so the
chart shrinks as a replay drains it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from hookctl.base.redact import redact
from hookctl.failover.select import PENDING, UNKNOWN

if TYPE_CHECKING:
    from hookctl.failover.inventory import Row

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


@dataclass
class Summary:
    days: Counter[str]
    event_types: Counter[str]
    hooks: Counter[str]
    count: int = 0
    bytes: int = 0
    # per UTC hour ("2026-04-02T13"), split by event type, hook and URL: the backlog's
    # shape (events still to deliver only)
    hourly: dict[str, Counter[tuple[str, str]]] = field(
        default_factory=lambda: {by: Counter() for by in SPLITS}
    )
    # counted only when envelopes were downloaded: redacted and escaped for showing
    errors: Counter[str] = field(default_factory=Counter)
    urls: Counter[str] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)
    reasons: Counter[tuple[str, str]] = field(default_factory=Counter)  # (state, why)
    oldest: dict[str, datetime] = field(default_factory=dict)  # per state: the oldest time

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
        backlog = row.state in OUTSTANDING
        if backlog:
            self.hourly["type"][(hour, row.event_type)] += 1
            self.hourly["hook"][(hour, row.hook_id)] += 1
        if row.url is not None:
            url = shown(row.url)
            if backlog:
                self.hourly["url"][(hour, url)] += 1
            self.urls[url] += 1
        if row.error is not None:
            self.errors[shown(row.error) or "(empty)"] += 1
        if row.state:
            self.states[row.state] += 1
            if row.reason is not None:
                self.reasons[(row.state, shown(row.reason))] += 1
            if row.state not in self.oldest or row.time < self.oldest[row.state]:
                self.oldest[row.state] = row.time
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
