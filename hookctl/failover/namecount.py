"""``failover list --summary`` and ``failover status`` counted from the names alone.

A summary needs four things of a listed name: its hour, event type, hook and state.
The row path (``inventory.row_batches``) builds a ``Listed``, an ``ObjectName``, a
``Candidate`` and a ``Row`` for each name, judges each row and counts it: ~5 µs a
name, nearly all of a million-name summary's CPU. Here each raw listing entry is read
where it lies. The usual name (ASCII and printable, in a clean ``…/yyyy/mm/dd`` folder
under the failover path, a timestamp inside that day, an ``{event_type}-{hook_id}``
middle the parser splits) is cut by slicing, with the folder's and the middle's
verdicts remembered (``NameParser._usual``'s checks), filtered by window on integers
and by type and hook per middle, and counted per (hour, type, hook); with a journal,
per name its journal key too. A run of such names is judged once per distinct key
(``Judge.named``) and folded into the same ``tally.Summary`` cells in listing order,
so the output is the row path's byte for byte (``tests/failover/test_namecount.py``
compares the two over generated listings).

Anything else takes the row path's own steps for that entry (``listed``, then
``Finder._judge``: unusual and hostile names, names outside the path or the shard),
and an object whose name cannot place it in time is downloaded and counted as a row,
in listing order. Used only when nothing needs more than the name: no envelopes, no
``--state``/``--error-class``, no rows kept or streamed (``inventory.list_objects``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from hookctl.failover.entries import listed
from hookctl.failover.ids import key_of
from hookctl.failover.layout import MAX_NAME, clean_folder

if TYPE_CHECKING:
    from hookctl.failover.ledger import Outcome
    from hookctl.failover.select import Candidate, Finder
    from hookctl.failover.state import Judge
    from hookctl.failover.tally import Summary

Split = tuple[str, str]  # (event type, hook id)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)
_KEPT = 4096  # folders, middles and sizes remembered (as NameParser keeps its own)
_NEVER = 1 << 62  # a cell's first second before any name is counted in it
# A place (Unix hour, split) is one integer, hour * _SPLITS + the split's index: no
# tuple to build and hash per name. Past _SPLITS distinct splits, names take the row
# path's steps (counted the same way, only slower).
_SPLITS = 1 << 24
FILTERED, UNSPLIT = -1, -2  # a middle's verdict when it has no split index


class _Memo(dict[str, Any]):
    """A remembered verdict per key, worked out by ``find`` on first sight (a lookup
    without a branch in the hot loop), forgotten wholesale past ``_KEPT`` keys."""

    def __init__(self, find: Callable[[str], Any]) -> None:
        super().__init__()
        self.find = find

    def __missing__(self, key: str) -> Any:
        if len(self) >= _KEPT:
            self.clear()
        value = self[key] = self.find(key)
        return value


class _Cells(dict[int, list[int]]):
    def __missing__(self, key: int) -> list[int]:
        cell = self[key] = [0, _NEVER]
        return cell


@dataclass(slots=True)
class Counted:
    """A run of names counted in listing order: per place, [count, first second]; with
    a journal, per name its key, place and second instead (its outcome is asked when
    folded)."""

    cells: dict[int, list[int]] = field(default_factory=_Cells)
    keys: list[str] | None = None  # journal keys (``ids.key_of``), one per name
    places: list[tuple[int, int]] = field(default_factory=list)  # with keys: place, second
    bytes: int = 0

    def __bool__(self) -> bool:
        return bool(self.cells or self.places)


def _ceil_second(when: datetime | None, default: float) -> float:
    """The first whole Unix second at or after ``when`` (exact, no float rounding)."""
    return default if when is None else -((_EPOCH - when) // _SECOND)


def _size(text: str) -> int:
    """A listed size as ``entries.listed`` reads the usual one; -1: anything else."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 20 else -1


def _generation(item: dict[str, Any]) -> bool:
    """The entry's generation is the usual one (digits), which ``listed`` keeps as is."""
    generation = item.get("generation")
    return type(generation) is str and generation.isascii() and generation.isdigit()


