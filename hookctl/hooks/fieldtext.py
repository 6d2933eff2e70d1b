"""One hook field as ``hooks show`` prints it in text mode (``--json`` keeps raw values).

Booleans read as ``hooks list`` writes them (``yes``/``no``); ``created_at`` and
``updated_at`` as ISO-8601 UTC whether the server sends integer nanoseconds (what the
sandbox and the unified SDK use), micro-/milliseconds or seconds, or an RFC 3339 string
(passed through); dicts and lists as one line of JSON. Standard library only.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

TIMESTAMP_FIELDS = frozenset({"created_at", "updated_at"})
# an integer epoch's unit, by size: seconds until year 5138, then ms, µs, ns
_UNITS = ((10**17, 10**9), (10**14, 10**6), (10**11, 10**3), (0, 1))


def iso_utc(value: int) -> str | None:
    """``value`` (an epoch in s, ms, µs or ns, told apart by size) as ISO-8601 UTC with
    microseconds; None when it is out of range."""
    per_second = next(unit for floor, unit in _UNITS if abs(value) >= floor)
    seconds, rest = divmod(value, per_second)
    try:
        when = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    micros = rest * 1_000_000 // per_second
    return when.replace(microsecond=micros).isoformat().replace("+00:00", "Z")


def field_text(key: str, value: Any) -> Any:
    """``value`` of hook field ``key`` for a text display."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key in TIMESTAMP_FIELDS and isinstance(value, int):
        return iso_utc(value) or value
    if key in TIMESTAMP_FIELDS and isinstance(value, str) and value.isascii() and value.isdigit():
        return iso_utc(int(value)) or value
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return value
