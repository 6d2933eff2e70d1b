"""Numbers too large for a float, in JSON a bucket writer wrote (standard library only).

``1e999`` is valid JSON, but it parses to ``inf`` and a payload holding it would be
re-encoded as ``Infinity``: a body that is not JSON, signed and sent. A parse that
refuses ``NaN``/``Infinity`` literals does not see it, so ``parse_envelope`` asks here.
The body is searched first (linear, on bytes); the parsed data is walked only when it
holds a number with a 3-digit exponent or 300 digits in a row.
"""

from __future__ import annotations

import math
import re
from typing import Any

_BIG = re.compile(rb"[0-9.][eE][+]?[0-9]{3}|[0-9]{300}")


def overflows(body: bytes, data: Any) -> bool:
    """Whether ``data`` (parsed from ``body``) holds a float that is not finite."""
    if _BIG.search(body) is None:
        return False
    stack = [data]
    while stack:  # no recursion: a deeply nested payload cannot overflow the stack
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
