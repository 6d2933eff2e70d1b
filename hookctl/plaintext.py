"""Data as plain text for stdout: JSON, tab-separated rows, key/value lines.

The console (``cli/output.py``) decides where text goes and draws tables on a
terminal; what the text *is* — JSON with every control character escaped, cells
with untrusted controls made visible, TSV that a tab or newline in a value
cannot break — is decided here, without a terminal, and tested on its own.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

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


# ---------------------------------------------------------------- a table on a terminal

ID_COLUMNS = frozenset({"id", "hook"})  # never broken over lines: a broken id cannot be copied
SHORT_ID = 8  # the shortest id prefix shown, as git shows short hashes
SHORT_VALUE = 16  # a column whose values all fit this (a type, yes/no) is never wrapped


@dataclass
class FittedTable:
    """What a terminal table shows: the rows (ids maybe shortened), each column's
    minimum width and whether it may wrap, and whether any id was shortened."""

    rows: list[list[str]]
    min_widths: list[int]
    no_wrap: list[bool]
    shortened: bool


def table_width(widths: Sequence[int]) -> int:
    """The width of a table drawn without outer edges: one space of padding each side
    of a cell and a rule between columns."""
    return sum(widths) + 2 * len(widths) + max(len(widths) - 1, 0)


def shortest_unique_prefixes(ids: Sequence[str], least: int = SHORT_ID) -> dict[str, str]:
    """Each distinct id mapped to its shortest prefix of at least ``least`` characters
    that no other id in ``ids`` starts with (the whole id when none is shorter)."""
    distinct = sorted(set(ids))
    shared = [0] * len(distinct)  # the longest prefix each id shares with another
    for n, (a, b) in enumerate(itertools.pairwise(distinct)):
        common = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
        shared[n] = max(shared[n], common)
        shared[n + 1] = max(shared[n + 1], common)
    return {i: i[: max(least, k + 1)] for i, k in zip(distinct, shared, strict=True)}


def fit_table(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> FittedTable:
    """Fit a table to a terminal ``width``: when the full table is wider, ids are shown
    as their shortest unique prefix (never broken mid-id); headers and short values
    (types, yes/no) never wrap; the other columns share what is left."""
    texts = [list(row) for row in rows]

    def longest(i: int) -> int:
        return max((len(row[i]) for row in texts if i < len(row)), default=0)

    natural = [max(len(c), longest(i)) for i, c in enumerate(columns)]
    shortened = False
    if table_width(natural) > width:
        for i, column in enumerate(columns):
            if column not in ID_COLUMNS:
                continue
            short = shortest_unique_prefixes([row[i] for row in texts if i < len(row) and row[i]])
            for row in texts:
                if i < len(row) and row[i] in short and short[row[i]] != row[i]:
                    row[i] = short[row[i]]
                    shortened = True
    no_wrap = [c in ID_COLUMNS or longest(i) <= SHORT_VALUE for i, c in enumerate(columns)]
    min_widths = [max(len(c), longest(i)) if no_wrap[i] else len(c) for i, c in enumerate(columns)]
    return FittedTable(texts, min_widths, no_wrap, shortened)
