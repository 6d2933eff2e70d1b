"""Internal: ``hookctl.api.list_failed_events`` and ``replay``, over ``hookctl.failover``."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hookctl.api import _connect
from hookctl.failover.session import Stop as _Stop

if TYPE_CHECKING:
    from hookctl.config.settings import Settings
    from hookctl.failover.replay import Replayer
    from hookctl.failover.select import Selection
    from hookctl.failover.source import Source

MAX_BYTES = 5 * 1024 * 1024  # an envelope larger than this is skipped (the CLI's default)


class Stop(_Stop):
    """A stop handle for a running ``replay``: call ``request()`` from any thread (or a
    signal handler, or the progress callback). The first request stops gracefully (no
    new deliveries; those in flight finish and the result is kept), the second aborts.
    A request made before the replay starts is seen when it starts. ``requested`` says
    whether one was made.

    Example::

        stop = Stop()
        threading.Timer(60, stop.request).start()  # at most a minute of replay
        result = replay(to="https://example.com/hooks", since="1h", stop=stop)
    """


@dataclass(frozen=True)
class FailedEvent:
    """One failed delivery in the failover bucket (``failover list --json``'s fields).

    ``time`` is the failure time; ``time_from`` says where it was read: ``"name"`` (the
    object name) or ``"failed_at"`` (the envelope). ``state`` is ``None`` for now: the
    delivery state (pending, delivered, refused, malformed) joins in a minor release
    without changing the other fields.
    """

    name: str
    generation: str
    size: int
    event_type: str
    hook_id: str
    time: datetime
    time_from: str
    state: str | None = None


@dataclass(frozen=True)
class FailedEvents:
    """What ``list_failed_events`` found: the events in listing order, and the objects
    it skipped as ``(name, reason)`` (not an event, or an unreadable envelope)."""

    bucket: str
    events: list[FailedEvent]
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ReplayProgress:
    """A running replay's counters, passed to ``progress`` a few times a second."""

    selected: int
    delivered: int
    failed: int
    refused: int
    already_delivered: int
    in_flight: int
    elapsed_s: float


@dataclass(frozen=True)
class ReplayResult:
    """How a replay ended. ``complete``: everything selected was delivered (a dry run:
    readable) and it was not stopped. ``counts`` and ``report`` are
    ``failover replay --json``'s ``counts`` and whole object; ``failed_by_reason``
    counts failed deliveries only (refusals are in ``report["reasons"]["refused"]``)."""

    complete: bool
    stopped: bool
    counts: dict[str, int]
    failed_by_reason: dict[str, int]
    report: dict[str, Any]


def list_failed_events(
    *,
    since: str | None = None,
    until: str | None = None,
    event_types: Sequence[str] = (),
    hook: str | None = None,
    bucket: str | None = None,
    path: str | None = None,
    credentials: str | os.PathLike[str] | None = None,
    gcs_endpoint: str | None = None,
    api_key: str | None = None,
    api_secret: str | None = None,
    base_url: str | None = None,
    profile: str | None = None,
    timeout: float | None = None,
) -> FailedEvents:
    """The failed events in a time window, as ``hookctl failover list`` finds them.

    ``since``/``until`` take what the CLI takes (``2026-04-01``, ``2026-04-01T12:00Z``,
    ``6h``; ``until`` defaults to now); ``event_types`` are exact wire names. The bucket
    is ``bucket``/``path``, else the failover_config of ``hook`` (or the app's one hook
    with failover), read with the Stream credentials. ``credentials``: a service-account
    key file, else the hook's key, else Application Default Credentials;
    ``gcs_endpoint`` (or ``HOOKCTL_GCS_ENDPOINT``) points at an emulator.

    Example::

        from hookctl.api import list_failed_events

        found = list_failed_events(bucket="my-failover", since="2026-04-01", until="2026-04-02")
        for event in found.events:
            print(event.time, event.event_type, event.hook_id, event.name)
    """
    from hookctl.failover.inventory import list_objects

    source, chosen, _ = _source(
        _connect.settings(
            api_key=api_key,
            api_secret=api_secret,
            base_url=base_url,
            profile=profile,
            timeout=timeout,
        ),
        since=since,
        until=until,
        event_types=event_types,
        hook=hook,
        bucket=bucket,
        path=path,
        credentials=credentials,
        gcs_endpoint=gcs_endpoint,
    )
    found = list_objects(source, chosen, max_bytes=MAX_BYTES)
    skipped = [(s.name, s.reason) for s in found.listing.unrecognised + found.malformed]
    events = [
        FailedEvent(
            r.name, r.generation, r.size, r.event_type, r.hook_id, r.time, r.time_from, None
        )
        for r in found.rows
    ]
    return FailedEvents(source.bucket, events, skipped)


def replay(
    *,
    to: str | None = None,
    since: str | None = None,
    until: str | None = None,
    event_types: Sequence[str] = (),
    hook: str | None = None,
    bucket: str | None = None,
    path: str | None = None,
    credentials: str | os.PathLike[str] | None = None,
    gcs_endpoint: str | None = None,
    dry_run: bool = False,
    redeliver: bool = False,
    limit: int | None = None,
    concurrency: int = 16,
    rate: float | None = None,
    journal: str | os.PathLike[str] | None = None,
    use_journal: bool = True,
    progress: Callable[[ReplayProgress], None] | None = None,
    stop: Stop | None = None,
    api_key: str | None = None,
    api_secret: str | None = None,
    base_url: str | None = None,
    profile: str | None = None,
    timeout: float | None = None,
) -> ReplayResult:
    """Redeliver the failed events of a window, as ``hookctl failover replay`` does:
    oldest first, signed with the app's secret, each event once (the journal remembers
    what was delivered, so running it again sends nothing twice), with Stream's retry
    policy.

    ``to`` sends everything to one URL; without it each event goes to its hook's current
    URL (an event whose hook is gone is refused, never sent where the bucket says).
    ``journal``: the journal file (default: the one in hookctl's data dir, shared with
    the CLI); ``use_journal=False`` keeps none. ``progress`` is called with the counters
    a few times a second, on the replay's own thread; ``stop`` ends it early. The other
    arguments are ``list_failed_events``'s. Bad input raises ``UsageError``; a failed
    delivery does not raise: it is counted (``complete`` is then false).

    Example::

        from hookctl.api import Stop, replay

        stop = Stop()
        result = replay(to="https://example.com/hooks", bucket="my-failover",
                        since="2026-04-01", until="2026-04-02", rate=50,
                        progress=lambda p: print(p.delivered, "of", p.selected), stop=stop)
        print(result.counts["delivered"], "delivered;", "done" if result.complete else "rerun")
    """
    from hookctl.config.settings import require_credentials
    from hookctl.failover.session import ReplayJob, check_modes, open_journal, replay_options
    from hookctl.webhooks.delivery import RetryPolicy

    check_modes(from_file=None, since=since, scan=False, follow=False, target=to, archive_to=None)
    found = _connect.settings(
        api_key=api_key, api_secret=api_secret, base_url=base_url, profile=profile, timeout=timeout
    )
    source, chosen, get_app = _source(
        found,
        since=since,
        until=until,
        event_types=event_types,
        hook=hook,
        bucket=bucket,
        path=path,
        credentials=credentials,
        gcs_endpoint=gcs_endpoint,
    )
    options = replay_options(
        source,
        target=to,
        dry_run=dry_run,
        redeliver=redeliver,
        limit=limit,
        concurrency=concurrency,
        rate=rate,
        max_bytes=MAX_BYTES,
        policy=RetryPolicy(),
        get_app=get_app,
    )
    key, secret = ("", "") if dry_run else require_credentials(found)
    book = None
    if use_journal and not dry_run:
        book = open_journal(Path(journal) if journal is not None else None)
    try:
        job = ReplayJob(source, chosen, options, book, api_key=key, api_secret=secret)
        report = job.run(stop or Stop(), progress=_progress(progress) if progress else None)
    finally:
        if book is not None:
            book.close()
    return ReplayResult(
        report.complete,
        report.stopped,
        asdict(report.counts),
        dict(report.failed_by_reason),
        report.as_json(),
    )


def _progress(callback: Callable[[ReplayProgress], None]) -> Callable[[Replayer], None]:
    def each(replayer: Replayer) -> None:
        s = replayer.stats
        callback(
            ReplayProgress(
                s.selected,
                s.delivered,
                s.failed,
                s.refused,
                s.already_delivered,
                s.in_flight,
                s.elapsed,
            )
        )

    return each


def _source(
    settings: Settings,
    *,
    since: str | None,
    until: str | None,
    event_types: Sequence[str],
    hook: str | None,
    bucket: str | None,
    path: str | None,
    credentials: str | os.PathLike[str] | None,
    gcs_endpoint: str | None,
) -> tuple[Source, Selection, Callable[[], dict[str, Any]]]:
    """The bucket, the selection and a reader of the app, as the CLI's options make them."""
    from hookctl.base.stdio import Stdin
    from hookctl.config.envvars import gcs_endpoint as endpoint_setting
    from hookctl.failover.keys import read_key
    from hookctl.failover.source import resolve_source, selection

    app: dict[str, Any] = {}
    hooks: list[dict[str, Any]] = []

    def get_app() -> dict[str, Any]:
        if not app:
            from hookctl.config.clients import stream_client

            with stream_client(settings, timeout=settings.timeout) as client:
                app.update(client.get_app())
                hooks[:] = client.hooks_of(app)  # also: their secrets are never shown
        return app

    def get_hooks() -> list[dict[str, Any]]:
        get_app()
        return hooks

    key = read_key(os.fspath(credentials), None, Stdin(None)) if credentials else None
    source = resolve_source(
        get_hooks,
        hook=hook,
        bucket=bucket,
        path=path,
        key=key,
        endpoint=endpoint_setting(gcs_endpoint),
        timeout=settings.timeout,
    )
    source.app = app or None
    chosen = selection(source, since=since, until=until, event_types=frozenset(event_types))
    return source, chosen, get_app
