"""``hookctl failover list``, ``show OBJECT`` and ``replay``: failed events in the bucket."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hookctl.cli import options as O
from hookctl.cli.common import event_types
from hookctl.cli.context import AppContext, app_context
from hookctl.cli.deliver import AttemptTimeout, Deadline, MaxAttempts, credentials, policy
from hookctl.cli.failover import Credentials, CredentialsEnv, Endpoint, endpoint, read_key
from hookctl.errors import EXIT_INTERRUPTED, UsageError

FOLLOW_LOOKBACK = 15 * 60  # --follow without --since also takes the last 15 minutes

if TYPE_CHECKING:
    from hookctl.failover.gcs import Bucket
    from hookctl.failover.keys import ServiceAccountKey
    from hookctl.failover.replay import Replayer
    from hookctl.failover.select import Finder, Selection

Since = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Start of the window: 2026-04-01, 2026-04-01T12:00Z, +02:00 offsets, or 30m/6h/3d ago (UTC).",
    ),
]
Until = Annotated[
    str | None,
    typer.Option(
        "--until", help="End of the window (default: now); a bare date includes that day."
    ),
]
EventTypes = Annotated[
    list[str] | None,
    typer.Option(
        "--event-type", "-e", help="Only these event types (repeat, or comma-separated; patterns)."
    ),
]
HookOpt = Annotated[
    str | None,
    typer.Option(
        "--hook",
        help="The hook whose failover bucket to read, and only its events "
        "(default: the only hook with failover).",
    ),
]
BucketOpt = Annotated[
    str | None,
    typer.Option("--bucket", help="Read this bucket directly instead of a hook's failover_config."),
]
PathOpt = Annotated[
    str | None, typer.Option("--path", help="The failover prefix in --bucket (gcs_path).")
]
Scan = Annotated[
    bool,
    typer.Option(
        "--scan", help="List every object under the path instead of the window's day prefixes."
    ),
]
Shard = Annotated[
    str | None,
    typer.Option(
        "--shard",
        metavar="I/N",
        help="Only objects whose name hashes to shard I of N (0-based). "
        "[env var: CLOUD_RUN_TASK_INDEX/CLOUD_RUN_TASK_COUNT, or JOB_COMPLETION_INDEX "
        "with --shard-count]",
    ),
]
ShardCount = Annotated[
    int | None,
    typer.Option(
        "--shard-count", min=1, help="N for JOB_COMPLETION_INDEX (Kubernetes indexed Jobs)."
    ),
]
MaxBytes = Annotated[
    int,
    typer.Option("--max-bytes", min=1, help="Skip (and report) objects larger than this."),
]
AllowUnknownTypes = Annotated[
    bool, typer.Option("--allow-unknown", help="Accept event types missing from the catalog.")
]


@dataclass
class Source:
    bucket: str
    path: str
    key: ServiceAccountKey | None
    endpoint: str | None
    known_hooks: list[str] = field(default_factory=list)
    hook_filter: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)


def resolve_source(
    actx: AppContext,
    *,
    hook: str | None,
    bucket: str | None,
    path: str | None,
    credentials_file: str | None,
    credentials_env: str | None,
    gcs_endpoint: str | None,
) -> Source:
    """Bucket, prefix and read key: from --bucket/--path, or from a hook's failover_config."""
    from hookctl.errors import ValidationFailed
    from hookctl.failover.inventory import pick_failover
    from hookctl.failover.keys import check_bucket, check_key, normalise_path

    url = endpoint(gcs_endpoint)
    key = (
        read_key(credentials_file, credentials_env)
        if (credentials_file or credentials_env)
        else None
    )
    if bucket:
        check_bucket(bucket)
        filters = frozenset({hook}) if hook else frozenset()
        return Source(bucket, normalise_path(path), key, url, list(filters), filters)
    if path:
        raise UsageError(
            "--path needs --bucket", "or leave both out to use the hook's failover_config"
        )
    hooks = actx.client().get_hooks()
    chosen = pick_failover(hooks, hook)
    config = chosen["failover_config"]
    source = Source(
        str(config.get("gcs_bucket", "")),
        normalise_path(config.get("gcs_path")),
        key,
        url,
        [str(h.get("id")) for h in hooks if h.get("id")],
        frozenset({str(chosen["id"])}) if hook else frozenset(),
    )
    if key is None and config.get("gcs_credentials"):
        try:
            source.key = check_key(
                str(config["gcs_credentials"]), source=f"hook {chosen['id']}'s gcs_credentials"
            )
        except ValidationFailed as exc:
            source.notes.append(
                f"the hook's key is not usable here ({exc.message}); "
                "using Application Default Credentials (or pass --credentials)"
            )
    return source