class NameCount:
    """Counts a finder's listing from names (see the module's docstring)."""

    def __init__(self, finder: Finder, judge: Judge | None) -> None:
        selection = finder.selection
        self.finder = finder
        self.judge = judge
        self.journaled = judge is not None and judge.journaled
        self.bucket = finder.bucket.name if self.journaled else ""  # for journal keys
        # integer seconds t in the window: since <= t < until
        self.low = _ceil_second(selection.since, float("-inf"))
        self.high = _ceil_second(selection.until, float("inf"))
        # folder → its day's first Unix second; -1: not a clean folder under the path
        self._folders = _Memo(self._folder)
        # "{middle}.json" → its split's index, FILTERED (--type/--hook) or UNSPLIT
        self._middles = _Memo(self._middle)
        self._sizes = _Memo(_size)
        self.splits: list[Split] = []  # by index
        self._indexes: dict[Split, int] = {}

    def run(self) -> Counted:
        return Counted(keys=[] if self.journaled else None)

    def _folder(self, folder: str) -> int:
        known = clean_folder(folder)  # (ASCII: ``count`` asks; printable: asked here)
        if known is None or not folder.isprintable() or not known[0].startswith(self.finder.base):
            return -1
        return known[2]

    def _middle(self, rest: str) -> int:
        split = self.finder.parser.split_of(rest[:-5])
        selection = self.finder.selection
        if split is None or not rest.isprintable():
            return UNSPLIT
        if (selection.event_types and split[0] not in selection.event_types) or (
            selection.hook_ids and split[1] not in selection.hook_ids
        ):
            return FILTERED
        return self._index(split)

    def _index(self, split: Split) -> int:
        index = self._indexes.get(split)
        if index is None and len(self.splits) < _SPLITS:
            index = self._indexes[split] = len(self.splits)
            self.splits.append(split)
        return UNSPLIT if index is None else index

    def count(
        self, page: list[dict[str, Any]], at: int, run: Counted
    ) -> tuple[int, Candidate | None]:
        """Count ``page[at:]`` into ``run`` up to the first object whose envelope must be
        read: (the index after it, its candidate), or (the page's end, None). Hot path:
        once per listed name, hence the locals and the few long conditions."""
        finder, listing = self.finder, self.finder.listing
        folders, middles, sizes = self._folders, self._middles, self._sizes
        cells, keys, low, high, bucket = run.cells, run.keys, self.low, self.high, self.bucket
        shard = finder.selection.in_shard if finder.selection.shard is not None else None
        seen = filtered = other_shard = size = 0
        found: Candidate | None = None
        for i in range(at, len(page)):
            item = page[i]
            name, length = item.get("name"), item.get("size")
            if (
                type(name) is str
                and type(length) is str
                and name.isascii()
                and (keys is None or _generation(item))
            ):
                if shard is not None and not shard(name):
                    seen += 1
                    other_shard += 1
                    continue
                slash = name.rfind("/")  # none: name[:-1] holds no "/", so no clean folder
                start = folders[name[:slash]]
                number = sizes[length]
                # printable: the folder and the middle are (remembered), the rest digits and "-"
                if start >= 0 and number >= 0 and len(name) <= MAX_NAME:
                    ts, dash, rest = name[slash + 1 :].partition("-")
                    if dash and 0 < len(ts) <= 12 and ts.isdigit() and rest.endswith(".json"):
                        t = int(ts)
                        split = middles[rest]
                        if split != UNSPLIT and 0 <= t - start < 86400:
                            seen += 1
                            if split == FILTERED or not low <= t < high:
                                filtered += 1
                                continue
                            size += number
                            if keys is None:
                                cell = cells[t // 3600 * _SPLITS + split]
                                cell[0] += 1
                                if t < cell[1]:
                                    cell[1] = t
                            else:
                                keys.append(key_of(bucket, name, item["generation"]))
                                run.places.append((t // 3600 * _SPLITS + split, t))
                            continue
            found = self._other(item, run)
            if found is not None:
                break
        listing.listed += seen
        listing.filtered += filtered
        listing.other_shard += other_shard
        run.bytes += size
        return (i + 1 if found is not None else len(page)), found

    def _other(self, item: dict[str, Any], run: Counted) -> Candidate | None:
        """An entry the usual checks do not place: the row path's steps. A name that
        places its object is counted into ``run``; the candidate returned needs its
        envelope read."""
        for candidate in self.finder._judge([listed(item)]):  # 0 or 1
            parsed, entry = candidate.parsed, candidate.item
            assert parsed is not None
            if not (candidate.decided and parsed.trusted_time is not None):
                return candidate
            t = parsed.timestamp
            split = self._index((parsed.event_type, parsed.hook_id))
            if split == UNSPLIT:  # past _SPLITS distinct splits: a cell of its own
                return candidate  # (hostile listings only): the row path counts it
            run.bytes += entry.size
            if run.keys is None:
                cell = run.cells[t // 3600 * _SPLITS + split]
                cell[0] += 1
                cell[1] = min(cell[1], t)
            else:
                run.keys.append(key_of(self.bucket, entry.name, entry.generation))
                run.places.append((t // 3600 * _SPLITS + split, t))
        return None

    async def produce(
        self,
        window: asyncio.Queue[Any],
        resolve: Callable[[Candidate], Coroutine[Any, Any, Any]],
    ) -> None:
        """Feed ``inventory``'s window in listing order: a ``Counted`` run per page, and
        between runs a download task for each object the name cannot place. None ends it."""
        try:
            async for page in self.finder._pages(raw=True):
                at, run = 0, self.run()
                while at < len(page):
                    at, candidate = self.count(page, at, run)
                    if candidate is None:
                        break
                    if run:
                        await window.put(run)
                        run = self.run()
                    await window.put(asyncio.create_task(resolve(candidate)))
                if run:
                    await window.put(run)
            self.finder.listing.complete = True
        finally:
            await window.put(None)

    def fold(self, run: Counted, totals: Summary) -> None:
        """Judge a run once per distinct (hour, type, hook, journal outcome); count it."""
        judge, splits = self.judge, self.splits
        counted: dict[tuple[int, Outcome | None], list[int]] = {}
        if run.keys is None:
            counted = {(place, None): cell for place, cell in run.cells.items()}
        else:
            known = judge.outcomes(run.keys) if judge is not None else {}
            for key, (place, t) in zip(run.keys, run.places, strict=True):
                cell = counted.setdefault((place, known.get(key)), [0, t])
                cell[0] += 1
                cell[1] = min(cell[1], t)
        for (place, outcome), (n, first) in counted.items():
            event_type, hook_id = splits[place % _SPLITS]
            verdict = judge.named(hook_id, event_type, outcome) if judge is not None else ("", None)
            totals.add_counted(place // _SPLITS, event_type, hook_id, verdict, n, first)
        totals.bytes += run.bytes
