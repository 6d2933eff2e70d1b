"""``aio.run``: the collector is set for a long job while it runs, and put back after it,
since the public API runs jobs inside its caller's process."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from hookctl.base import aio


@pytest.fixture
def collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.set_threshold(*threshold)
    gc.unfreeze()


async def _settings() -> tuple[tuple[int, int, int], int]:
    return gc.get_threshold(), gc.get_freeze_count()


async def _fails() -> None:
    raise RuntimeError("boom")


@pytest.mark.usefixtures("collector")
def test_a_job_runs_with_fewer_collections_and_leaves_the_collector_as_it_was() -> None:
    gc.set_threshold(700, 10, 10)
    threshold, frozen = aio.run(_settings())
    assert threshold == aio.JOB_GC_THRESHOLD
    assert frozen > 0  # start-up's objects are out of the job's collections
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError, match="boom"):
        aio.run(_fails())
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("collector")
def test_objects_the_caller_froze_stay_frozen() -> None:
    gc.freeze()
    aio.run(_settings())
    assert gc.get_freeze_count() > 0  # (a frozen object freed meanwhile leaves the count)


@pytest.mark.usefixtures("collector")
def test_jobs_in_two_threads_leave_the_collector_as_it_was() -> None:
    """The API may run jobs in several threads: the one that started first and ends first
    must not undo the setting under the other, nor the last leave it set."""
    import threading

    gc.set_threshold(700, 10, 10)
    first_in, second_in, first_done = threading.Event(), threading.Event(), threading.Event()
    seen: list[tuple[int, int, int]] = []

    async def first() -> None:
        first_in.set()
        second_in.wait(5)

    def in_thread() -> None:
        aio.run(first())
        first_done.set()

    async def second() -> None:
        second_in.set()
        while not first_done.is_set():
            await asyncio.sleep(0.001)
        seen.append(gc.get_threshold())

    thread = threading.Thread(target=in_thread)
    thread.start()
    first_in.wait(5)
    aio.run(second())
    thread.join(5)
    assert seen == [aio.JOB_GC_THRESHOLD]  # still set for the job running on
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


@pytest.mark.usefixtures("collector")
def test_failed_requests_do_not_pile_up_their_bodies_between_collections() -> None:
    """A request refused by a receiver that is down leaves its body in a reference cycle
    only the collector frees; with a job's rare collections, 40 failed 1 MiB deliveries
    held ~40 MiB at once. A collection now runs once failed bodies reach 16 MiB."""
    import socket
    import tracemalloc

    from hookctl.webhooks.delivery import Deliverer, Delivery, RetryPolicy

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/hook"

    async def fail_forty() -> list[bool]:
        policy = RetryPolicy(network_attempts=1)
        async with Deliverer("key", "secret", policy=policy, concurrency=1) as deliverer:
            return [
                (await deliverer.deliver(Delivery(url, bytes([i]) * (1 << 20)))).ok
                for i in range(40)
            ]

    gc.collect()
    tracemalloc.start()
    try:
        outcomes = aio.run(fail_forty())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert outcomes == [False] * 40
    assert peak < 28 * (1 << 20), f"{peak / (1 << 20):.0f} MiB held at once"
