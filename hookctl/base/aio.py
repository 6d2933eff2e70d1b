"""Run a long asynchronous job: on uvloop when it is installed, else on asyncio's loop.

Replay and listing spend a measurable share of their CPU in the event loop itself
(scheduling callbacks, socket readiness): uvloop's loop, written in Cython over
libuv, took 9 % off replay's CPU per event at concurrency 64 (docs/performance.md).
It is an optional extra (``pip install '.[fast]'`` in a checkout; no Windows wheels), used
whenever it can be imported; nothing else changes with it.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

# Python's cyclic collector by default runs a young collection every 700 net new objects
# and a full one, over every object alive, every 100 young ones. A 20,000-event replay ran
# 2,500 collections, 20 of them full (over typer's, pydantic's and aiohttp's objects from
# start-up): 1.1 s of its 6 s of CPU. Its objects die by reference counting (at 10,000
# no collection ran at all during that replay), so while a job runs a young collection
# waits for 10,000 net new objects, and what start-up made is frozen out of them. Both are
# undone when the job ends (the API runs jobs inside its caller's process); a caller that
# froze objects itself keeps them frozen, and sees no freeze from here.
JOB_GC_THRESHOLD = (10_000, 10, 10)


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``, on uvloop's event loop when uvloop is installed, with the
    collector set for a long job (``JOB_GC_THRESHOLD``; restored when it ends)."""
    before, freeze = gc.get_threshold(), gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    gc.set_threshold(*JOB_GC_THRESHOLD)
    try:
        try:
            import uvloop
        except ImportError:
            return asyncio.run(main)
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(main)
    finally:
        gc.set_threshold(*before)
        if freeze:
            gc.unfreeze()
