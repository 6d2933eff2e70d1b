"""The one reading of numbers that come from outside: argv, the environment, files.

Python's ``int()`` and ``float()`` accept more than anyone types on purpose: ``1_0``
is 10, Arabic-Indic ``١٢`` is 12, full-width ``１２`` too, and surrounding spaces
are dropped. hookctl reads a number only as ASCII: an optional sign, digits
``0-9``, and for decimals one ``.`` and an exponent. Every flag (``Finite``, the
Typer layer's check of int options), environment variable (``HOOKCTL_TIMEOUT``,
``HOOKCTL_SETTLE_SECONDS``, the shard variables) and ``--shard`` goes through here,
so ``sandbox start --port 1_0`` and ``HOOKCTL_TIMEOUT=١٢`` are refused alike.

Standard library only (``settings`` and the fast paths import it).
"""

from __future__ import annotations

import re

_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SPECIAL = frozenset(
    {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
)
# The largest pending-message timeout_ms hookctl sends (Stream documents no limit; a
# 32-bit signed millisecond count, ~24.8 days, is the bound a server is sure to hold):
# the same for --timeout-ms and a hook file's timeout_ms.
TIMEOUT_MS_MAX = 2**31 - 1
MAX_DIGITS = 40  # a longer run of digits is out of every range hookctl has


def whole(text: str) -> int | None:
    """``text`` as an integer written in ASCII digits (``-12``, ``+3``), or None."""
    if not isinstance(text, str) or len(text) > MAX_DIGITS or not _WHOLE.fullmatch(text):
        return None
    return int(text)


def decimal(text: str) -> float | None:
    """``text`` as a float written in ASCII (``0.5``, ``1e3``, ``nan``, ``inf``), or None.
    ``nan`` and ``inf`` come back as such: each caller's range refuses them with its own
    words."""
    if not isinstance(text, str) or len(text) > 400:
        return None
    if _DECIMAL.fullmatch(text) or text.lower() in _SPECIAL:
        return float(text)
    return None


def ascii_problem(text: str) -> str | None:
    """Why ``text`` is not a number hookctl reads, when Python would have read it
    (``1_0``, ``١٢``, `` 5``); None otherwise (let the caller say "not a number")."""
    if "_" in text:
        return "has a '_' (write the digits without separators)"
    if any(ch.isdigit() and not "0" <= ch <= "9" for ch in text):
        return "has non-ASCII digits (write 0-9)"
    if text != text.strip():
        return "has spaces around it"
    return None
