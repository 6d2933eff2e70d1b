"""Run a long asynchronous job: on uvloop when it is installed, else on asyncio's loop.

Replay and listing spend a measurable share of their CPU in the event loop itself
(scheduling callbacks, socket readiness): uvloop's loop, written in Cython over
libuv, took 9 % off replay's CPU per event at concurrency 64 (docs/performance.md).
It is an optional extra (``pip install '.[fast]'`` in a checkout; no Windows wheels), used
whenever it can be imported; nothing else changes with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``, on uvloop's event loop when uvloop is installed."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)
