"""What the ``failover`` verbs share: turning their options into a source and a selection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hookctl.cli.common import event_types
from hookctl.cli.context import AppContext

if TYPE_CHECKING:
    from hookctl.cli.failover.options import Ledger, Reading, Scope
    from hookctl.failover.keys import ServiceAccountKey
    from hookctl.failover.probe import ProbeReport
    from hookctl.failover.select import Selection
    from hookctl.failover.source import Source
    from hookctl.failover.state import Judge
    from hookctl.hooks.array import Hook


def read_key(
    actx: AppContext, credentials: str | None, credentials_env: str | None
) -> ServiceAccountKey:
    from hookctl.failover.keys import read_key as read

    return read(credentials, credentials_env, actx.console.stdin)


def endpoint(flag: str | None) -> str | None:
    from hookctl.config.settings import gcs_endpoint

    return gcs_endpoint(flag)


class _Where:
    """What ``source_from``/``sources_from`` pass on: the key, the endpoint, and the app's
    hooks read at most once (``app``: as read, so replay's destinations reuse it)."""

    def __init__(self, actx: AppContext, where: Reading) -> None:
        creds, creds_env = where.credentials_file, where.credentials_env
        self.actx = actx
        self.app: Hook | None = None
        self.args: dict[str, Any] = {
            "hook": where.hook,
            "bucket": where.bucket,
            "path": where.path,
            "key": read_key(actx, creds, creds_env) if (creds or creds_env) else None,
            "endpoint": endpoint(where.gcs_endpoint),
            "timeout": actx.timeout,
        }

    def hooks(self) -> list[Hook]:
        client = self.actx.client()
        self.app = client.get_app()
        return client.hooks_of(self.app)


def source_from(actx: AppContext, where: Reading) -> Source:
    from hookctl.failover.source import resolve_source

    given = _Where(actx, where)
    found = resolve_source(given.hooks, **given.args)
    found.app = given.app  # replay's destinations reuse it: one GET per run
    check_emulator(actx, found)
    return found


def sources_from(actx: AppContext, where: Reading) -> tuple[list[Source], list[str]]:
    """``failover status``: ``--bucket``, ``--hook``, or every hook with GCS failover (the
    app read once), and notes on hooks left out."""
    from hookctl.failover.status import failover_sources

    given = _Where(actx, where)
    sources, notes = failover_sources(given.hooks, **given.args)
    for source in sources:
        source.app = given.app
        notes += [n for n in source.notes if n not in notes]
        check_emulator(actx, source)
    return sources, notes


def check_emulator(actx: AppContext, found: Source) -> None:
    """A forgotten HOOKCTL_GCS_ENDPOINT: said now (exit 2), not after DNS."""
    if found.endpoint is None:
        from hookctl.failover.emulator import check_bucket, check_key

        check_key(found.key, None, actx.settings().base_url)
        if found.from_hook:
            check_bucket(found.bucket, None, actx.settings().base_url)


def reading_selection(actx: AppContext, found: Source, scope: Scope, where: Reading) -> Selection:
    """The selection ``failover list`` and ``status`` read: window, types, states, classes."""
    return selection_from(
        actx,
        found,
        scope,
        since=where.since,
        until=where.until,
        types=where.event_type,
        need_window=not scope.scan,
        states=where.state,
        error_classes=where.error_class,
    )


def selection_from(
    actx: AppContext,
    found: Source,
    scope: Scope,
    *,
    since: str | None,
    until: str | None,
    types: list[str] | None,
    need_window: bool = True,
    states: list[str] | None = None,
    error_classes: list[str] | None = None,
) -> Selection:
    from hookctl.config.settings import shard as pick_shard
    from hookctl.failover.select import ERROR_CLASSES, STATES, parse_choices
    from hookctl.failover.source import selection as select

    wanted = (
        event_types(actx, types, allow_unknown=scope.allow_unknown, filtering=True) if types else []
    )
    return select(
        found,
        since=since,
        until=until,
        event_types=frozenset(wanted),
        shard=pick_shard(scope.shard, scope.shard_count),
        states=parse_choices(states, STATES, "--state"),
        error_classes=parse_choices(error_classes, ERROR_CLASSES, "--error-class"),
        need_window=need_window,
    )


def check_filters(reading: Reading) -> None:
    """``--state``/``--error-class`` values, checked before any request (exit 2)."""
    from hookctl.failover.select import ERROR_CLASSES, STATES, parse_choices

    parse_choices(reading.state, STATES, "--state")
    parse_choices(reading.error_class, ERROR_CLASSES, "--error-class")


def judge_from(actx: AppContext, found: Source, ledger: Ledger) -> Judge:
    """The states ``failover list``/``status`` show: the journal replay would read, and the
    app's hooks when Stream credentials are set (otherwise refusals are not checked)."""
    from hookctl.failover.ledger import check_journal_choice
    from hookctl.failover.state import judge_for

    check_journal_choice(ledger.journal, ledger.no_journal)
    settings = actx.settings()
    readable = bool(settings.api_key and settings.api_secret)
    return judge_for(
        found,
        to=ledger.to,
        journal=ledger.journal,
        use_journal=not ledger.no_journal,
        get_app=(lambda: actx.client().get_app()) if readable else None,
    )


def say_notes(actx: AppContext, found: Source) -> None:
    for note in found.notes:
        actx.console.say(f"note: {note}")


def render_probe(actx: AppContext, report: ProbeReport, *, as_json: bool) -> None:
    if as_json:
        actx.console.json(report.as_json())
    else:
        actx.console.table(
            ["permission", "status", "detail"],
            [[c.permission, c.status, c.detail] for c in report.checks],
        )
    for note in report.notes:
        actx.console.say(f"note: {note}")
    for fix in report.fixes:
        actx.console.say(f"fix: {fix}")