def selection(
    actx: AppContext,
    *,
    since: str | None,
    until: str | None,
    types: list[str] | None,
    source: Source,
    shard: str | None,
    shard_count: int | None,
    allow_unknown: bool,
    need_window: bool = True,
) -> Selection:
    from hookctl.failover.layout import window
    from hookctl.failover.select import Selection

    start: datetime | None = None
    stop: datetime | None = None
    if need_window or since or until:
        start, stop = window(since, until)
    wanted = event_types(actx, types, allow_unknown=allow_unknown) if types else []
    return Selection(
        start, stop, frozenset(wanted), source.hook_filter, shard_from_env(shard, shard_count)
    )


def shard_from_env(flag: str | None, count: int | None) -> tuple[int, int] | None:
    from hookctl.failover.layout import parse_shard

    if flag:
        return parse_shard(flag)
    env = os.environ
    if env.get("CLOUD_RUN_TASK_COUNT") and env.get("CLOUD_RUN_TASK_INDEX"):
        return parse_shard(f"{env['CLOUD_RUN_TASK_INDEX']}/{env['CLOUD_RUN_TASK_COUNT']}")
    if env.get("JOB_COMPLETION_INDEX"):
        if not count:
            raise UsageError(
                "JOB_COMPLETION_INDEX is set but the number of shards is unknown",
                "pass --shard-count N (the Job's completions)",
            )
        return parse_shard(f"{env['JOB_COMPLETION_INDEX']}/{count}")
    if count:
        raise UsageError("--shard-count needs JOB_COMPLETION_INDEX", "or pass --shard I/N")
    return None


def open_bucket(source: Source, connections: int = 32) -> Bucket:
    from hookctl.failover.gcs import Bucket, make_auth

    return Bucket(
        source.bucket,
        make_auth(source.key, source.endpoint),
        endpoint=source.endpoint,
        connections=connections,
    )


def make_finder(
    bucket: Bucket,
    source: Source,
    chosen: Selection,
    *,
    scan: bool = False,
    from_file: Path | None = None,
    exclude_prefix: str | None = None,
) -> Finder:
    from hookctl.events import load_catalog
    from hookctl.failover.select import Finder

    return Finder(
        bucket,
        chosen,
        path=source.path,
        known_hooks=source.known_hooks,
        event_types=load_catalog().names,
        scan=scan,
        from_file=from_file,
        exclude_prefix=exclude_prefix,
    )


def say_notes(actx: AppContext, source: Source) -> None:
    for note in source.notes:
        actx.console.say(f"note: {note}")


# ---------------------------------------------------------------- list


