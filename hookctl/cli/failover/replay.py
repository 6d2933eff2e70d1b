"""``hookctl failover replay``: options in, one replay job (``hookctl.failover.session``) run,
its report out. Signals become stop requests; progress is drawn on stderr."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hookctl.base.errors import ExitStatus
from hookctl.cli import options as O
from hookctl.cli.context import AppContext, app_context
from hookctl.cli.failover.common import check_filters, say_notes, selection_from, source_from
from hookctl.cli.failover.options import Reading, Scope
from hookctl.cli.failover.progress import Progress
from hookctl.cli.options import grouped

if TYPE_CHECKING:
    from hookctl.failover.outcome import ReplayReport
    from hookctl.failover.session import MissedRound, ReplayJob, Round, Stop

CONFIRM_ABOVE = 1000  # events; more than this asks for --yes off a terminal


@grouped
def replay(
    ctx: typer.Context,
    *,
    reading: Reading,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Deliver every event here. Default: each event's hook's current webhook_url, "
            "read from the app (never the URL written in the bucket).",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Show the plan (counts, bytes, first objects); send nothing."
        ),
    ] = False,
    names_only: Annotated[
        bool,
        typer.Option(
            "--names-only",
            help="With --dry-run: plan from the listing alone (names and listed sizes), "
            "reading no envelope: fast on a large bucket, but objects that are malformed, "
            "forged or refused by their envelope are only found by the real replay.",
        ),
    ] = False,
    concurrency: Annotated[
        int,
        typer.Option("--concurrency", min=1, max=256, help="Deliveries (and downloads) in flight."),
    ] = 16,
    rate: Annotated[
        float,
        typer.Option(
            "--rate",
            parser=O.Finite(0, 1_000_000, "per second"),
            help="At most this many deliveries per second (0: no limit).",
        ),
    ] = 50,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Replay at most N events.")
    ] = None,
    journal: Annotated[
        Path | None,
        typer.Option("--journal", help="The journal of outcomes (default: in hookctl's data dir)."),
    ] = None,
    no_journal: Annotated[
        bool, typer.Option("--no-journal", help="Keep no journal (a rerun sends everything again).")
    ] = False,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait",
            help="If another replay is using the journal, wait for it to finish "
            "(default: exit 1 naming it).",
        ),
    ] = False,
    redeliver: Annotated[
        bool,
        typer.Option("--redeliver", help="Send events the journal says were delivered, again."),
    ] = False,
    archive_to: Annotated[
        str | None,
        typer.Option(
            "--archive-to",
            metavar="PREFIX",
            help="After a 2xx, move the object under PREFIX in the same bucket (copy, then delete).",
        ),
    ] = None,
    failures: Annotated[
        Path | None,
        typer.Option(
            "--failures", help="Write the objects that failed as NDJSON (for --from-file)."
        ),
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option("--from-file", help="Replay exactly the objects in a --failures file."),
    ] = None,
    scope: Scope,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow", help="Keep polling today's prefix and replay new events until stopped."
        ),
    ] = False,
    interval: Annotated[
        str, typer.Option("--interval", help="Poll interval for --follow, e.g. 30s, 2m.")
    ] = "30s",
    retries: O.Retries,
    yes: O.Yes = False,
    as_json: O.Json = False,
) -> None:
    """Redeliver failed events from the bucket: once, oldest first, at a safe rate, resumable.

    Example: hookctl failover replay --since 2026-04-01T00:00Z --to https://example.com/hooks --dry-run
    """
    from hookctl.config.settings import require_credentials
    from hookctl.failover.follow import follow_since, parse_interval
    from hookctl.failover.ledger import JournalReader, default_journal
    from hookctl.failover.select import STATES, parse_choices
    from hookctl.failover.session import (
        ReplayJob,
        Stop,
        check_modes,
        open_journal,
        replay_options,
    )

    actx = app_context(ctx)
    if names_only and not dry_run:
        from hookctl.base.errors import UsageError

        raise UsageError(
            "--names-only plans a dry run: it needs --dry-run",
            "add --dry-run, or leave out --names-only to replay",
        )
    if names_only and reading.error_class:
        from hookctl.base.errors import UsageError

        raise UsageError(
            "--error-class selects by each envelope's recorded error: --names-only reads none",
            "leave out --names-only (the dry run then reads every envelope)",
        )
    check_filters(reading)
    check_modes(
        from_file=from_file,
        since=reading.since,
        scan=scope.scan,
        follow=follow,
        target=to,
        archive_to=archive_to,
        states=parse_choices(reading.state, STATES, "--state"),
        redeliver=redeliver,
        until=reading.until,
        journal=journal,
        no_journal=no_journal,
    )
    every = parse_interval(interval) if follow else 0.0  # bad input: before any request
    found = source_from(actx, reading)
    options = replay_options(
        found,
        target=to,
        dry_run=dry_run,
        names_only=names_only,
        redeliver=redeliver,
        archive_to=archive_to,
        limit=limit,
        concurrency=concurrency,
        rate=rate,
        max_bytes=scope.max_bytes,
        policy=retries.policy(),
        failures=failures,
        get_app=lambda: actx.client().get_app(),
    )
    chosen = selection_from(
        actx,
        found,
        scope,
        since=follow_since(reading.since, every) if follow else reading.since,
        until=None if follow else reading.until,
        types=reading.event_type,
        need_window=not (scope.scan or from_file),
        states=reading.state,
        error_classes=reading.error_class,
    )
    api_key, api_secret = ("", "") if dry_run else require_credentials(actx.settings())
    say_notes(actx, found)
    book = None if (no_journal or dry_run) else open_journal(journal, wait=wait)
    if book is not None:
        ctx.call_on_close(book.close)  # flush, close, and release the one-replay lock
    # a dry run writes no journal but plans what the run would send: it reads the same one
    ledger = (
        JournalReader.open(journal or default_journal()) if dry_run and not no_journal else None
    )
    if ledger is not None:
        ctx.call_on_close(ledger.close)
    job = ReplayJob(
        found,
        chosen,
        options,
        book,
        api_key=api_key,
        api_secret=api_secret,
        scan=scope.scan,
        from_file=from_file,
        ledger=ledger,
    )
    stop = Stop()
    if follow:
        raise typer.Exit(run_follow(actx, job, every, stop))
    if not dry_run and not yes:
        count = job.count()
        if count > CONFIRM_ABOVE:
            actx.console.require_confirmation(
                f"Replay {count} events from gs://{found.bucket} to "
                f"{to or 'their hooks’ current URLs'}?",
                yes=yes,
            )
    report = run_once(actx, job, stop)
    render_report(
        actx,
        report,
        as_json=as_json,
        journal=book is not None,
        failures=str(failures) if failures else None,
        limit=limit,
        known_hooks=[
            *found.known_hooks,
            *(options.destinations.hooks if options.destinations else []),
        ],
    )
    if report.stopped:
        raise typer.Exit(ExitStatus.INTERRUPTED)
    raise typer.Exit(ExitStatus.of(report.complete))


@contextlib.contextmanager
def signals_stop(stop: Stop) -> Iterator[None]:
    """While the block runs, SIGINT and SIGTERM are stop requests (first: graceful,
    second: abort) instead of KeyboardInterrupt and death."""
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda *_: stop.request()) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_once(actx: AppContext, job: ReplayJob, stop: Stop) -> ReplayReport:
    progress = Progress(actx)

    def stopping(in_flight: int) -> None:
        actx.console.say(f"stopping: waiting for {in_flight} in-flight deliveries (again to abort)")

    try:
        with signals_stop(stop):
            return job.run(stop, progress=progress, stopping=stopping)
    finally:
        progress.close()


def run_follow(actx: AppContext, job: ReplayJob, every: float, stop: Stop) -> ExitStatus:
    from hookctl.failover.views import round_line

    source = job.source
    console = actx.console

    def on_round(done: Round) -> None:
        console.say(round_line(done))

    def on_miss(missed: MissedRound) -> None:
        console.warn(
            f"{missed.at:%H:%M:%SZ} round failed ({missed.in_a_row} of {missed.limit} in a "
            f"row before giving up): {missed.error.message}; retrying in {every:g}s"
        )

    with signals_stop(stop):
        console.say(
            f"following gs://{source.bucket}/{source.path} every {every:g}s (Ctrl-C to stop)"
        )
        failed = job.follow(every, stop, on_round, on_miss)
    console.say("stopped following")
    return ExitStatus.of(failed == 0)


def render_report(
    actx: AppContext,
    report: ReplayReport,
    *,
    as_json: bool,
    journal: bool = False,
    failures: str | None = None,
    limit: int | None = None,
    known_hooks: Sequence[str] = (),
) -> None:
    from hookctl.failover.views import (
        next_lines,
        outcome_line,
        outcome_rows,
        plan_lines,
        plan_rows,
        report_warnings,
    )

    console = actx.console
    for warning in report_warnings(report):
        console.warn(warning)
    if as_json:
        console.json(report.as_json())
        return
    if report.plan is not None:
        console.table(["url", "event type", "events", "bytes"], plan_rows(report))
        for line in plan_lines(report, known_hooks):
            console.say(line)
        return
    console.table(["outcome", "events"], outcome_rows(report))
    for line in [
        outcome_line(report),
        *next_lines(report, journal=journal, failures=failures, limit=limit),
    ]:
        console.say(line)
