"""The replay pipeline's machinery on its own (failover/pipeline.py): order, bounds,
the end of the listing, stop, abort and errors. No network: stages are plain coroutines
gated by events, so nothing here depends on timing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from hookctl.failover.gcs import Listed
from hookctl.failover.pipeline import Admit, Fetched, Pipeline, Stages
from hookctl.failover.select import Candidate
from hookctl.stream.models import Envelope


def candidate(i: int) -> Candidate:
    return Candidate(Listed(f"obj-{i:03}", "1", 10), None, True)


def envelope_for(c: Candidate) -> Envelope:
    return Envelope(
        original_hook_id="h",
        original_webhook_url="https://example.invalid/hook",
        event_type=c.item.name,
        failed_at=datetime(2026, 4, 1, tzinfo=UTC),
        payload={},
    )


class Recorder:
    """Stages that record what happened; deliveries wait on ``gate`` until released."""

    def __init__(self, count: int, *, limit: int | None = None) -> None:
        self.count = count
        self.limit = limit
        self.listed = 0
        self.started: list[str] = []
        self.delivered: list[str] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.gate = asyncio.Event()
        self.fail_on: str | None = None
        self.skip: set[str] = set()
        self.taken = 0
        self.hold_listing: asyncio.Event | None = None  # the listing ends when it is set

    async def candidates(self) -> AsyncIterator[Candidate]:
        for i in range(self.count):
            self.listed += 1
            yield candidate(i)
        if self.hold_listing is not None:
            await self.hold_listing.wait()

    def admit(self, c: Candidate) -> Admit:
        if c.item.name in self.skip:
            return "skip"
        if self.limit is not None and self.taken >= self.limit:
            return "end"
        self.taken += 1
        return "take"

    async def download(self, c: Candidate) -> Fetched:
        await asyncio.sleep(0)
        return c.item.name.encode(), None

    def envelope(self, c: Candidate, body: bytes | None, problem: str | None) -> Envelope | None:
        assert problem is None
        assert body == c.item.name.encode()
        return envelope_for(c)

    async def deliver(self, c: Candidate, envelope: Envelope) -> None:
        assert envelope.event_type == c.item.name  # the envelope of this candidate
        self.started.append(envelope.event_type)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await self.gate.wait()
            if envelope.event_type == self.fail_on:
                raise RuntimeError(f"delivery of {self.fail_on} broke")
            self.delivered.append(envelope.event_type)
        finally:
            self.in_flight -= 1

    def stages(self) -> Stages:
        return Stages(self.candidates, self.admit, self.download, self.envelope, self.deliver)


def run(rec: Recorder, concurrency: int, *, until_started: int | None = None) -> None:
    """Run the pipeline; open the gate once ``until_started`` deliveries are waiting."""

    async def go() -> None:
        pipeline = Pipeline(rec.stages(), concurrency, asyncio.Event(), lambda: False)
        task = asyncio.create_task(pipeline.run())
        while until_started is not None and rec.in_flight < until_started and not task.done():
            await asyncio.sleep(0)
        for _ in range(200):  # let every other task run: would one more delivery start?
            await asyncio.sleep(0)
        rec.gate.set()
        await task

    asyncio.run(go())


@pytest.mark.parametrize("concurrency", [1, 3, 8])
def test_deliveries_start_in_listing_order_and_never_more_than_concurrency(
    concurrency: int,
) -> None:
    rec = Recorder(20)
    rec.skip = {"obj-004", "obj-011"}
    run(rec, concurrency, until_started=concurrency)
    expected = [f"obj-{i:03}" for i in range(20) if f"obj-{i:03}" not in rec.skip]
    assert rec.started == expected
    assert sorted(rec.delivered) == expected
    assert rec.most_in_flight == concurrency


class Staggered(Recorder):
    """Downloads and deliveries of uneven length (a fixed pattern of loop turns), so
    positions become ready out of order and slots free up in between."""

    def __init__(self, count: int, pattern: tuple[int, int]) -> None:
        super().__init__(count)
        self.pattern = pattern

    def turns(self, c: Candidate, which: int) -> int:
        i, (a, b) = int(c.item.name[4:]), self.pattern
        return (i * (a, b)[which]) % (5, 4)[which]

    async def download(self, c: Candidate) -> Fetched:
        for _ in range(self.turns(c, 0)):
            await asyncio.sleep(0)
        return c.item.name.encode(), None

    async def deliver(self, c: Candidate, envelope: Envelope) -> None:
        self.started.append(envelope.event_type)
        for _ in range(self.turns(c, 1)):
            await asyncio.sleep(0)
        self.delivered.append(envelope.event_type)


@pytest.mark.parametrize("pattern", [(7, 3), (3, 1), (2, 5)])
@pytest.mark.parametrize("concurrency", [2, 3, 8, 16])
def test_deliveries_start_in_listing_order_when_downloads_finish_out_of_order(
    concurrency: int, pattern: tuple[int, int]
) -> None:
    """A position released by its own task's call went on at once (awaiting a done
    future does not yield), ahead of earlier positions released just before it whose
    tasks were only scheduled to wake: neighbours started swapped (a dry run's "first
    to send" showed it too)."""
    rec = Staggered(60, pattern)

    async def go() -> None:
        await Pipeline(rec.stages(), concurrency, asyncio.Event(), lambda: False).run()

    asyncio.run(go())
    assert rec.started == [f"obj-{i:03}" for i in range(60)]
    assert sorted(rec.delivered) == rec.started


def test_end_stops_the_listing_early() -> None:
    rec = Recorder(1000, limit=5)
    run(rec, 2)
    assert rec.started == [f"obj-{i:03}" for i in range(5)]
    assert rec.listed == 6  # the sixth name ended the listing


def test_a_failed_delivery_stops_new_ones_and_is_raised() -> None:
    rec = Recorder(50)
    rec.fail_on = "obj-002"
    with pytest.raises(RuntimeError, match="obj-002 broke"):
        run(rec, 4, until_started=4)
    assert "obj-002" not in rec.delivered
    assert len(rec.started) < 50  # nothing new started after the error
    assert rec.in_flight == 0  # the others in flight were awaited, none left behind


def test_stop_lets_in_flight_deliveries_finish_and_starts_no_more() -> None:
    async def go() -> Recorder:
        rec = Recorder(50)
        stop = asyncio.Event()
        task = asyncio.create_task(Pipeline(rec.stages(), 3, stop, lambda: False).run())
        while rec.in_flight < 3 and not task.done():
            await asyncio.sleep(0)
        stop.set()
        rec.gate.set()
        await task
        return rec

    rec = asyncio.run(go())
    assert rec.delivered == rec.started == ["obj-000", "obj-001", "obj-002"]


def test_abort_cancels_in_flight_deliveries() -> None:
    async def go() -> Recorder:
        rec = Recorder(50)
        stop = asyncio.Event()
        task = asyncio.create_task(Pipeline(rec.stages(), 3, stop, lambda: True).run())
        while rec.in_flight < 3 and not task.done():
            await asyncio.sleep(0)
        stop.set()  # what Replayer.abort() does: stop, then cancel the pipeline task
        task.cancel()  # the gate never opens: only cancelling ends these deliveries
        with pytest.raises(asyncio.CancelledError):
            await task
        return rec

    rec = asyncio.run(go())
    assert rec.started == ["obj-000", "obj-001", "obj-002"]
    assert rec.delivered == []
    assert rec.in_flight == 0


def test_abort_after_the_listing_ended_cancels_what_is_in_flight() -> None:
    """The drain itself cancels in-flight deliveries when aborted (nothing cancels the
    pipeline task here): without that it would wait on them for ever."""

    async def go() -> Recorder:
        rec = Recorder(3)
        rec.hold_listing = asyncio.Event()
        stop, aborted = asyncio.Event(), [False]
        task = asyncio.create_task(Pipeline(rec.stages(), 4, stop, lambda: aborted[0]).run())
        while rec.in_flight < 3 and not task.done():
            await asyncio.sleep(0)
        aborted[0] = True
        stop.set()
        rec.hold_listing.set()  # the listing ends; the gate never opens
        await asyncio.wait_for(task, 60)  # a bound for the failure case only
        return rec

    rec = asyncio.run(go())
    assert rec.started == ["obj-000", "obj-001", "obj-002"]
    assert rec.delivered == []
    assert rec.in_flight == 0