def list_objects(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    event_type: EventTypes = None,
    hook: HookOpt = None,
    bucket: BucketOpt = None,
    path: PathOpt = None,
    credentials_file: Credentials = None,
    credentials_env: CredentialsEnv = None,
    gcs_endpoint: Endpoint = None,
    scan: Scan = False,
    summary: Annotated[
        bool,
        typer.Option("--summary", help="Counts per day, event type and hook instead of objects."),
    ] = False,
    shard: Shard = None,
    shard_count: ShardCount = None,
    max_bytes: MaxBytes = 5 * 1024 * 1024,
    allow_unknown: AllowUnknownTypes = False,
    as_json: O.Json = False,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="One JSON object per line, as found.")
    ] = False,
) -> None:
    """List failed events in the failover bucket, reading only the window's day prefixes.

    Example: hookctl failover list --since 2026-04-01 --until 2026-04-03T12:00 -e message.new
    """
    from hookctl.failover.inventory import new_summary, rows
    from hookctl.failover.select import Skipped

    actx = app_context(ctx)
    source = resolve_source(
        actx,
        hook=hook,
        bucket=bucket,
        path=path,
        credentials_file=credentials_file,
        credentials_env=credentials_env,
        gcs_endpoint=gcs_endpoint,
    )
    chosen = selection(
        actx,
        since=since,
        until=until,
        types=event_type,
        source=source,
        shard=shard,
        shard_count=shard_count,
        allow_unknown=allow_unknown,
        need_window=not scan,
    )
    say_notes(actx, source)
    malformed: list[Skipped] = []
    found: list[Any] = []
    totals = new_summary()

    async def run() -> Finder:
        async with open_bucket(source) as gcs:
            finder = make_finder(gcs, source, chosen, scan=scan)
            async for row in rows(finder, max_bytes, malformed):
                totals.add(row)
                if jsonl and not summary:
                    actx.console.jsonl(row.as_json())
                elif not summary:
                    found.append(row)
            return finder

    finder = asyncio.run(run())
    listing = finder.listing
    for skipped in listing.unrecognised + malformed:
        actx.console.warn(f"skipped {skipped.name}: {skipped.reason}")
    if summary:
        data = {
            "count": totals.count,
            "bytes": totals.bytes,
            "days": dict(sorted(totals.days.items())),
            "event_types": dict(totals.event_types.most_common()),
            "hooks": dict(totals.hooks.most_common()),
            "malformed": [m.as_json() for m in malformed],
            "unrecognised": [u.as_json() for u in listing.unrecognised],
            "prefixes": len(listing.prefixes),
        }
        if as_json or jsonl:
            actx.console.json(data)
            return
        table = [["day", d, n] for d, n in sorted(totals.days.items())]
        table += [["event type", t, n] for t, n in totals.event_types.most_common()]
        table += [["hook", h, n] for h, n in totals.hooks.most_common()]
        actx.console.table(["by", "value", "events"], table)
        actx.console.say(
            f"{totals.count} event(s), {totals.bytes} bytes in {len(listing.prefixes)} day prefix(es)"
        )
        return
    if jsonl:
        return
    if as_json:
        actx.console.json(
            {
                "objects": [r.as_json() for r in found],
                "malformed": [m.as_json() for m in malformed],
                "unrecognised": [u.as_json() for u in listing.unrecognised],
                "prefixes": len(listing.prefixes),
            }
        )
        return
    actx.console.table(
        ["time", "event type", "hook", "bytes", "name"],
        [[r.as_json()["time"], r.event_type, r.hook_id, r.size, r.name] for r in found],
    )
    actx.console.say(
        f"{len(found)} event(s) in {len(listing.prefixes)} day prefix(es) of gs://{source.bucket}"
    )


# ---------------------------------------------------------------- show OBJECT


def show_object(
    actx: AppContext,
    name: str,
    *,
    hook: str | None,
    bucket: str | None,
    credentials_file: str | None,
    credentials_env: str | None,
    gcs_endpoint: str | None,
    as_json: bool,
) -> None:
    import json

    from hookctl.failover.inventory import read_object

    if name.startswith("gs://") and not bucket:
        bucket, _, name = name.removeprefix("gs://").partition("/")
    source = resolve_source(
        actx,
        hook=hook,
        bucket=bucket,
        path=None,
        credentials_file=credentials_file,
        credentials_env=credentials_env,
        gcs_endpoint=gcs_endpoint,
    )

    async def run() -> Any:
        async with open_bucket(source, connections=2) as gcs:
            return await read_object(gcs, name, 20 * 1024 * 1024)

    item, envelope, body, problem = asyncio.run(run())
    if problem is not None:
        excerpt = body[:300].decode("utf-8", "replace")
        if as_json:
            actx.console.json(
                {
                    "name": item.name,
                    "generation": item.generation,
                    "size": item.size,
                    "malformed": problem,
                    "excerpt": excerpt,
                }
            )
        else:
            actx.console.fields([("name", item.name), ("size", item.size), ("malformed", problem)])
            actx.console.line(excerpt)
        raise typer.Exit(1)
    assert envelope is not None
    data = envelope.model_dump(mode="json")
    if as_json:
        actx.console.json(
            {"name": item.name, "generation": item.generation, "size": item.size, "envelope": data}
        )
        return
    actx.console.fields(
        [
            ("name", item.name),
            ("generation", item.generation),
            ("size", item.size),
            ("event_type", envelope.event_type),
            ("hook", envelope.original_hook_id),
            ("url", envelope.original_webhook_url),
            ("failed_at", data["failed_at"]),
            ("error", envelope.error_message),
        ]
    )
    actx.console.line(json.dumps(envelope.payload, indent=2, ensure_ascii=False))


