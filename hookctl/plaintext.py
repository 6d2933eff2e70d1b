"""Data as plain text for stdout: JSON, tab-separated rows, key/value lines.

The console (``cli/output.py``) decides where text goes and draws tables on a
terminal; what the text *is* — JSON with every control character escaped, cells
with untrusted controls made visible, TSV that a tab or newline in a value
cannot break — is decided here, without a terminal, and tested on its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from hookctl.validate import encodable, escape_controls

# DEL, C1 controls and bidi overrides: json.dumps escapes only C0 itself, and these
# can occur only inside strings, so escaping them changes no data.
_CONTROLS_JSON_MISSES = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def json_safe(text: str) -> str:
    """JSON text with DEL, C1 controls and bidi overrides as ``\\u`` escapes."""
    return _CONTROLS_JSON_MISSES.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_text(data: object, *, indent: int | None = 2) -> str:
    """``--json`` (indented) or one ``--jsonl`` line (``indent=None``)."""
    return json_safe(json.dumps(data, indent=indent, ensure_ascii=False, default=str))


def cells(rows: Sequence[Sequence[object]], encoding: str | None) -> list[list[str]]:
    """Every cell as text: None empty, controls escaped, encodable in ``encoding``."""
    return [
        ["" if c is None else encodable(escape_controls(str(c)), encoding) for c in row]
        for row in rows
    ]


def tsv_lines(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A header of upper-case column names, then one line per row; a tab or newline
    inside a cell becomes a space, so every line has the same number of fields."""
    lines = ["\t".join(c.upper() for c in columns)]
    lines += ["\t".join(c.replace("\t", " ").replace("\n", " ") for c in row) for row in rows]
    return lines


def field_lines(pairs: Sequence[tuple[str, object]], *, aligned: bool) -> list[str]:
    """``key  value`` lines (keys padded to one width when ``aligned``), else
    ``key<TAB>value``; None shows as nothing, controls escaped."""
    width = max((len(k) for k, _ in pairs), default=0)
    lines = []
    for key, value in pairs:
        text = "" if value is None else escape_controls(str(value))
        lines.append(f"{key.ljust(width)}  {text}" if aligned else f"{key}\t{text}")
    return lines
