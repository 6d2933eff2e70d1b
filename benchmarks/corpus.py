"""The benchmark backlog: N failed-event envelopes over D days, computed from an index.

Object ``i`` failed at ``START + floor(i * D * 86400 / N)`` seconds, so every
object has its own second (``N <= D * 86400``: a million objects need 12 days)
and name order is index order: ``{PATH}/yyyy/mm/dd/{ts}-message.new-{HOOK}.json``.
Every envelope has the same length (fixed-width fields), so a listing can give
an object's size without building it. ``benchmarks/replay.py`` writes these
files for fake-gcs-server; ``benchmarks/gcs_standin.py`` serves them from the
index without storing any of them.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import overload

BUCKET = "bench"
PATH = "stream/failed-events"
START = datetime(2026, 3, 1, tzinfo=UTC)
HOOK = "5d1c0e2a-8f4b-4c55-9a63-0123456789ab"
EVENT = "message.new"
GENERATION = 1_700_000_000_000_000
TEXT = "x" * 600
_START_TS = int(START.timestamp())


def days_for(events: int, days: int) -> int:
    """At least ``days``, and enough for one second per object."""
    return max(days, -(-events // 86_400))


class Corpus(Sequence[str]):
    """The sorted object names, as a sequence computed on demand (``bisect`` works on it)."""

    def __init__(self, events: int, days: int, url: str = "http://127.0.0.1:1/unused") -> None:
        self.events = events
        self.days = days_for(events, days)
        self.url = url
        self.size = len(self.envelope(0))

    def __len__(self) -> int:
        return self.events

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self.events))]
        if not 0 <= i < self.events:
            raise IndexError(i)
        return self.name_at(self.timestamp(i))

    def timestamp(self, i: int) -> int:
        return _START_TS + (i * self.days * 86_400) // self.events

    @staticmethod
    def name_at(ts: int) -> str:
        day = datetime.fromtimestamp(ts, UTC)
        return f"{PATH}/{day:%Y/%m/%d}/{ts}-{EVENT}-{HOOK}.json"

    def index(self, name: str) -> int | None:
        """The index of ``name``, or None when it is not an object of the corpus."""
        i = bisect.bisect_left(self, name)
        return i if i < self.events and self[i] == name else None

    def first_at_or_after(self, name: str) -> int:
        return bisect.bisect_left(self, name)

    def envelope(self, i: int) -> bytes:
        when = datetime.fromtimestamp(self.timestamp(i), UTC)
        return json.dumps(
            {
                "original_hook_id": HOOK,
                "original_webhook_url": self.url,
                "event_type": EVENT,
                "error_message": "HTTP 500: Internal Server Error",
                "failed_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "payload": {
                    "type": EVENT,
                    "cid": "messaging:general",
                    "message": {"id": f"msg-{i:012d}", "text": TEXT},
                },
            },
            separators=(",", ":"),
        ).encode()

    def until(self) -> datetime:
        """The end of the last day (an ``--until`` that covers the whole corpus)."""
        return START + timedelta(days=self.days)
