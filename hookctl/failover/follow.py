"""``failover replay --follow``'s window policy: where it starts, how often it polls, and
which days each round reads.

Each round looks at today's prefix, and also at yesterday's for a while after midnight
(an event written at 23:59:59 may land after the first round of the new day).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hookctl.base.errors import UsageError

FOLLOW_LOOKBACK = 15 * 60  # --follow without --since also takes the last 15 minutes
MIDNIGHT_GRACE = 300  # seconds after two poll intervals during which yesterday is still read
INTERVAL_MAX = 86_400.0  # --follow polls at least daily


def parse_interval(text: str) -> float:
    """``--interval``: ``30s``, ``2m`` … or plain seconds; at least one second."""
    from hookctl.failover.timewindow import parse_duration

    try:
        seconds = parse_duration(text)
    except ValueError:
        raise UsageError(
            f"--interval {text!r} is not a duration", "give seconds or a unit: 30s, 2m, 1h or 45"
        ) from None
    if seconds < 1:
        raise UsageError(f"--interval {text} is too short", "use at least 1s, e.g. 30s")
    if seconds > INTERVAL_MAX:
        raise UsageError(f"--interval {text} is too long", "use at most 1d, e.g. 30s or 1h")
    return seconds


def follow_since(since: str | None, every: float) -> str:
    """Where ``--follow`` starts: ``--since``, else the last 15 minutes (or one interval)."""
    return since or f"{max(int(every), FOLLOW_LOOKBACK)}s"


def follow_window(since: datetime, every: float, now: datetime) -> tuple[datetime, datetime]:
    """One follow round's window: from today's midnight (yesterday's, during the first
    two intervals and five minutes of a day), never before ``since``, to an hour ahead."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    near_midnight = now - midnight < timedelta(seconds=every * 2 + MIDNIGHT_GRACE)
    start = max(since, midnight - timedelta(days=1) if near_midnight else midnight)
    return start, now + timedelta(hours=1)
