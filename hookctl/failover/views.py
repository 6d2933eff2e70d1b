"""What the ``failover list`` and ``failover replay`` verbs show, as plain rows and lines.

The CLI decides only where each goes (a table, a line on stdout, talk on stderr)
and how it looks; which rows, in which order, and what the closing sentence says
are decided here, so they can be tested without a terminal.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hookctl.base.errors import UsageError
from hookctl.base.plaintext import cut_middle, plural, size_text

if TYPE_CHECKING:
    from hookctl.failover.inventory import Inventory
    from hookctl.failover.outcome import ReplayReport
    from hookctl.failover.session import Round

Buckets = list[tuple[str, dict[str, int]]]

SPLIT_BY = ("type", "hook", "url")
LINE = 80  # lines of talk fit an 80-column terminal
STATE_ORDER = ("pending", "unknown", "delivered", "refused", "malformed")


# ---------------------------------------------------------------- failover list


def check_list_options(*, summary: bool, by: str, errors: bool, by_given: bool = False) -> None:
    """``--by`` names a split; it (when given) and ``--errors`` only go with ``--summary``."""
    if by not in SPLIT_BY:
        raise UsageError(f"--by {by!r} is not type, hook or url", "pass --by type, hook or url")
    if errors and not summary:
        raise UsageError("--errors counts error messages for --summary", "add --summary")
    if by_given and not summary:
        raise UsageError("--by splits the --summary chart", "add --summary")


def why(result: Inventory) -> str:
    """`` (why these prefixes were read)``, or nothing."""
    reason = result.listing.why_prefixes
    return f" ({reason})" if reason else ""


def time_header(time_from: set[str]) -> str:
    """The time column's header says where its times come from: the envelope's failed_at,
    the object name, or both (then name times are marked ``*``)."""
    from hookctl.failover.select import TIME_LABELS

    if time_from == {"failed_at"}:
        return TIME_LABELS["failed_at"]
    if time_from <= {"name"}:
        return TIME_LABELS["name"]
    return f"{TIME_LABELS['failed_at']} (* name)"


def listing_columns(result: Inventory) -> list[str]:
    return [
        time_header({r.time_from for r in result.rows}),
        "state",
        "event type",
        "hook",
        "bytes",
        "name",
    ]


def _time_cells(result: Inventory) -> list[str]:
    """Each row's time; when the column mixes both sources, name times end in ``*``."""
    from hookctl.failover.select import time_text

    mixed = len({r.time_from for r in result.rows}) > 1
    return [
        time_text(r.time) + ("*" if mixed and r.time_from == "name" else "") for r in result.rows
    ]


def listing_rows(result: Inventory) -> list[list[Any]]:
    """``time, state, event type, hook, bytes, name`` for each object found."""
    return [
        [t, r.state or "-", r.event_type, r.hook_id, r.size, r.name]
        for t, r in zip(_time_cells(result), result.rows, strict=True)
    ]


def object_columns(result: Inventory) -> list[str]:
    """A terminal's columns: the labelled time, the state, the short name."""
    return [time_header({r.time_from for r in result.rows}), "state", "object"]


def object_rows(result: Inventory, hook_ids: Iterable[str]) -> list[list[Any]]:
    """``time, state, object`` for a terminal: the object's short name (``shortname.py``),
    which holds event type and hook and is what ``failover object`` takes."""
    from hookctl.failover.shortname import hook_prefixes, short_name

    prefixes = hook_prefixes([*hook_ids, *(r.hook_id for r in result.rows)])
    return [
        [t, r.state or "-", short_name(r.name, r.hook_id, prefixes)]
        for t, r in zip(_time_cells(result), result.rows, strict=True)
    ]


OBJECT_HINT = "OBJECT: the end of each name; `hookctl failover object OBJECT` shows one"


def listing_lines(result: Inventory, bucket: str, path: str = "") -> list[str]:
    """What was listed, and why that many day prefixes: two lines that fit 80 columns."""
    where = f"gs://{bucket}/{path.strip('/')}".rstrip("/")
    lines = [f"{plural(len(result.rows), 'event')} in {where}"]
    days = plural(len(result.listing.prefixes), "day prefix", "day prefixes")
    lines.append(f"read {days}" + why(result))
    return lines


def fit(line: str, width: int = LINE) -> str:
    """A line of talk cut to ``width`` columns (the whole text is in ``--json``)."""
    return line if len(line) <= width else line[: width - 1] + "…"


