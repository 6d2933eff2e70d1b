"""``hookctl failover list``: failed events in the bucket, as rows or a summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.context import AppContext, app_context
from hookctl.cli.failover.common import (
    check_filters,
    judge_from,
    reading_selection,
    say_notes,
    source_from,
)
from hookctl.cli.failover.options import Ledger, Reading, Scope
from hookctl.cli.options import grouped

if TYPE_CHECKING:
    from hookctl.failover.inventory import Inventory


@grouped
def list_objects(
    ctx: typer.Context,
    *,
    reading: Reading,
    scope: Scope,
    ledger: Ledger,
    summary: Annotated[
        bool,
        typer.Option("--summary", help="Counts per day, event type and hook instead of objects."),
    ] = False,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="With --summary: split the per-hour chart by event type, hook or original "
            "webhook URL (type|hook|url; url downloads every envelope in the window).",
        ),
    ] = "type",
    errors: Annotated[
        bool,
        typer.Option(
            "--errors",
            help="With --summary: download every envelope in the window (one GET each, "
            "16 at a time) and show the 10 most common error messages (redacted).",
        ),
    ] = False,
    envelopes: Annotated[
        bool,
        typer.Option(
            "--envelopes",
            help="Download every envelope (one GET each, as replay does): states, times and "
            "error classes are then the ones replay would see.",
        ),
    ] = False,
    as_json: O.Json = False,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="One JSON object per line, as found.")
    ] = False,
) -> None:
    """List failed events in the failover bucket, each with its state: pending, delivered
    (per the replay journal), refused (with replay's reason) or malformed. Only the
    window's day prefixes are read.

    Example: hookctl failover list --since 2026-04-01 --until 2026-04-03T12:00 --state pending
    """
    from hookctl.failover.inventory import list_objects as run
    from hookctl.failover.views import (
        OBJECT_HINT,
        check_list_options,
        listing_columns,
        listing_lines,
        listing_rows,
        object_columns,
        object_rows,
        state_lines,
    )

    given = ctx.get_parameter_source("by")
    by_given = given is not None and given.name in ("COMMANDLINE", "ENVIRONMENT")
    check_list_options(summary=summary, by=by, errors=errors, by_given=by_given)
    check_filters(reading)

    actx = app_context(ctx)
    found = source_from(actx, reading)
    chosen = reading_selection(actx, found, scope, reading)
    judge = judge_from(actx, found, ledger)
    ctx.call_on_close(judge.close)
    say_notes(actx, found)
    stream = jsonl and not summary
    result = run(
        found,
        chosen,
        scan=scope.scan,
        max_bytes=scope.max_bytes,
        on_row=(lambda row: actx.console.jsonl(row.as_json())) if stream else None,
        keep_rows=not (stream or summary),
        envelopes=envelopes
        or bool(chosen.states or chosen.error_classes)
        or (summary and (errors or by == "url")),
        judge=judge,
    )
    for skipped in result.listing.unrecognised + result.malformed:
        actx.console.warn(f"skipped {skipped.name}: {skipped.reason}")
    if summary:
        render_summary(actx, result, as_json=as_json or jsonl, by=by)
        return
    if jsonl:
        pass  # the rows went out as they were found
    elif as_json:
        actx.console.json(result.as_json())
    elif actx.console.out_tty:  # 80 columns: the name's telling end, to paste
        actx.console.table(object_columns(result), object_rows(result, found.known_hooks))
        hint = [OBJECT_HINT] if result.rows else []
        for line in [*listing_lines(result, found.bucket, found.path), *hint]:
            actx.console.say(line)
    else:
        actx.console.table(listing_columns(result), listing_rows(result))
        for line in listing_lines(result, found.bucket, found.path):
            actx.console.say(line)
    for line in state_lines(result, terminal=actx.console.err_tty):
        actx.console.say(line)


def render_summary(actx: AppContext, result: Inventory, *, as_json: bool, by: str = "type") -> None:
    from hookctl.failover.tally import timeline
    from hookctl.failover.views import (
        backlog_name,
        chart,
        state_lines,
        summary_line,
        timeline_rows,
        totals_rows,
    )

    if as_json:
        actx.console.json(result.summary_json())
        for line in state_lines(result, terminal=actx.console.err_tty):
            actx.console.say(line)
        return
    unit, buckets = timeline(result.totals, by)
    if buckets:
        if actx.console.out_tty:
            for line in chart(unit, buckets, by, backlog_name(result)):
                actx.console.line(line)
        else:
            actx.console.table([unit, "events", by], timeline_rows(buckets))
    actx.console.table(["by", "value", "events"], totals_rows(result))
    if result.envelopes:
        actx.console.table(["events", "error message"], [[n, m] for m, n in result.top_errors()])
    actx.console.say(summary_line(result))
    for line in state_lines(result, terminal=actx.console.err_tty):
        actx.console.say(line)
