"""The streaming machinery of a replay: read-ahead, in-order dispatch, draining.

``failover/replay.py`` decides what happens to each object (skip it, download it,
check its envelope, deliver it, record the outcome); this module only moves
objects through those stages, in listing order, with bounded memory:

1. **produce**: the listing feeds a bounded queue of download tasks
   (``concurrency`` downloads at once, up to 4× that many queued ahead);
2. **dispatch**: downloads are taken in listing order and at most
   ``concurrency`` deliveries run at once, so deliveries start oldest first;
3. **drain**: on the end of the listing, a stop, an abort or an error, queued
   downloads are cancelled, in-flight deliveries finish (or are cancelled on
   abort), and the first error a delivery raised is raised again.

It knows nothing about envelopes' contents, journals or statistics.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal

from hookctl.failover.select import Candidate
from hookctl.stream.models import Envelope

Fetched = tuple[bytes | None, str | None]  # the body, or why there is none
Admit = Literal["take", "skip", "end"]  # what to do with the next listed object


@dataclass(frozen=True)
class Stages:
    """What the pipeline does to each object; ``failover.replay.Replayer`` fills these."""

    candidates: Callable[[], AsyncIterator[Candidate]]
    admit: Callable[[Candidate], Admit]
    download: Callable[[Candidate], Awaitable[Fetched]]
    envelope: Callable[[Candidate, bytes | None, str | None], Envelope | None]
    deliver: Callable[[Candidate, Envelope], Coroutine[Any, Any, None]]


Ahead = tuple[Candidate, "asyncio.Task[Fetched]"]


class Pipeline:
    def __init__(
        self,
        stages: Stages,
        concurrency: int,
        stop: asyncio.Event,
        aborted: Callable[[], bool],
    ) -> None:
        self.stages = stages
        self.stop = stop  # set: no new downloads or deliveries start
        self.aborted = aborted  # true: in-flight deliveries are cancelled, not awaited
        self.ahead: asyncio.Queue[Ahead | None] = asyncio.Queue(maxsize=concurrency * 4)
        self.download_slots = asyncio.Semaphore(concurrency)
        self.delivery_slots = asyncio.Semaphore(concurrency)
        self.running: set[asyncio.Task[None]] = set()
        self.errors: list[BaseException] = []

    async def run(self) -> None:
        producer = asyncio.create_task(self._produce())
        try:
            await self._dispatch()
            await producer  # surfaces listing errors
        finally:
            await self._drain(producer)
        if self.errors:
            raise self.errors[0]

    async def _fetch(self, candidate: Candidate) -> Fetched:
        async with self.download_slots:
            return await self.stages.download(candidate)

    async def _produce(self) -> None:
        try:
            async for candidate in self.stages.candidates():
                if self.stop.is_set():
                    break
                admit = self.stages.admit(candidate)
                if admit == "end":
                    break
                if admit == "take":
                    task = asyncio.create_task(self._fetch(candidate))
                    await self.ahead.put((candidate, task))
        finally:
            await self.ahead.put(None)

    async def _dispatch(self) -> None:
        while (entry := await self.ahead.get()) is not None:
            candidate, download = entry
            if self.stop.is_set():
                download.cancel()
                continue
            body, problem = await download  # an access error (403) ends the run
            envelope = self.stages.envelope(candidate, body, problem)
            if envelope is None:
                continue
            await self.delivery_slots.acquire()
            if self.stop.is_set():
                self.delivery_slots.release()
                continue
            job = asyncio.create_task(self.stages.deliver(candidate, envelope))
            self.running.add(job)
            job.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.running.discard(task)
        self.delivery_slots.release()
        if not task.cancelled() and (error := task.exception()) is not None:
            self.errors.append(error)
            self.stop.set()

    async def _drain(self, producer: asyncio.Task[None]) -> None:
        producer.cancel()
        while not self.ahead.empty():
            leftover = self.ahead.get_nowait()
            if leftover is not None:
                leftover[1].cancel()
        if self.aborted():
            for job in self.running:
                job.cancel()
        if self.running:
            await asyncio.gather(*self.running, return_exceptions=True)
        await asyncio.gather(producer, return_exceptions=True)