def state_lines(result: Inventory, *, terminal: bool = True) -> list[str]:
    """After a listing, each line within 80 columns: the state counts, which journal
    said delivered (or that none could), why events are refused or malformed, and what
    was not checked. Off a ``terminal`` the journal's path is whole (to be copied)."""
    judge, totals = result.judge, result.totals
    if judge is None:
        return []
    counts = ", ".join(f"{totals.states[s]} {s}" for s in STATE_ORDER if totals.states[s])
    lines = [
        fit(f"states: {counts or 'no events'}"),
        judge.journal_line(LINE if terminal else None),
    ]
    lines += [fit(f"{state} {n}: {why}") for (state, why), n in totals.reasons.most_common(10)]
    lines += [fit(f"note: {note}") for note in judge.notes()]
    if not result.envelopes and totals.count:
        lines.append("note: names only; --envelopes also finds malformed events and other URLs")
    return lines


def timeline_rows(buckets: Buckets) -> list[list[Any]]:
    """``bucket, events, key=n …`` per time bucket (the chart, for pipes)."""
    return [
        [b, sum(s.values()), " ".join(f"{k}={n}" for k, n in sorted(s.items()))] for b, s in buckets
    ]


def totals_rows(result: Inventory) -> list[list[Any]]:
    """``by, value, events``: per state, per day (in order), then event type, hook and URL
    (most first)."""
    totals = result.totals
    table: list[list[Any]] = [
        ["state", s, totals.states[s]] for s in STATE_ORDER if totals.states[s]
    ]
    table += [["day", d, n] for d, n in sorted(totals.days.items())]
    table += [["event type", t, n] for t, n in totals.event_types.most_common()]
    table += [["hook", h, n] for h, n in totals.hooks.most_common()]
    table += [["url", u, n] for u, n in totals.urls.most_common()]
    return table


def summary_line(result: Inventory) -> str:
    totals = result.totals
    return (
        f"{plural(totals.count, 'event')}, {size_text(totals.bytes)} in "
        f"{plural(len(result.listing.prefixes), 'day prefix', 'day prefixes')}" + why(result)
    )


def backlog_name(result: Inventory) -> str:
    """What the chart draws: every failed event, or only those still to deliver."""
    if result.judge is None:
        return "failed events"
    return "pending events" if result.judge.journal is not None else "events (state unknown)"


def chart(unit: str, buckets: Buckets, by: str, what: str = "failed events") -> list[str]:
    """A bar per bucket, one letter per split key, and a legend: the outage's shape."""
    keys = sorted(
        {k for _, s in buckets for k in s}, key=lambda k: -sum(s.get(k, 0) for _, s in buckets)
    )
    marks = "█▓▒░#*+=o%@&"
    legend = {k: marks[i] if i < len(marks) else "." for i, k in enumerate(keys)}
    peak = max(sum(s.values()) for _, s in buckets) or 1
    per_column = max(peak / 50, 1.0)  # one column per event, until the peak needs 50+
    width = peak / per_column
    unit_events = "event" if per_column == 1 else "events"
    lines = [f"{what} per {unit} (split by {by}; one column ≈ {per_column:.3g} {unit_events})"]
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


# ---------------------------------------------------------------- failover replay


def report_warnings(report: ReplayReport) -> list[str]:
    """Objects skipped or refused, one line each, unrecognised names first."""
    lines = [f"skipped {s.name}: {s.reason}" for s in report.unrecognised]
    lines += [f"malformed {s.name}: {s.reason}" for s in report.malformed]
    lines += [f"refused {f.item.name}: {f.error}" for f in report.failures if f.refused]
    return lines


def plan_rows(report: ReplayReport) -> list[list[Any]]:
    """``url, event type, events, bytes`` of a dry run's plan."""
    return [[r.url, r.event_type, r.count, r.bytes] for r in report.plan or []]


