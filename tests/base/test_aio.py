"""``aio.run``: the collector is set for a long job while it runs, and put back after it,
since the public API runs jobs inside its caller's process."""

from __future__ import annotations

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
    frozen = gc.get_freeze_count()
    aio.run(_settings())
    assert gc.get_freeze_count() >= frozen
