"""A replay job: count it, run it once, or follow the bucket, until done or stopped.

``ReplayJob`` holds everything a run needs (source, selection, options, journal,
credentials) and owns the event loop: each of ``count``, ``run`` and ``follow`` is
one ``asyncio.run``. Callers talk to a running job in two directions only:

- in, through a ``Stop``: the first request stops gracefully (no new deliveries;
  those in flight finish, the report is kept), the second aborts the run;
- out, through callbacks: ``progress`` (the live ``Replayer``, a few times a
  second), ``stopping`` (in-flight deliveries when a graceful stop begins) and,
  for ``follow``, ``on_round`` after each poll.

Each follow round's window is ``follow.follow_window``'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hookctl.base import aio
from hookctl.base.errors import ExitStatus, HookctlError, UsageError
from hookctl.base.stdio import regular_fd
from hookctl.failover.archive import archive_prefix, overlap_problem
from hookctl.failover.follow import follow_window
from hookctl.failover.source import Source, make_finder, open_bucket

if TYPE_CHECKING:
    from hookctl.failover.gcs import Bucket
    from hookctl.failover.journal import Journal
    from hookctl.failover.ledger import JournalReader
    from hookctl.failover.outcome import ReplayReport, Stats
    from hookctl.failover.replay import Options, Replayer
    from hookctl.failover.select import Selection
    from hookctl.webhooks.delivery import RetryPolicy

FOLLOW_MAX_MISSES = 5  # --follow gives up after this many failed rounds in a row

Progress = Callable[["Replayer"], None]


class Stop:
    """Stop requests from outside a running job; safe from a signal handler or a thread.

    The first request asks for a graceful stop, the second for an abort. A request
    made before the job starts is seen when it starts.
    """

    def __init__(self) -> None:
        self.requests = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: Callable[[int], None] | None = None

    @property
    def requested(self) -> bool:
        return self.requests > 0

    def request(self) -> None:
        with self._lock:
            self.requests += 1
            loop, count = self._loop, self.requests
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._notify, count)

    def _notify(self, count: int) -> None:
        if self._listener is not None:
            self._listener(count)

    @contextlib.contextmanager
    def listen(self, listener: Callable[[int], None]) -> Iterator[None]:
        """While the block runs (inside the job's loop), call ``listener(n)`` on the loop
        for the n-th request; requests made earlier are delivered at once."""
        with self._lock:
            self._loop, self._listener, pending = (
                asyncio.get_running_loop(),
                listener,
                self.requests,
            )
        try:
            if pending:
                listener(pending)
            yield
        finally:
            with self._lock:
                self._loop, self._listener = None, None


def check_modes(
    *,
    from_file: Path | None,
    since: str | None,
    scan: bool,
    follow: bool,
    target: str | None,
    archive_to: str | None,
    states: frozenset[str] = frozenset(),
    redeliver: bool = False,
    until: str | None = None,
    journal: Path | None = None,
    no_journal: bool = False,
) -> None:
    """Refuse flag combinations that cannot mean anything, before any I/O."""
    from hookctl.failover.ledger import check_journal_choice

    check_journal_choice(journal, no_journal)
    if follow and until is not None:
        raise UsageError(
            "--follow polls until stopped: it has no --until",
            "leave out --until, or leave out --follow to replay a window once",
        )
    from hookctl.failover.select import DELIVERED, PENDING

    held = sorted(states - {PENDING, DELIVERED})
    if held:
        raise UsageError(
            f"replay never sends {' or '.join(held)} events (--state {','.join(held)})",
            "see them and why with `hookctl failover list --state "
            f"{','.join(held)}`; replay takes --state pending or delivered",
        )
    if DELIVERED in states and not redeliver:
        raise UsageError(
            "--state delivered picks events the journal says were delivered, which replay skips",
            "add --redeliver to send them again",
        )
    if from_file and (since or scan or follow):
        raise UsageError(
            "--from-file replays the objects in the file", "leave out --since/--scan/--follow"
        )
    if from_file is not None:
        try:
            os.close(regular_fd(from_file))  # before the app or the bucket is asked anything
        except OSError as exc:
            raise UsageError(f"cannot read {from_file}: {exc.strerror}", "check the path") from None
    if target is not None:
        from hookctl.base.validate import check_url

        check_url(target, what="--to")
    if archive_to is not None:
        archive_prefix(archive_to)


def replay_options(
    source: Source,
    *,
    target: str | None = None,
    dry_run: bool = False,
    names_only: bool = False,
    redeliver: bool = False,
    archive_to: str | None = None,
    limit: int | None = None,
    concurrency: int = 16,
    rate: float | None = None,
    max_bytes: int,
    policy: RetryPolicy,
    failures: Path | None = None,
    get_app: Callable[[], dict[str, Any]] | None = None,
) -> Options:
    """The run's options, once the source is known (archiving into the failover path
    itself would replay the archive)."""
    from hookctl.failover.replay import Options

    archive = archive_prefix(archive_to) if archive_to is not None else None
    overlap = overlap_problem(archive, source.path.strip("/")) if archive else None
    if overlap:
        raise UsageError(
            f"--archive-to {archive!r} {overlap}",
            "archive beside the failover path, e.g. --archive-to replayed",
        )
    destinations = None
    if target is None and get_app is not None:  # without --to the app decides (targets.py)
        from hookctl.failover.state import destinations_for

        destinations = destinations_for(source, get_app)
    return Options(
        target=target,
        destinations=destinations,
        dry_run=dry_run,
        names_only=names_only,
        redeliver=redeliver,
        archive_to=archive,
        limit=limit,
        concurrency=concurrency,
        rate=rate or None,
        max_bytes=max_bytes,
        policy=policy,
        failures=failures,
    )


def open_journal(path: Path | None, *, wait: bool = False) -> Journal:
    """The journal at ``path``, or the default one in hookctl's data dir, locked for this
    run (``wait``: queue behind a run that holds it, instead of failing)."""
    from hookctl.config.settings import data_dir
    from hookctl.failover.journal import Journal

    return Journal(path or data_dir() / "replay" / "journal.sqlite3", wait=wait)


@dataclass(frozen=True)
class Round:
    """What one follow round did."""

    at: datetime
    stats: Stats


@dataclass(frozen=True)
class MissedRound:
    """A follow round that failed (GCS unreachable, a listing error …): retried at the
    next interval until ``FOLLOW_MAX_MISSES`` fail in a row."""

    at: datetime
    error: HookctlError
    in_a_row: int
    limit: int = FOLLOW_MAX_MISSES


@dataclass
class ReplayJob:
    """One replay: where from, what, how, and the journal; see the module docstring."""

    source: Source
    selection: Selection
    options: Options
    journal: Journal | None = None
    api_key: str = ""
    api_secret: str = field(default="", repr=False)
    scan: bool = False
    from_file: Path | None = None
    ledger: JournalReader | None = None  # a dry run's read-only view of the journal

    def _replayer(self, gcs: Bucket, chosen: Selection, progress: Progress | None) -> Replayer:
        from hookctl.failover.replay import Replayer

        exclude = f"{self.options.archive_to}/" if self.options.archive_to else None
        finder = make_finder(
            gcs,
            self.source,
            chosen,
            scan=self.scan,
            from_file=self.from_file,
            exclude_prefix=exclude,
            metadata=not self.options.names_only,  # a carried webhook id: only sending uses it
        )
        return Replayer(
            gcs,
            finder,
            self.journal,
            self.options,
            api_key=self.api_key,
            api_secret=self.api_secret,
            on_progress=progress,
            ledger=self.ledger,
        )

    def count(self) -> int:
        """Objects a run would consider (names only: nothing is downloaded), minus those
        the journal says were delivered (the same rule a run applies)."""
        from hookctl.failover.replay import target_of
        from hookctl.failover.state import Admission

        async def main() -> int:
            async with open_bucket(self.source) as gcs:
                finder = make_finder(
                    gcs, self.source, self.selection, scan=self.scan, from_file=self.from_file
                )
                admission = Admission(
                    self.journal or self.ledger,
                    gcs.name,
                    target_of(self.options),
                    redeliver=self.options.redeliver,
                    states=self.selection.states,
                )
                n = 0
                async for candidate in finder.candidates():
                    if admission(candidate.item) == "take":
                        n += 1
                return n

        return aio.run(main())

    def run(
        self,
        stop: Stop,
        *,
        progress: Progress | None = None,
        stopping: Callable[[int], None] | None = None,
    ) -> ReplayReport:
        """Replay the selection once; the report says what happened."""

        async def main() -> ReplayReport:
            async with open_bucket(self.source, self.options.concurrency * 2) as gcs:
                replayer = self._replayer(gcs, self.selection, progress)

                def on_request(count: int) -> None:
                    if count > 1 and replayer.stats.stopped:
                        replayer.abort()  # cancels in-flight work; run() returns the stats
                        return
                    replayer.stop()
                    if stopping is not None:
                        stopping(replayer.stats.in_flight)

                with stop.listen(on_request):
                    await replayer.run()
                return replayer.report()

        return aio.run(main())

    def follow(
        self,
        every: float,
        stop: Stop,
        on_round: Callable[[Round], None],
        on_miss: Callable[[MissedRound], None] | None = None,
    ) -> int:
        """Poll today's prefix (and yesterday's near midnight) every ``every`` seconds and
        replay what is new, until stopped. Returns the failures of the last round.

        A round that fails (exit-1 errors: GCS unreachable, a listing error) is reported
        to ``on_miss`` and retried at the next interval; after ``FOLLOW_MAX_MISSES`` in a
        row the follow gives up with a HookctlError naming the last one."""
        chosen = self.selection
        since = chosen.since or datetime.now(UTC)
        failed = 0
        misses = 0

        async def main() -> None:
            nonlocal failed, misses
            wake = asyncio.Event()
            current: Replayer | None = None

            def on_request(count: int) -> None:
                wake.set()
                if current is not None:
                    current.abort() if count > 1 else current.stop()

            with stop.listen(on_request):
                async with open_bucket(self.source, self.options.concurrency * 2) as gcs:
                    while not stop.requested:
                        now = datetime.now(UTC)
                        start, end = follow_window(since, every, now)
                        window = replace(chosen, since=start, until=end)
                        current = self._replayer(gcs, window, None)
                        try:
                            await current.run()
                        except HookctlError as exc:
                            if exc.exit_code != ExitStatus.FAILED:
                                raise  # bad input does not fix itself
                            misses += 1
                            if misses >= FOLLOW_MAX_MISSES:
                                raise _gave_up(misses, exc) from None
                            if on_miss is not None:
                                on_miss(MissedRound(now, exc, misses))
                        else:
                            misses = 0
                            stats = current.stats
                            failed = stats.failed + len(stats.malformed)
                            on_round(Round(now, stats))
                        current = None
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(wake.wait(), timeout=every)

        aio.run(main())
        return failed


def _gave_up(misses: int, last: HookctlError) -> HookctlError:
    return HookctlError(
        f"gave up following after {misses} failed rounds in a row; the last: {last.message}",
        last.hint,
    )
