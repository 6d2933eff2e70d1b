"""``hookctl failover list``: failed events in the bucket, as rows or a summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.context import AppContext, app_context
from hookctl.cli.failover.common import say_notes, selection_from, source_from
from hookctl.cli.failover.options import (
    AllowUnknownTypes,
    BucketOpt,
    Credentials,
    CredentialsEnv,
    Endpoint,
    EventTypes,
    HookOpt,
    MaxBytes,
    ReadPath,
    Scan,
    Shard,
    ShardCount,
    Since,
    Until,
)

if TYPE_CHECKING:
    from hookctl.failover.inventory import Inventory


def list_objects(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    event_type: EventTypes = None,
    hook: HookOpt = None,
    bucket: BucketOpt = None,
    path: ReadPath = None,
    credentials_file: Credentials = None,
    credentials_env: CredentialsEnv = None,
    gcs_endpoint: Endpoint = None,
    scan: Scan = False,
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
    from hookctl.errors import UsageError
    from hookctl.failover.inventory import list_objects as run

    if by not in ("type", "hook", "url"):
        raise UsageError(f"--by {by!r} is not type, hook or url", "pass --by type, hook or url")
    if errors and not summary:
        raise UsageError("--errors counts error messages for --summary", "add --summary")

    actx = app_context(ctx)
    found = source_from(
        actx,
        hook=hook,
        bucket=bucket,
        path=path,
        credentials=credentials_file,
        credentials_env=credentials_env,
        gcs_endpoint=gcs_endpoint,
    )
    chosen = selection_from(
        actx,
        found,
        since=since,
        until=until,
        types=event_type,
        shard=shard,
        shard_count=shard_count,
        allow_unknown=allow_unknown,
        need_window=not scan,
    )
    say_notes(actx, found)
    stream = jsonl and not summary
    result = run(
        found,
        chosen,
        scan=scan,
        max_bytes=max_bytes,
        on_row=(lambda row: actx.console.jsonl(row.as_json())) if stream else None,
        keep_rows=not (stream or summary),
        envelopes=summary and (errors or by == "url"),
    )
    for skipped in result.listing.unrecognised + result.malformed:
        actx.console.warn(f"skipped {skipped.name}: {skipped.reason}")
    if summary:
        render_summary(actx, result, as_json=as_json or jsonl, by=by)
    elif jsonl:
        return  # the rows went out as they were found
    elif as_json:
        actx.console.json(result.as_json())
    else:
        actx.console.table(
            ["time", "event type", "hook", "bytes", "name"],
            [[r.as_json()["time"], r.event_type, r.hook_id, r.size, r.name] for r in result.rows],
        )
        actx.console.say(
            f"{len(result.rows)} event(s) in {len(result.listing.prefixes)} day prefix(es) "
            f"of gs://{found.bucket}" + _why(result)
        )


def render_summary(actx: AppContext, result: Inventory, *, as_json: bool, by: str = "type") -> None:
    from hookctl.failover.inventory import timeline

    totals = result.totals
    if as_json:
        actx.console.json(result.summary_json())
        return
    unit, buckets = timeline(totals, by)
    if buckets:
        if actx.console.out_tty:
            for line in chart(unit, buckets, by):
                actx.console.line(line)
        else:
            actx.console.table(
                [unit, "events", by],
                [
                    [b, sum(s.values()), " ".join(f"{k}={n}" for k, n in sorted(s.items()))]
                    for b, s in buckets
                ],
            )
    table = [["day", d, n] for d, n in sorted(totals.days.items())]
    table += [["event type", t, n] for t, n in totals.event_types.most_common()]
    table += [["hook", h, n] for h, n in totals.hooks.most_common()]
    table += [["url", u, n] for u, n in totals.urls.most_common()]
    actx.console.table(["by", "value", "events"], table)
    if result.envelopes:
        actx.console.table(["events", "error message"], [[n, m] for m, n in result.top_errors()])
    actx.console.say(
        f"{totals.count} event(s), {totals.bytes} bytes in "
        f"{len(result.listing.prefixes)} day prefix(es)" + _why(result)
    )


def _why(result: Inventory) -> str:
    why = result.listing.why_prefixes
    return f" ({why})" if why else ""


def chart(unit: str, buckets: list[tuple[str, dict[str, int]]], by: str) -> list[str]:
    """A bar per bucket, one letter per split key, and a legend: the outage's shape."""
    keys = sorted(
        {k for _, s in buckets for k in s}, key=lambda k: -sum(s.get(k, 0) for _, s in buckets)
    )
    marks = "█▓▒░#*+=o%@&"
    legend = {k: marks[i] if i < len(marks) else "." for i, k in enumerate(keys)}
    peak = max(sum(s.values()) for _, s in buckets) or 1
    per_column = max(peak / 50, 1.0)  # one column per event, until the peak needs 50+
    width = peak / per_column
    lines = [f"failed events per {unit} (split by {by}; one column ≈ {per_column:.3g} events)"]
    for bucket, split in buckets:
        total = sum(split.values())
        bar = ""
        for key in keys:
            n = split.get(key, 0)
            bar += legend[key] * (round(n * width / peak) if n else 0)
        if total and not bar:
            bar = legend[max(split, key=lambda k: split[k])]
        lines.append(f"{bucket:>17} {bar} {total}")
    lines.append("  ".join(f"{mark} {key}" for key, mark in legend.items()))
    return lines