# ---------------------------------------------------------------- replay


class Progress:
    """Live counters on a terminal (stderr), plain lines every few seconds otherwise."""

    def __init__(self, actx: AppContext) -> None:
        self.console = actx.console
        self.live: Any = None
        self.last_line = 0.0
        if self.console.err_tty and not self.console.quiet:
            from rich.console import Console as RichConsole
            from rich.live import Live

            self.live = Live(
                "",
                console=RichConsole(file=self.console.err, no_color=not self.console.color),
                transient=True,
                refresh_per_second=4,
            )
            self.live.start()

    def __call__(self, replayer: Replayer) -> None:
        import time

        text = status_line(replayer)
        if self.live is not None:
            self.live.update(text)
        elif not self.console.quiet and time.monotonic() - self.last_line >= 5:
            self.last_line = time.monotonic()
            self.console.say(text)

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()


def status_line(replayer: Replayer) -> str:
    stats, listing = replayer.stats, replayer.finder.listing
    rate = stats.done / stats.elapsed if stats.elapsed > 0 else 0.0
    remaining = stats.selected - stats.done
    eta = ""
    if rate > 0 and remaining > 0 and listing.complete:  # totals known only then
        eta = f", ETA {remaining / rate:.0f}s"
    return (
        f"listed {listing.listed}, downloaded {stats.downloaded}, delivered {stats.delivered}, "
        f"failed {stats.failed}, skipped {stats.already_delivered}, "
        f"malformed {len(stats.malformed)} — {rate:.0f}/s{eta}"
    )


def replay(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    event_type: EventTypes = None,
    hook: HookOpt = None,
    bucket: BucketOpt = None,
    path: PathOpt = None,
    credentials_file: Credentials = None,
    credentials_env: CredentialsEnv = None,
    gcs_endpoint: Endpoint = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Deliver here instead of each event's original URL.")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Show the plan (counts, bytes, first objects); send nothing."
        ),
    ] = False,
    concurrency: Annotated[
        int,
        typer.Option("--concurrency", min=1, max=256, help="Deliveries (and downloads) in flight."),
    ] = 16,
    rate: Annotated[
        float,
        typer.Option(
            "--rate", min=0, help="At most this many deliveries per second (0: no limit)."
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
    scan: Scan = False,
    shard: Shard = None,
    shard_count: ShardCount = None,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow", help="Keep polling today's prefix and replay new events until stopped."
        ),
    ] = False,
    interval: Annotated[
        str, typer.Option("--interval", help="Poll interval for --follow, e.g. 30s, 2m.")
    ] = "30s",
    max_bytes: MaxBytes = 5 * 1024 * 1024,
    max_attempts: MaxAttempts = None,
    attempt_timeout: AttemptTimeout = 6.0,
    deadline: Deadline = 15.0,
    allow_unknown: AllowUnknownTypes = False,
    yes: O.Yes = False,
    as_json: O.Json = False,
) -> None:
    """Redeliver failed events from the bucket: once, oldest first, at a safe rate, resumable.

    Example: hookctl failover replay --since 2026-04-01T00:00Z --to https://example.com/hooks --dry-run
    """
    from hookctl.failover.replay import Options, write_failures

    actx = app_context(ctx)
    if from_file and (since or scan or follow):
        raise UsageError(
            "--from-file replays the objects in the file", "leave out --since/--scan/--follow"
        )
    if to is not None:
        from hookctl.validate import check_url

        check_url(to, what="--to")
    if archive_to is not None and not archive_to.strip("/"):
        raise UsageError("--archive-to needs a prefix", "e.g. --archive-to stream/replayed")
    source = resolve_source(
        actx,
        hook=hook,
        bucket=bucket,
        path=path,
        credentials_file=credentials_file,
        credentials_env=credentials_env,
        gcs_endpoint=gcs_endpoint,
    )
    if (
        archive_to
        and not scan
        and archive_to.strip("/") + "/" == (source.path + "/" if source.path else "")
    ):
        raise UsageError(
            "--archive-to must differ from the failover path", "e.g. --archive-to replayed"
        )
    every = parse_interval(interval) if follow else 0.0
    chosen = selection(
        actx,
        since=since if not (follow and not since) else f"{max(int(every), FOLLOW_LOOKBACK)}s",
        until=None if follow else until,
        types=event_type,
        source=source,
        shard=shard,
        shard_count=shard_count,
        allow_unknown=allow_unknown,
        need_window=not (scan or from_file),
    )
    api_key, api_secret = ("", "") if dry_run else credentials(actx)
    say_notes(actx, source)
    options = Options(
        target=to,
        dry_run=dry_run,
        redeliver=redeliver,
        archive_to=archive_to.strip("/") if archive_to else None,
        limit=limit,
        concurrency=concurrency,
        rate=rate or None,
        max_bytes=max_bytes,
        policy=policy(max_attempts, attempt_timeout, deadline),
    )
    book = None if (no_journal or dry_run) else open_journal(journal)
    runner = Runner(
        actx, source, options, book, api_key, api_secret, scan=scan, from_file=from_file
    )
    if follow:
        code = runner.follow(chosen, every)
        raise typer.Exit(code)
    if not dry_run and not yes:
        count = runner.count(chosen)
        if count > 1000:
            actx.console.require_confirmation(
                f"Replay {count} events from gs://{source.bucket} to {to or 'their original URLs'}?",
                yes=yes,
            )
    replayer = runner.once(chosen)
    if failures is not None:
        write_failures(failures, replayer.stats.failures)
    render_report(actx, replayer, as_json=as_json)
    if replayer.stats.stopped:
        raise typer.Exit(EXIT_INTERRUPTED)
    raise typer.Exit(0 if replayer.complete else 1)


