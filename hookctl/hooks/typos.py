"""Hook-file keys that are a typo of a field hookctl knows (``event_type``, ``enabeld``).

Unknown keys are carried to Stream as they are (a field Stream adds later must pass), and
Stream ignores what it does not know. A misspelt known field is then silently lost: a
file that says ``event_type = ["message.new"]`` leaves ``event_types`` out, and the hook
receives every event. So a key one or two edits away from a known field (or the same
but for case) is refused with a suggestion; a key further away (``event_types_v2``) is
still carried.
"""

from __future__ import annotations

from functools import cache


@cache
def known_fields() -> frozenset[str]:
    """Every top-level field of every hook type, as the models (and files) spell them."""
    from hookctl.hooks import url_password
    from hookctl.stream import models

    classes = (models.WebhookHook, models.SqsHook, models.SnsHook, models.PendingMessageHook)
    return frozenset({url_password.FIELD, "name"}).union(*(c.model_fields for c in classes))


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from ``a`` to ``b``."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb)))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def misspelt(key: str) -> str | None:
    """The known field ``key`` is probably a typo of, or None (known, or far from all)."""
    known = known_fields()
    if key in known or len(key) > 64:
        return None
    close = [(_distance(key.lower(), f), f) for f in known if abs(len(f) - len(key)) <= 2]
    best = min(close, default=None)
    return best[1] if best is not None and best[0] <= (2 if len(key) > 5 else 1) else None
