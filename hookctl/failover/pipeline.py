"""The streaming machinery of a replay: read-ahead, in-order starts, draining.

``failover/replay.py`` decides what happens to each object (skip it, download it,
check its envelope, deliver it, record the outcome); this module only moves
objects through those stages, in listing order, with bounded memory.

Each admitted object is **one task** that downloads it, waits for its turn,
checks its envelope and delivers it:

1. **window**: the listing starts a task per object while fewer than
   ``5 × concurrency`` are alive (bodies held in memory stay bounded);
2. **download**: at most ``concurrency`` downloads run at once;
3. **in order**: a downloaded object waits until every earlier one has started
   its delivery (or was dropped) and one of ``concurrency`` delivery slots is
   free; ``_release`` checks envelopes and hands out slots strictly in listing
   order, as many in one go as are ready (so starts are never throttled to one
   per turn of the event loop);
4. **drain**: on the end of the listing, a stop or an error, tasks that have not
   started delivering are cancelled, in-flight deliveries finish (or are
   cancelled on abort), and the first error raised is raised again.

(One task per object, not a download task plus a delivery task handed through a
queue: the profile of a 20,000-event replay put task creation and the queue
among the largest costs of hookctl's own.)

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


AHEAD = 4  # objects read ahead of the deliveries, per unit of concurrency


class _Skip:
    """A listing position given up before its turn (cancelled, or its download raised)."""


SKIP = _Skip()
Ready = tuple["asyncio.Future[Envelope | None]", Candidate, bytes | None, str | None]


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
        self.window = asyncio.Semaphore(concurrency * (AHEAD + 1))
        self.download_slots = asyncio.Semaphore(concurrency)
        self.free = concurrency  # delivery slots
        self.tasks: dict[int, asyncio.Task[None]] = {}  # alive, by listing position
        self.sending: set[int] = set()  # positions holding a delivery slot
        self.ready: dict[int, Ready | _Skip] = {}  # downloaded, waiting for their turn
        self.turn = 0  # the next listing position to start
        # released, their tasks not yet woken: a task continuing at once past its own
        # release must not start before these (a done future's await does not yield)
        self.waking: set[int] = set()
        self.errors: list[BaseException] = []

    async def run(self) -> None:
        watcher = asyncio.create_task(self._on_stop())
        listing_error: BaseException | None = None
        try:
            try:
                await self._produce()
            except Exception as exc:  # what was listed before it still goes out
                listing_error = exc
            while self.tasks:
                await asyncio.gather(*self.tasks.values(), return_exceptions=True)
        finally:
            watcher.cancel()
            await self._drain()
        if self.errors:
            raise self.errors[0]
        if listing_error is not None:
            raise listing_error

    async def _produce(self) -> None:
        number = 0
        async for candidate in self.stages.candidates():
            if self.stop.is_set():
                break
            admit = self.stages.admit(candidate)
            if admit == "end":
                break
            if admit == "take":
                await self.window.acquire()
                if self.stop.is_set():
                    self.window.release()
                    break
                self.tasks[number] = asyncio.create_task(self._one(number, candidate))
                number += 1

    async def _one(self, number: int, candidate: Candidate) -> None:
        """Download, wait for the turn and a slot, deliver: one object, start to end."""
        try:
            async with self.download_slots:
                body, problem = await self.stages.download(candidate)
            go: asyncio.Future[Envelope | None] = asyncio.get_running_loop().create_future()
            self.ready[number] = (go, candidate, body, problem)
            self._release(own=number)
            if go.done():  # released by its own call: positions released before it only
                if self.waking:  # woke up the loop, so let them start first (in order),
                    await asyncio.sleep(0)
                self._release()  # then hand on what follows, to wake after this starts
            envelope = await go
            self.waking.discard(number)
            if envelope is not None:  # _release gave this position a slot
                await self.stages.deliver(candidate, envelope)
        except Exception as exc:  # an access error (403) or a broken delivery ends the run
            self.errors.append(exc)
            self.stop.set()
        finally:
            self.waking.discard(number)  # (cancelled before it woke)
            if number in self.sending:
                self.sending.discard(number)
                self.free += 1
            elif number >= self.turn:
                self.ready[number] = SKIP
            self._release()
            self.window.release()
            del self.tasks[number]

    def _release(self, own: int | None = None) -> None:
        """Start what may start, in listing order: check each envelope when its turn
        comes, and hand out free delivery slots (everything is dropped once stopped).
        ``own``: the caller's position; releasing it ends the call (see ``_one``)."""
        ready, stopped = self.ready, self.stop.is_set()
        while self.turn in ready:
            entry = ready[self.turn]
            if isinstance(entry, _Skip) or entry[0].done():
                del ready[self.turn]
                self.turn += 1
                continue
            go, candidate, body, problem = entry
            if not stopped and not self.free:
                return
            del ready[self.turn]
            number, self.turn = self.turn, self.turn + 1
            envelope = None if stopped else self.stages.envelope(candidate, body, problem)
            if envelope is not None:
                self.free -= 1
                self.sending.add(number)
            go.set_result(envelope)
            if number == own:
                return
            self.waking.add(number)

    async def _on_stop(self) -> None:
        """Once stopped: cancel what has not started delivering (all of it on abort)."""
        await self.stop.wait()
        self._cancel(everything=self.aborted())

    def _cancel(self, *, everything: bool) -> None:
        for number, task in self.tasks.items():
            if everything or number not in self.sending:
                task.cancel()

    async def _drain(self) -> None:
        """Cancel what has not started delivering; cancel in-flight deliveries too on
        an abort, else let them finish."""
        self._cancel(everything=self.aborted())
        while self.tasks:
            await asyncio.gather(*self.tasks.values(), return_exceptions=True)
