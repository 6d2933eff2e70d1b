"""Numbers too large for a float, in JSON a bucket writer wrote (standard library only).

``1e999`` is valid JSON, but it parses to ``inf`` and a payload holding it would be
re-encoded as ``Infinity``: a body that is not JSON, signed and sent. A parse that
refuses ``NaN``/``Infinity`` literals does not see it, so ``parse_envelope`` asks here.
It hands the data serialised again (pydantic-core writes a float that is not finite as
``Infinity``, ``-Infinity`` or ``NaN``): text holding neither word holds no such float,
and only then is the data walked. Once per replayed event: the serialisation and two
byte searches cost ~2 µs for a 1 KB envelope, where the regular expression over the body
used before (a 3-digit exponent or 300 digits in a row) cost ~16 µs.
"""

from __future__ import annotations

import math
from typing import Any


def overflows(data: Any, written: bytes) -> bool:
    """Whether ``data`` holds a float that is not finite; ``written`` is ``data`` as JSON
    from a serialiser that spells such a float ``Infinity`` or ``NaN``."""
    if b"Infinity" not in written and b"NaN" not in written:
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
