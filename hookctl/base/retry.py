"""When to try again and how long to wait: shared by every network client.

The Stream API client (httpx), the delivery engine and the GCS reader (both
aiohttp) used to carry their own copies of this. One place now decides:

- ``backoff``: exponential, with jitter, never above a cap;
- ``retry_after``: a ``Retry-After`` header in seconds *or* as an HTTP date,
  never negative and never above a cap (a hostile peer must not be able to park
  hookctl for an hour with ``Retry-After: 3600``: callers pass their budget);
- ``network_reason``: a short, stable description of a transport failure
  ("connection refused", "timed out", …) without importing httpx or aiohttp;
- ``Budget``: one deadline shared by the attempts of one call, so a call
  (all its retries and waits included) never outlives the global ``--timeout``.

Standard library only.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass, field


def backoff(attempt: int, *, first: float = 0.25, cap: float = 8.0) -> float:
    """Wait before attempt ``attempt + 1``: ``first`` doubling per attempt, capped,
    times a jitter in [0.5, 1.5) so that clients retrying together spread out."""
    base = min(first * 2 ** max(0, attempt - 1), cap)
    return float(min(base * random.uniform(0.5, 1.5), cap))


def _first_number(value: str) -> float | None:
    try:
        return float(value.split(",")[0].strip())
    except ValueError:
        return None


def retry_after(value: str | None, *, cap: float, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for, within [0, cap]; ``None`` if absent
    or unreadable. Accepts delta-seconds (``"7"``, ``"1.5"``) and HTTP dates."""
    if not value or not value.strip():
        return None
    seconds = _first_number(value)
    if seconds is None:
        try:
            when = email.utils.parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, min(seconds, cap))


def rate_limit_reset(value: str | None, *, cap: float, now: float | None = None) -> float | None:
    """Seconds until an ``X-RateLimit-Reset`` epoch time, within (0, cap]; else ``None``."""
    reset = _first_number(value) if value else None
    now = time.time() if now is None else now
    if reset is None or reset != reset or reset <= now:
        return None
    return min(reset - now, cap)


REFUSED = "connection refused"
TIMED_OUT = "timed out"
CLOSED = "connection closed by the peer"


def network_reason(exc: BaseException) -> str:
    """A short description of a transport error, the same for httpx and aiohttp."""
    text = str(exc) or type(exc).__name__
    if "Connection refused" in text or "Connect call failed" in text or "Errno 111" in text:
        return REFUSED
    name = type(exc).__name__
    if isinstance(exc, TimeoutError) or "Timeout" in name:
        return TIMED_OUT
    if name == "ServerDisconnectedError":
        return CLOSED
    return f"{name}: {text}" if text != name else name


@dataclass
class Budget:
    """One deadline for one call and all its retries: ``seconds`` from creation."""

    seconds: float
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return max(0.0, self.seconds - (time.monotonic() - self.started))

    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def allows_wait(self, wait: float) -> bool:
        """Whether waiting ``wait`` seconds still leaves time for another attempt."""
        return wait < self.remaining()
