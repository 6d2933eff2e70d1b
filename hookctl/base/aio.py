"""Run a long asynchronous job: on uvloop when it is installed, else on asyncio's loop.

Replay and listing spend a measurable share of their CPU in the event loop itself
(scheduling callbacks, socket readiness): uvloop's loop, written in Cython over
libuv, took 9 % off replay's CPU per event at concurrency 64 (docs/performance.md).
It is an optional extra (``pip install '.[fast]'`` in a checkout; no Windows wheels), used
whenever it can be imported; nothing else changes with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

# Python's cyclic collector by default runs a young collection every 700 net new objects
# and a full one, over every object alive, every 100 young ones. A 20,000-event replay ran
# 2,500 collections, 20 of them full (over typer's, pydantic's and aiohttp's objects from
# start-up): 1.1 s of its 6 s of CPU. Its objects die by reference counting (at 10,000
# no collection ran at all during that replay), so while a job runs a young collection
# waits for 10,000 net new objects, and what start-up made is frozen out of them. Both are
# undone when the job ends (the API runs jobs inside its caller's process); a caller that
# froze objects itself keeps them frozen, and sees no freeze from here; jobs running at
# once in several threads set it when the first starts and undo it when the last ends.
JOB_GC_THRESHOLD = (10_000, 10, 10)
_jobs = 0
_saved: tuple[tuple[int, int, int], bool] = ((700, 10, 10), False)
_lock = threading.Lock()


# A request that fails with an exception (refused, reset, timed out) leaves it in a reference
# cycle, traceback -> frames -> the request and its body, that only the collector frees; a
# body is bytes, which the collector does not count, so at JOB_GC_THRESHOLD a run of failures
# against a receiver that is down would hold ~120 bodies (each up to --max-bytes) before a
# collection. A young collection runs instead once failed attempts' bodies reach this.
FAILED_BYTES_BUDGET = 16 * 1024 * 1024
_failed_bytes = 0


def failed_with(nbytes: int) -> None:
    """Count the body of a request that failed with an exception; collect what such
    failures left once their bodies reach ``FAILED_BYTES_BUDGET``."""
    global _failed_bytes
    _failed_bytes += nbytes
    if _failed_bytes >= FAILED_BYTES_BUDGET:
        _failed_bytes = 0
        gc.collect(1)  # young and middle: what failed since the last collection


@contextlib.contextmanager
def job_collector() -> Iterator[None]:
    """The collector set for a long job while the block runs (see ``JOB_GC_THRESHOLD``)."""
    global _jobs, _saved
    with _lock:
        if _jobs == 0:
            threshold, frozen = gc.get_threshold(), gc.get_freeze_count() == 0
            _saved = (threshold, frozen)
            if frozen:
                gc.freeze()
            gc.set_threshold(*JOB_GC_THRESHOLD)
        _jobs += 1
    try:
        yield
    finally:
        with _lock:
            _jobs -= 1
            if _jobs == 0:
                threshold, frozen = _saved
                gc.set_threshold(*threshold)
                if frozen:
                    gc.unfreeze()


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``, on uvloop's event loop when uvloop is installed, with the
    collector set for a long job (``JOB_GC_THRESHOLD``; restored when it ends)."""
    with job_collector():
        try:
            import uvloop
        except ImportError:
            return asyncio.run(main)
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(main)
