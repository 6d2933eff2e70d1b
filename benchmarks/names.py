"""In-process costs of the two per-item paths, without a network or a store.

  names     ``failover list --summary``'s work per listed name: a page of listing JSON
            parsed into ``Listed`` entries, each name checked and split
            (``select.Finder``), made a row (``inventory.row_batches``), judged
            (``state.Judge``, no journal, the app's hooks known) and counted
            (``Summary.add_all``), over 100,000 names of ``benchmarks/corpus.py``'s
            million-name backlog. What a bare listing does per name is ~1 µs (the
            JSON parse); everything above that is hookctl's judging and counting.
  counts    the same listing through the names-only count that ``list --summary``
            uses (``failover/namecount.py``): no ``Listed``, row or candidate per name,
            states judged once per (hour, type, hook); checks it counts as ``names``.
  pipeline  ``failover/pipeline.py``'s own cost per replayed object (20,000 objects at
            concurrency 64), its stages doing nothing but yield to the event loop.

Each prints the best of 3 runs in µs of CPU per item. To compare two trees, run
it from each (``cd OTHER && python /path/to/names.py``: the current directory's
``hookctl`` is imported), alternating.

Usage: python benchmarks/names.py [names|counts|pipeline ...]
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, os.getcwd())  # the tree run from, before an installed hookctl
sys.path.insert(1, str(Path(__file__).parent))
from corpus import HOOK, PATH, START, Corpus

N_NAMES = 100_000
N_EVENTS = 20_000


def _pages() -> list[bytes]:
    corpus = Corpus(1_000_000, 12)
    pages = []
    for first in range(0, N_NAMES, 1000):
        items = [
            {"name": corpus[i], "generation": "1700000000000000", "size": "927"}
            for i in range(first, first + 1000)
        ]
        pages.append(json.dumps({"items": items, "nextPageToken": "x"}).encode())
    return pages


def _judge() -> Any:
    from hookctl.failover.state import Judge
    from hookctl.failover.targets import Destinations

    hook = {"id": HOOK, "hook_type": "webhook", "enabled": True, "webhook_url": "http://h/x"}
    destinations = Destinations.from_app(
        {"event_hooks": [{**hook, "event_types": []}]}, bucket=None
    )
    return Judge("bench", journal=None, journal_path=None, destinations=destinations)


def names(counting: bool = False) -> float:
    from hookctl.failover import gcs, inventory
    from hookctl.failover.entries import parse_json
    from hookctl.failover.namecount import NameCount
    from hookctl.failover.select import Finder, Selection

    pages = _pages()

    async def listing(raw: bool = False) -> AsyncIterator[list[Any]]:
        for page in pages:
            items = parse_json(page)["items"]  # as Bucket.pages parses it
            yield items if raw else [gcs.listed(item) for item in items]

    async def run() -> float:
        finder = Finder(None, Selection(START, START + timedelta(days=12)), path=PATH)  # type: ignore[arg-type]
        finder._pages = listing  # type: ignore[method-assign]
        totals, malformed = inventory.new_summary(), []  # type: ignore[var-annotated]
        started = time.process_time()
        judge = _judge()
        if counting:
            counter = NameCount(finder, judge)
            async for entry in inventory._runs(finder, 10**6, malformed, counter=counter):
                assert isinstance(entry, inventory.Counted)
                counter.fold(entry, totals)
        else:
            async for batch in inventory.row_batches(finder, 10**6, malformed):
                for row, verdict in zip(batch, judge(batch), strict=True):
                    row.state, row.reason = verdict
                totals.add_all(batch)
        assert totals.count == N_NAMES, totals.count
        spent = (time.process_time() - started) / N_NAMES
        views.append(
            json.dumps(
                [
                    totals.days,
                    totals.event_types,
                    totals.states,
                    totals.hourly["type"].most_common(5),
                ],
                default=str,
            )
        )
        return spent

    views: list[str] = []
    best = min(asyncio.run(run()) for _ in range(3))
    assert len(set(views)) == 1
    return best


def counts() -> float:
    return names(counting=True)


def pipeline() -> float:
    from hookctl.failover.gcs import Listed
    from hookctl.failover.pipeline import Pipeline, Stages
    from hookctl.failover.select import Candidate

    objects = [Candidate(Listed(f"o{i}", "1", 10), None, True) for i in range(N_EVENTS)]

    async def candidates() -> AsyncIterator[Candidate]:
        for first in range(0, N_EVENTS, 1000):
            await asyncio.sleep(0)  # a page arrives
            for candidate in objects[first : first + 1000]:
                yield candidate

    async def download(_: Candidate) -> tuple[bytes, None]:
        await asyncio.sleep(0)
        return b"{}", None

    def envelope(candidate: Candidate, _body: bytes | None, _problem: str | None) -> Any:
        return candidate

    async def deliver(_candidate: Candidate, _envelope: Any) -> None:
        await asyncio.sleep(0)  # the request is written
        await asyncio.sleep(0)  # the answer is read

    async def run() -> float:
        stages = Stages(candidates, lambda _: "take", download, envelope, deliver)
        started = time.process_time()
        await Pipeline(stages, 64, asyncio.Event(), lambda: False).run()
        return (time.process_time() - started) / N_EVENTS

    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    return min(asyncio.run(run()) for _ in range(3))


def main() -> None:
    for which in sys.argv[1:] or ["names", "pipeline"]:
        per_item = {"names": names, "counts": counts, "pipeline": pipeline}[which]()
        print(f"{which:<9} {per_item * 1e6:6.2f} µs CPU per item  (load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