def parse_interval(text: str) -> float:
    from hookctl.failover.layout import parse_when

    now = datetime.now(UTC)
    seconds = (
        (now - parse_when(text, now=now)).total_seconds() if text[-1:].isalpha() else float(text)
    )
    if seconds < 1:
        raise UsageError(f"--interval {text} is too short", "use at least 1s, e.g. 30s")
    return seconds


def open_journal(path: Path | None) -> Any:
    from hookctl.failover.journal import Journal
    from hookctl.settings import data_dir

    return Journal(path or data_dir() / "replay" / "journal.sqlite3")


@dataclass
class Runner:
    """Runs the async replay from the CLI, with signal handling and progress."""

    actx: AppContext
    source: Source
    options: Any
    journal: Any
    api_key: str
    api_secret: str
    scan: bool = False
    from_file: Path | None = None

    def _replayer(self, gcs: Bucket, chosen: Selection, progress: Any) -> Replayer:
        from hookctl.failover.replay import Replayer

        exclude = f"{self.options.archive_to}/" if self.options.archive_to else None
        finder = make_finder(
            gcs,
            self.source,
            chosen,
            scan=self.scan,
            from_file=self.from_file,
            exclude_prefix=exclude,
        )
        return Replayer(
            gcs,
            finder,
            self.journal,
            self.options,
            api_key=self.api_key,
            api_secret=self.api_secret,
            on_progress=progress,
        )

    def count(self, chosen: Selection) -> int:
        """Objects a run would consider (names only: no download), minus delivered ones."""
        from hookctl.failover.replay import ORIGINAL, object_key

        target = self.options.target or ORIGINAL

        async def run() -> int:
            async with open_bucket(self.source) as gcs:
                finder = make_finder(
                    gcs, self.source, chosen, scan=self.scan, from_file=self.from_file
                )
                n = 0
                async for candidate in finder.candidates():
                    if (
                        self.journal is None
                        or self.options.redeliver
                        or not self.journal.delivered(object_key(gcs.name, candidate.item), target)
                    ):
                        n += 1
                return n

        return asyncio.run(run())

    def once(self, chosen: Selection) -> Replayer:
        progress = Progress(self.actx)

        async def run() -> Replayer:
            async with open_bucket(self.source, self.options.concurrency * 2) as gcs:
                replayer = self._replayer(gcs, chosen, progress)
                with stop_on_signals(self.actx, replayer):
                    await replayer.run()
                return replayer

        try:
            return asyncio.run(run())
        finally:
            progress.close()

    def follow(self, chosen: Selection, every: float) -> int:
        """Poll the current day (and yesterday near midnight) until SIGINT/SIGTERM."""
        from hookctl.failover.select import Selection

        console = self.actx.console
        since = chosen.since or datetime.now(UTC)
        state = {"stop": False, "failed": 0}

        async def run() -> None:
            loop = asyncio.get_running_loop()
            wake = asyncio.Event()

            def halt() -> None:
                state["stop"] = True
                wake.set()
                if current is not None:
                    current.stop()

            current: Replayer | None = None
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, halt)
            console.say(
                f"following gs://{self.source.bucket}/{self.source.path} every {every:g}s (Ctrl-C to stop)"
            )
            async with open_bucket(self.source, self.options.concurrency * 2) as gcs:
                while not state["stop"]:
                    now = datetime.now(UTC)
                    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
                    start = max(
                        since,
                        midnight - timedelta(days=1)
                        if now - midnight < timedelta(seconds=every * 2 + 300)
                        else midnight,
                    )
                    window = Selection(
                        start,
                        now + timedelta(hours=1),
                        chosen.event_types,
                        chosen.hook_ids,
                        chosen.shard,
                    )
                    current = self._replayer(gcs, window, None)
                    await current.run()
                    stats = current.stats
                    state["failed"] = stats.failed + len(stats.malformed)
                    console.say(
                        f"{now:%H:%M:%SZ} new {stats.selected}, delivered {stats.delivered}, "
                        f"failed {stats.failed}, malformed {len(stats.malformed)}, "
                        f"backlog {stats.failed}"
                    )
                    current = None
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), timeout=every)

        asyncio.run(run())
        console.say("stopped following")
        return 0 if state["failed"] == 0 else 1


