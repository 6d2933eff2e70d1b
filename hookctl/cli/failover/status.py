"""``hookctl failover status``: is anything still to deliver? One line per hook; exit 0 or 1."""

from __future__ import annotations

import typer

from hookctl.base.errors import ExitStatus
from hookctl.cli import options as O
from hookctl.cli.context import app_context
from hookctl.cli.failover.common import (
    check_filters,
    judge_from,
    reading_selection,
    sources_from,
)
from hookctl.cli.failover.options import Ledger, Reading, Scope
from hookctl.cli.options import grouped


@grouped
def status(
    ctx: typer.Context,
    *,
    reading: Reading,
    scope: Scope,
    ledger: Ledger,
    as_json: O.Json = False,
) -> None:
    """Per hook with failover: events pending, delivered, refused and malformed in the
    window, and the oldest pending one's age. Exit 0 when nothing is pending, 1 when
    something is (or delivery state is unknown: no journal), 2 on bad input.

    Example: hookctl failover status --since 24h
    """
    from hookctl.failover.status import (
        check_status,
        status_columns,
        status_lines,
        status_rows,
    )

    check_filters(reading)
    actx = app_context(ctx)
    sources, notes = sources_from(actx, reading)
    chosen = reading_selection(actx, sources[0], scope, reading)
    report = check_status(
        sources,
        chosen,
        lambda source: judge_from(actx, source, ledger),
        scan=scope.scan,
        max_bytes=scope.max_bytes,
        notes=notes,
    )
    window = f"--since {reading.since}" if reading.since else "--scan"
    if reading.until:
        window += f" --until {reading.until}"

    def rerun(hook: object) -> str:
        who = getattr(hook, "hook_id", None)
        first = sources[0]
        target = f"--hook {who}" if who else f"--bucket {first.bucket} --path {first.path}"
        return f"replay them: hookctl failover replay {target} {window}"

    if as_json:
        actx.console.json(report.as_json())
    else:
        actx.console.table(status_columns(report), status_rows(report))
    for line in status_lines(report, rerun):
        actx.console.say(line)
    raise typer.Exit(ExitStatus.of(report.ok))
