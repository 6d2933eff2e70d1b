"""The time window a command reads: ``--since``/``--until`` values and ``--follow`` durations.

Standard library only, no I/O. Absolute times (``2026-04-01``, ``…T12:00Z``, offsets)
and relative ones (``30m``, ``6h``, ``3d``: that long before now), all in UTC.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta

from hookctl.base.errors import UsageError

DAY = timedelta(days=1)
_RELATIVE = re.compile(r"^(?P<n>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>s|m|h|d|w)\Z")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """Seconds in ``30s``, ``2m``, ``1h`` … or plain (finite) seconds in ASCII; ValueError
    otherwise (``float()`` alone would read ``1_0``, ``١٢`` or ``５`` as seconds)."""
    from hookctl.base.numbers import decimal

    value = text.lower()
    relative = _RELATIVE.match(value)
    seconds = float(relative["n"]) * _UNITS[relative["unit"]] if relative else decimal(value)
    if seconds is None or not math.isfinite(seconds):
        raise ValueError(text)
    return seconds


def parse_when(text: str, *, now: datetime, end: bool = False) -> datetime:
    """``2026-04-01``, ``2026-04-01T12:00``, ``…Z``, ``…+02:00``, or relative ``30m``/``6h``/``3d``.

    Times without an offset are UTC. A bare date as ``--until`` means the end of
    that day (``--until 2026-04-03`` includes the 3rd).
    """
    value = text.strip()
    relative = _RELATIVE.match(value.lower())
    if relative:
        return now - timedelta(seconds=float(relative["n"]) * _UNITS[relative["unit"]])
    if value.lower() == "now":
        return now
    try:
        if len(value) == 10 and value[4] == "-":
            day = date.fromisoformat(value)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + DAY if end else start
        parsed = datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"cannot read the time {text!r}",
            "use an ISO date or time (2026-04-01, 2026-04-01T12:00Z, 2026-04-01T14:00+02:00) "
            "or a relative time (30m, 6h, 3d)",
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def window(
    since: str | None, until: str | None, *, now: datetime | None = None
) -> tuple[datetime, datetime]:
    now = now or datetime.now(UTC)
    if since is None:
        raise UsageError(
            "say which failed events to look at with --since",
            "e.g. --since 6h, --since 2026-04-01 (or --from-file, or --scan for the whole bucket)",
        )
    start = parse_when(since, now=now)
    # No --until: no end. A day past now keeps names stamped slightly ahead (clock skew,
    # or the sandbox's next-free-second names) and lists at most one more prefix.
    stop = parse_when(until, now=now, end=True) if until else now + DAY
    if stop <= start:
        raise UsageError(
            f"--until {until} is not after --since {since}",
            "give a window that moves forward in time",
        )
    if (stop - start).days > 3660:
        raise UsageError(
            "the window spans more than ten years of daily prefixes", "narrow --since/--until"
        )
    return start, stop