def plan_lines(report: ReplayReport, known_hooks: Iterable[str] = ()) -> list[str]:
    """A dry run's closing sentence, then its first objects: each with the time
    ``failover list --envelopes`` and ``failover object`` show for it (the envelope's
    failed_at, labelled the same) and its short name (hooks told apart among
    ``known_hooks``, so it pastes into ``failover object``), within 80 columns."""
    from hookctl.failover.select import TIME_LABELS, time_text
    from hookctl.failover.shortname import hook_prefixes, short_name

    sel = report.selection

    def edge(when: datetime | None, none: str) -> str:
        return time_text(when.replace(microsecond=0)) if when else none

    count = plural(sum(r.count for r in report.plan or []), "event")
    if sel.until is None or sel.until > datetime.now(UTC):
        # no --until: the window's end is a day ahead of the clock (for names stamped
        # ahead of it); printing that end read as events failing until tomorrow
        window = f"since {edge(sel.since, 'the start')}"
    else:
        window = f"between {edge(sel.since, 'the start')} and {edge(sel.until, 'now')}"
    lines = [
        f"dry run: {count} failed {window}",
        "nothing was sent (without --dry-run, these are)",
    ]
    if report.stopped:  # an interrupted plan is not the backlog: "0 events" read as none left
        lines = [
            "dry run stopped early: the plan is partial, and nothing was sent",
            f"so far: {count} failed {window}",
            "run the dry run again for the whole plan",
        ]
    if not report.envelopes_read:
        lines.append("envelopes were not read (--names-only): malformed, forged or refused")
        lines.append("objects are reported by the replay, or by --dry-run without --names-only")
    first = report.first or []
    if first:
        label = TIME_LABELS[first[0].time_from]
        lines.append(f"first to send ({label}, object):")
    prefixes = hook_prefixes([*known_hooks, *(f.hook_id for f in first)])
    for sample in first:
        when = time_text(sample.failed_at)
        short = short_name(sample.name, sample.hook_id, prefixes)  # "…" pastes as a wildcard
        lines.append(f"  {when}  {cut_middle(short, LINE - 4 - len(when))}")
    return lines


def outcome_rows(report: ReplayReport) -> list[list[Any]]:
    """``outcome, events``: each count, with its breakdown by reason right under it
    (failed, refused, malformed; archived, when any, with why some were not)."""
    counts, reasons = report.counts, report.reasons

    def under(counter: str) -> list[list[Any]]:
        return [[f"  {reason}", n] for reason, n in reasons.get(counter, {}).items()]

    rows: list[list[Any]] = [
        ["delivered", counts.delivered],
        ["failed", counts.failed],
        *under("failed"),
        ["refused (not sent)", counts.refused],
        *under("refused"),
        ["already delivered (journal)", counts.already_delivered],
        ["malformed", counts.malformed],
        *under("malformed"),
        ["unrecognised names", counts.unrecognised],
        ["filtered out", counts.filtered],
    ]
    if counts.archived or reasons.get("archived"):
        rows += [["archived", counts.archived], *under("archived")]
    return rows


def outcome_line(report: ReplayReport) -> str:
    """The sentence after the table: nothing left, nothing matched, or the tally."""
    counts = report.counts
    if counts.selected == 0 and counts.already_delivered and not report.stopped:
        return (
            f"nothing left to replay: all {counts.already_delivered} already delivered "
            "(--redeliver sends them again)"
        )
    if counts.selected == 0 and not report.stopped:
        return "nothing to replay: no failed events matched the window and filters"
    return (
        f"{counts.delivered} delivered, {counts.failed} failed of {counts.selected} "
        f"selected in {report.elapsed_s:.1f}s" + (" (stopped early)" if report.stopped else "")
    )


def next_lines(
    report: ReplayReport, *, journal: bool, failures: str | None, limit: int | None = None
) -> list[str]:
    """What to do after the tally, each line within 80 columns (but a --failures path,
    which is whole to be copied): run it again (the
    journal skips what was delivered), retry only the failures (``--from-file``), or
    nothing: the window is drained."""
    counts = report.counts
    if counts.selected == 0 and not report.stopped:
        return []  # outcome_line said nothing is left, or nothing matched
    if not journal:
        rerun = "rerun it (no journal: every event is sent again)"
    elif counts.delivered:
        rerun = f"rerun it (the journal skips the {counts.delivered} delivered)"
    else:
        rerun = "rerun it"
    lines = []
    if report.stopped:
        lines.append(fit(f"next: {rerun}"))
    elif counts.failed:
        lines.append(fit(f"next: fix the endpoint, then {rerun}"))
        if failures:  # the path whole, on its own line: it is there to be copied
            lines.append(f"  or retry only the {counts.failed} failed:")
            lines.append(f"    hookctl failover replay --from-file {shlex.quote(failures)}")
    held = counts.refused + counts.malformed
    if held:
        lines.append(fit(f"{held} refused or malformed are never sent: the warnings above say why"))
    if report.stopped or counts.failed:
        return lines
    if limit is not None and counts.selected >= limit:
        lines.append(fit(f"next: --limit {limit} ended this run; {rerun}"))
    else:
        lines.append("next: nothing left to send; `hookctl failover status` confirms it")
    return lines


def round_line(done: Round) -> str:
    """One ``--follow`` round."""
    stats = done.stats
    return (
        f"{done.at:%H:%M:%SZ} new {stats.selected}, delivered {stats.delivered}, "
        f"failed {stats.failed}, malformed {len(stats.malformed)}, "
        f"backlog {stats.failed}"
    )
