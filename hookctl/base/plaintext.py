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
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from hookctl.base.validate import encodable, escape_controls

# DEL, C1 controls and bidi overrides: json.dumps escapes only C0 itself, and these
# can occur only inside strings, so escaping them changes no data.
_CONTROLS_JSON_MISSES = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``1 event type``, ``2 event types``, ``0 prefixes``: never ``event type(s)``."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def size_text(count: int) -> str:
    """``512 bytes``, ``76 KiB``, ``1.2 MiB``, ``3.4 GiB``: a size short enough for a footer."""
    if count < 1024:
        return plural(count, "byte")
    value = float(count)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


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
CAPPED_ID = 13  # an id that still does not fit: 12 characters and "…"
SHORT_VALUE = 16  # a column whose values all fit this (a type, yes/no) is never wrapped
TOKEN_WIDTH = 24  # nor one whose values are single words up to this (a time: 2026-04-03T12:00:00Z)
TARGET_COLUMNS = frozenset({"target", "url", "location", "bucket"})  # URLs: cut in the middle
TARGET_WIDTH = 24  # what a target column keeps (host and path end) when there is room
HANDLE_COLUMNS = frozenset({"object"})  # names to paste: whole on one line, or cut in the middle
HANDLE_WIDTH = 24  # the least a handle keeps when the terminal has no room for it whole
_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)?(?P<host>[^/?#]*)(?P<rest>.*)$", re.S)


def cut_middle(text: str, width: int) -> str:
    """``text`` in ``width`` characters: its start and its end around one "…" (the
    parts of a pasted name that tell it apart, kept; what ``failover object`` reads
    as "any characters")."""
    if len(text) <= width:
        return text
    if width < 3:
        return text[: max(width - 1, 0)] + "…"
    head = (width - 1 + 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def cut_url(url: str, width: int) -> str:
    """A URL in ``width`` characters that keeps its host and the end of its path
    (two hooks on one host must look different): ``https://e.io/…/stream``; the
    scheme goes first when room is short, then the host is cut in the middle."""
    if len(url) <= width:
        return url
    parts = _URL.match(url)
    rest = parts["rest"] if parts else ""
    if parts is None or not rest.strip("/") or width < 12:
        return cut_middle(url, width)
    host, scheme = parts["host"], parts["scheme"] or ""
    if len(host + rest) <= width:  # only the scheme left out
        return host + rest
    tails = [rest[i:] for i in range(len(rest) - 1, 0, -1) if rest[i] == "/"]  # shortest first
    least = min(len(rest), 6)  # the end of the path, at least
    if len(host) + 1 + least > width:  # the host itself is cut, keeping its ends
        tail = tails[0] if tails and len(tails[0]) <= (width - 1) // 2 else rest[-least:]
        return cut_middle(host, width - 1 - len(tail)) + "…" + tail
    room = width - 1 - len(host)
    tail = max((t for t in tails if len(t) <= room), key=len, default=rest[len(rest) - room :])
    head = scheme + host if len(scheme + host + tail) < width else host
    return head + "…" + tail


@dataclass
class FittedTable:
    """What a terminal table shows: the rows (ids maybe shortened), each column's
    width, whether it may wrap and whether it is cut with "…", and whether any id
    was shortened."""

    rows: list[list[str]]
    widths: list[int]
    no_wrap: list[bool]
    ellipsis: list[bool]
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


def _cap(value: str) -> str:
    return value if len(value) <= CAPPED_ID else value[: CAPPED_ID - 1] + "…"


def _shorten_ids(texts: list[list[str]], ids: Sequence[int], *, capped: bool) -> bool:
    """Ids in columns ``ids`` as their shortest unique prefix (then capped at
    ``CAPPED_ID`` characters if ``capped``), in place; whether any changed."""
    changed = False
    for i in ids:
        short = shortest_unique_prefixes([row[i] for row in texts if i < len(row) and row[i]])
        for row in texts:
            if i < len(row) and row[i]:
                new = _cap(short.get(row[i], row[i])) if capped else short.get(row[i], row[i])
                changed = changed or new != row[i]
                row[i] = new
    return changed


def _share(widths: list[int], full: Sequence[int], spare: int) -> list[int]:
    """``spare`` characters given one at a time to each column still short of ``full``."""
    growing = [i for i, w in enumerate(widths) if w < full[i]]
    while spare > 0 and growing:
        for i in list(growing):
            if spare == 0:
                break
            widths[i] += 1
            spare -= 1
            if widths[i] >= full[i]:
                growing.remove(i)
    return widths


def fit_table(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> FittedTable:
    """Fit a table to a terminal ``width``. When the full table is wider: ids are shown
    as their shortest unique prefix, and if that still leaves no room, as 12 characters
    and "…" (never broken mid-id); no column is narrower than its header; headers and
    short values (types, yes/no) never wrap; a target keeps up to ``TARGET_WIDTH``
    characters and is cut with "…"; the other columns share what is left."""
    texts = [list(row) for row in rows]

    def natural() -> list[int]:
        longest = [max((len(r[i]) for r in texts if i < len(r)), default=0) for i in ids_all]
        return [max(len(c), n) for c, n in zip(columns, longest, strict=True)]

    def least() -> list[int]:
        full = natural()
        cut = [min(n, max(len(c), TARGET_WIDTH)) for c, n in zip(columns, full, strict=True)]
        whole = [n if keep else len(c) for c, n, keep in zip(columns, full, no_wrap, strict=True)]
        return [a if e else b for a, b, e in zip(cut, whole, ellipsis, strict=True)]

    ids_all = range(len(columns))
    no_wrap = _never_wrapped(columns, texts, natural())
    ellipsis = [c in TARGET_COLUMNS for c in columns]
    if table_width(natural()) <= width:
        return FittedTable(texts, natural(), no_wrap, ellipsis, False)
    room = width - table_width([0] * len(columns))
    ids = [i for i, c in enumerate(columns) if c in ID_COLUMNS]
    shortened = _shorten_ids(texts, ids, capped=False)
    if sum(least()) > room:
        shortened = _shorten_ids(texts, ids, capped=True) or shortened
    widths = least()
    for i in [k for k in ids_all if ellipsis[k]]:  # too narrow still: a target gives back
        widths[i] -= max(0, min(sum(widths) - room, widths[i] - len(columns[i])))
    for i in [k for k in ids_all if columns[k] in HANDLE_COLUMNS]:  # then a handle does
        floor = max(len(columns[i]), min(widths[i], HANDLE_WIDTH))
        widths[i] -= max(0, min(sum(widths) - room, widths[i] - floor))
    widths = _share(widths, natural(), room - sum(widths))
    for i in ids_all:  # a value that would fold over more than two lines is cut instead
        if not no_wrap[i] and any(len(textwrap.wrap(r[i], widths[i])) > 2 for r in texts):
            ellipsis[i] = True
    _cut_ends(columns, texts, widths)
    return FittedTable(texts, widths, no_wrap, ellipsis, shortened)


def _never_wrapped(
    columns: Sequence[str], texts: list[list[str]], natural: list[int]
) -> list[bool]:
    """Ids, handles, short values, and single words up to ``TOKEN_WIDTH`` (a time) are
    never folded: a folded word cannot be read or copied."""

    def words(i: int) -> bool:
        return all(len(r[i]) <= TOKEN_WIDTH and not any(ch.isspace() for ch in r[i]) for r in texts)

    return [
        c in ID_COLUMNS
        or c in HANDLE_COLUMNS
        or n <= SHORT_VALUE
        or (words(i) and c not in TARGET_COLUMNS)
        for i, (c, n) in enumerate(zip(columns, natural, strict=True))
    ]


def _cut_ends(columns: Sequence[str], texts: list[list[str]], widths: list[int]) -> None:
    """Targets and handles cut to their widths, in place, keeping both ends."""
    for i, column in enumerate(columns):
        if column in TARGET_COLUMNS or column in HANDLE_COLUMNS:
            cut = cut_url if column in TARGET_COLUMNS else cut_middle
            for row in texts:
                if i < len(row):
                    row[i] = cut(row[i], widths[i])