class stop_on_signals:  # a context manager, named like one
    """First SIGINT/SIGTERM: stop gracefully (in-flight deliveries finish). Second: abort."""

    def __init__(self, actx: AppContext, replayer: Replayer) -> None:
        self.actx = actx
        self.replayer = replayer
        self.task = asyncio.current_task()

    def _signal(self) -> None:
        if self.replayer.stats.stopped:
            if self.task is not None:
                self.task.cancel()
            return
        self.replayer.stop()
        self.actx.console.say(
            f"stopping: waiting for {self.replayer.stats.in_flight} in-flight deliveries "
            "(again to abort)"
        )

    def __enter__(self) -> stop_on_signals:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._signal)
        return self

    def __exit__(self, *exc: object) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def render_report(actx: AppContext, replayer: Replayer, *, as_json: bool) -> None:
    report = replayer.report()
    console = actx.console
    for skipped in replayer.finder.listing.unrecognised:
        console.warn(f"skipped {skipped.name}: {skipped.reason}")
    for skipped in replayer.stats.malformed:
        console.warn(f"malformed {skipped.name}: {skipped.reason}")
    if as_json:
        console.json(report)
        return
    counts = report["counts"]
    if replayer.options.dry_run:
        console.table(
            ["url", "event type", "events", "bytes"],
            [[r["url"], r["event_type"], r["count"], r["bytes"]] for r in report["plan"]],
        )
        sel = report["selection"]
        console.say(
            f"dry run: {sum(r['count'] for r in report['plan'])} event(s) between "
            f"{sel['since'] or 'the start'} and {sel['until'] or 'now'}; nothing was sent"
        )
        for first in report["first"]:
            console.say(f"  {first['failed_at']}  {first['event_type']}  {first['name']}")
        return
    rows = [
        ["delivered", counts["delivered"]],
        ["failed", counts["failed"]],
        *[[f"  {reason}", n] for reason, n in report["failed_by_reason"].items()],
        ["already delivered (journal)", counts["already_delivered"]],
        ["malformed", counts["malformed"]],
        ["unrecognised names", counts["unrecognised"]],
        ["filtered out", counts["filtered"]],
    ]
    if counts["archived"]:
        rows.append(["archived", counts["archived"]])
    console.table(["outcome", "events"], rows)
    console.say(
        f"{counts['delivered']} delivered, {counts['failed']} failed of {counts['selected']} "
        f"selected in {report['elapsed_s']:.1f}s"
        + (" (stopped early)" if report["stopped"] else "")
    )
