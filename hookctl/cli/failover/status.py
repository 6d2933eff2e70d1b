"""``hookctl failover status``: is anything still to deliver? One line per hook; exit 0 or 1."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from hookctl.failover.status import HookStatus


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
    window, and the oldest pending one's age. Pending counts events of unknown delivery
    state (no journal yet): replay would send them. Exit 0 when nothing is pending, 1
    when something is, 2 on bad input.

    Example: hookctl failover status --since 24h
    """
    from hookctl.failover.state import LINE
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
    window = ["--since", reading.since] if reading.since else ["--scan"]
    if reading.until:
        window += ["--until", reading.until]

    def rerun(hook: HookStatus | None) -> str:
        """The replay command for ``hook``'s events; None: every hook's (one bucket)."""
        first = sources[0]
        if hook is None:
            who: list[str] = []
        elif hook.hook_id:
            who = ["--hook", hook.hook_id]
        else:
            who = ["--bucket", first.bucket, "--path", first.path]
        return shlex.join(["hookctl", "failover", "replay", *who, *window])

    if as_json:
        actx.console.json(report.as_json())
    else:
        terminal = actx.console.out_tty  # 80 columns: hook prefixes, no bucket
        known = sources[0].known_hooks
        rows = status_rows(report, terminal=terminal, known=known)
        actx.console.table(status_columns(terminal=terminal), rows)
    width = LINE if actx.console.err_tty else None  # off a terminal the path is whole
    for line in status_lines(report, rerun, path_width=width):
        actx.console.say(line)
    raise typer.Exit(ExitStatus.of(report.ok))
