"""Replay failed events: listing → download → delivery, as one streaming pipeline.

Objects flow in listing order through bounded queues: downloads run up to
``concurrency`` ahead, deliveries go out in that order with at most
``concurrency`` in flight and at most ``rate`` starts per second, through the
one delivery engine (``hookctl.webhooks.delivery``). Memory stays flat whatever the
backlog: nothing holds more than a few pages of names and a window of bodies.

Exactly once from hookctl's side: each object's ``X-Webhook-Id`` is derived
from ``bucket + name + generation`` (the same on every run and machine), and
the journal records every outcome as it arrives; a rerun skips what the
journal says was delivered to the same target.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from hookctl.failover.fetch import Reader
from hookctl.failover.gcs import Bucket, Listed
from hookctl.failover.ids import object_key, webhook_id
from hookctl.failover.journal import Journal, Lookups
from hookctl.failover.layout import printable
from hookctl.failover.outcome import (
    Failure,
    FailureLog,
    PlanRow,
    PlanSample,
    ReplayReport,
    Stats,
    build_report,
    reason_key,
    reason_of,
)
from hookctl.failover.pipeline import Admit, Pipeline, Stages
from hookctl.failover.select import MALFORMED, REFUSED, Candidate, Finder
from hookctl.failover.state import ORIGINAL, Admission
from hookctl.failover.targets import Destinations, Refusal
from hookctl.stream.models import Envelope, payload_body
from hookctl.webhooks.delivery import Deliverer, Delivery, RetryPolicy

MAX_BYTES = 5 * 1024 * 1024
KEEP_FAILURES = 1000  # failures kept in memory for the report; --failures gets them all
FLUSH_AFTER = 0.05  # seconds an outcome may wait for its journal transaction


@dataclass
class Options:
    target: str | None = None  # --to
    # Where each event may go without --to: the app's hooks (targets.py). None with no
    # --to refuses every object: nothing a bucket writer controls chooses a URL.
    destinations: Destinations | None = None
    dry_run: bool = False
    names_only: bool = False  # a dry run's plan from the listing alone (``nameplan``)
    redeliver: bool = False
    archive_to: str | None = None
    limit: int | None = None
    concurrency: int = 16
    rate: float | None = None
    max_bytes: int = MAX_BYTES
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    plan_sample: int = 10
    failures: Path | None = None  # --failures: every failure, streamed as NDJSON


def target_of(options: Options) -> str:
    """The journal's target: ``--to``, or ORIGINAL for each envelope's own URL."""
    return options.target or ORIGINAL


class Replayer:
    def __init__(
        self,
        bucket: Bucket,
        finder: Finder,
        journal: Journal | None,
        options: Options,
        *,
        api_key: str,
        api_secret: str,
        on_progress: Callable[[Replayer], None] | None = None,
        progress_every: float = 0.5,
        ledger: Lookups | None = None,
    ) -> None:
        self.bucket = bucket
        self.finder = finder
        self.journal = journal
        self.options = options
        self.api_key = api_key
        self._secret = api_secret
        self.stats = Stats()
        self.on_progress = on_progress
        self.progress_every = progress_every
        self._stop = asyncio.Event()
        self._pipeline_task: asyncio.Task[None] | None = None
        self.aborted = False
        self._flush_scheduled = False
        self._failure_log: FailureLog | None = None
        # a dry run has no journal to write, but asks the same one (``ledger``, read-only)
        self._admission = Admission(
            journal or ledger,
            bucket.name,
            self.target,
            redeliver=options.redeliver,
            states=finder.selection.states,
        )

    @property
    def target(self) -> str:
        return target_of(self.options)

    def stop(self) -> None:
        """Graceful stop: no new deliveries; in-flight ones finish; the summary is kept."""
        self.stats.stopped = True
        self._stop.set()

    def abort(self) -> None:
        """Hard stop (a second Ctrl-C): cancel in-flight downloads and deliveries now.
        Outcomes already received stay in the journal; a cancelled delivery has no row,
        so a rerun sends it again with the same X-Webhook-Id."""
        self.stop()
        if self.aborted:
            return
        self.aborted = True
        if self._pipeline_task is not None:
            self._pipeline_task.cancel()

    async def run(self) -> Stats:
        self._failure_log = FailureLog(self.options.failures) if self.options.failures else None
        ticker = asyncio.create_task(self._tick()) if self.on_progress else None
        try:
            async with Deliverer(
                self.api_key,
                self._secret,
                policy=self.options.policy,
                concurrency=self.options.concurrency,
                rate=self.options.rate,
            ) as deliverer:
                self._pipeline_task = asyncio.create_task(self._pipeline(deliverer))
                try:
                    await self._pipeline_task
                except asyncio.CancelledError:
                    if not self.aborted or _cancelling():
                        raise  # cancelled from outside, not by abort(): pass it on
        finally:
            self._flush()
            if self._failure_log is not None:
                self._failure_log.close()
            if ticker is not None:
                ticker.cancel()
            if self.on_progress:
                self.on_progress(self)
        return self.stats

    async def _tick(self) -> None:
        assert self.on_progress is not None
        while True:
            await asyncio.sleep(self.progress_every)
            self.on_progress(self)

    def _pipeline(self, deliverer: Deliverer) -> Coroutine[Any, Any, None]:
        """Listing → download → delivery, streamed (``failover.pipeline``); this class
        decides each object's fate, the pipeline keeps the order and the bounds."""
        reader = Reader(self.bucket, self.finder.selection, self.stats, self.options.max_bytes)
        stages = Stages(
            candidates=self.finder.candidates,
            admit=self._admit,
            download=reader.download,
            envelope=lambda candidate, body, problem: self._envelope(
                reader, candidate, body, problem
            ),
            deliver=lambda candidate, envelope: self._deliver(deliverer, candidate, envelope),
        )
        if self.options.names_only:
            from hookctl.failover.nameplan import plan_from_names

            return plan_from_names(self, stages)
        pipeline = Pipeline(stages, self.options.concurrency, self._stop, lambda: self.aborted)
        return pipeline.run()

    def _admit(self, candidate: Candidate) -> Admit:
        """Skip what the journal says was delivered, and what ``--state`` leaves out; end
        the listing at ``--limit``."""
        admit = self._admission(candidate.item)
        if admit == "delivered":
            self.stats.already_delivered += 1
            return "skip"
        if admit == "filtered":
            self.stats.out_of_window += 1  # reported with the other filtered objects
            return "skip"
        if self.options.limit is not None and self.stats.selected >= self.options.limit:
            return "end"
        self.stats.selected += 1
        return "take"

    def destination(self, hook_id: str, url: str | None, event_type: str) -> str | Refusal:
        """Where an event goes; ``url`` (the envelope's) None when it was not read."""
        if self.options.target:
            return self.options.target
        if self.options.destinations is None:
            return Refusal("no destination: pass --to URL")
        return self.options.destinations.resolve(hook_id, url, event_type)

    def _hold(self, item: Listed, event_type: str, state: str, reason: str) -> None:
        """Journal an object that was not sent (refused, malformed) and why: ``failover
        status`` then knows without downloading it; a rerun still judges it afresh."""
        if self.journal is None:
            return
        self.journal.record(
            object_key(self.bucket.name, item),
            self.target,
            webhook_id=webhook_id(self.bucket.name, item),
            event_type=event_type,
            ok=False,
            status=None,
            error=reason,
            held=state,
        )
        self._flush_soon()

    def _envelope(
        self, reader: Reader, candidate: Candidate, body: bytes | None, problem: str | None
    ) -> Envelope | None:
        malformed = len(self.stats.malformed)
        envelope = reader.envelope(candidate, body, problem)
        if len(self.stats.malformed) > malformed:
            parsed = candidate.parsed
            reason = self.stats.malformed[-1].reason
            self._hold(candidate.item, parsed.event_type if parsed else "", MALFORMED, reason)
        return envelope

    def refuse(
        self, item: Listed, event_type: str, hook_id: str, url: str, refusal: Refusal
    ) -> None:
        self._hold(item, event_type, REFUSED, refusal.reason)
        self.stats.refused += 1
        self.stats.refusals[reason_key(refusal.reason.split(" (")[0])] += 1
        self._record_failure(
            Failure(
                item,
                self.bucket.name,
                event_type,
                hook_id,
                printable(url)[:500],
                webhook_id(self.bucket.name, item),
                None,
                refusal.reason,
                0,
                refused=True,
            )
        )

    async def _deliver(
        self, deliverer: Deliverer, candidate: Candidate, envelope: Envelope
    ) -> None:
        item = candidate.item
        hook, sent_to = envelope.original_hook_id, envelope.original_webhook_url
        url = self.destination(hook, sent_to, envelope.event_type)
        if isinstance(url, Refusal):
            self.refuse(item, envelope.event_type, hook, sent_to, url)
            return
        body = payload_body(envelope)
        if self.options.dry_run:
            self.plan(url, envelope.event_type, hook, envelope.failed_at, item, len(body))
            return
        hook_id = webhook_id(self.bucket.name, item)
        self.stats.in_flight += 1
        try:
            # the pipeline bounds deliveries at --concurrency: no second semaphore; one
            # still waiting for its --rate slot at a stop is not sent (a rerun sends it)
            delivery = Delivery(url, body, envelope.event_type, hook_id)
            result = await deliverer.send(delivery, wanted=lambda: not self._stop.is_set())
        finally:
            self.stats.in_flight -= 1
        if result is None:
            return
        if self.journal is not None:
            self.journal.record(
                object_key(self.bucket.name, item),
                self.target,
                webhook_id=hook_id,
                event_type=envelope.event_type,
                ok=result.ok,
                status=result.status,
                error=result.error,
            )
            self._flush_soon()
        if result.ok:
            self.stats.delivered += 1
            if self.options.archive_to:
                await self._archive(candidate)
            return
        self.stats.failed += 1
        reason = reason_of(result)
        self.stats.reasons[reason] += 1
        failure = Failure(
            item,
            self.bucket.name,
            envelope.event_type,
            envelope.original_hook_id,
            url,
            hook_id,
            result.status,
            result.error or reason,
            len(result.attempts),
        )
        self._record_failure(failure)

    def _record_failure(self, failure: Failure) -> None:
        if len(self.stats.failures) < KEEP_FAILURES:  # memory stays flat however many fail
            self.stats.failures.append(failure)
        if self._failure_log is not None:
            self._failure_log.write(failure)

    def _flush_soon(self) -> None:
        """Commit outcomes in batches: once half of ``concurrency`` are queued, else
        FLUSH_AFTER seconds after the first. A kill -9 then re-sends at most the deliveries
        in flight plus those not yet committed (1.5 × ``concurrency`` in all), all with the
        same X-Webhook-Id; it never loses one (a row is written only after the 2xx)."""
        journal = self.journal
        if journal is None:
            return
        if journal.pending >= max(1, self.options.concurrency // 2):
            self._flush()
        elif not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_later(FLUSH_AFTER, self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        if self.journal is not None:
            self.journal.flush()

    async def _archive(self, candidate: Candidate) -> None:
        assert self.options.archive_to is not None
        item, parsed = candidate.item, candidate.parsed
        relative = item.name[len(parsed.prefix) :] if parsed else item.name
        destination = f"{self.options.archive_to.strip('/')}/{relative}"
        try:
            await self.bucket.move(item, destination, webhook_id(self.bucket.name, item))
        except Exception as exc:  # delivered is delivered: the journal has it; report only
            self.stats.archive_errors[reason_key(f"archive failed: {exc}")] += 1
            return
        self.stats.archived += 1

    def report(self) -> ReplayReport:
        """What the run did: the stable ``--json`` shape is ``ReplayReport.as_json``."""
        return build_report(
            self.stats,
            self.finder.listing,
            bucket=self.bucket.name,
            list_calls=self.bucket.list_calls,
            selection=self.finder.selection,
            target=self.options.target,
            dry_run=self.options.dry_run,
            complete=self.complete,
            envelopes_read=not self.options.names_only,
        )

    @property
    def complete(self) -> bool:
        """Everything selected was delivered (or, for a dry run, readable). Names outside
        the layout are reported but do not fail a run: they may not be Stream's."""
        stats = self.stats
        return not (stats.stopped or stats.failed or stats.refused or stats.malformed)

    def plan(
        self, url: str, event_type: str, hook_id: str, when: datetime, item: Listed, size: int
    ) -> None:
        """Count one event into a dry run's plan; ``when``: the envelope's failed_at, or
        (names only) the name's time."""
        row = self.stats.plan.get((url, event_type))
        if row is None:
            row = self.stats.plan[url, event_type] = PlanRow(url, event_type)
        row.count += 1
        row.bytes += size
        if len(self.stats.first) < self.options.plan_sample:
            time_from = "name" if self.options.names_only else "failed_at"
            sample = PlanSample(item.name, event_type, when, url, size, hook_id, time_from)
            self.stats.first.append(sample)


def _cancelling() -> bool:
    """Whether the current task itself was asked to stop (not just a task it awaited)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
