"""``failover status``: for each hook with failover, what is still to deliver in a window.

One listing per hook (names only, like ``failover list`` without ``--envelopes``),
each object judged by ``state.Judge`` against the journal replay keeps: pending,
delivered, refused, malformed, or unknown when there is no journal. The verdict is
for scripts and alerts: ``ok`` when nothing in the window is pending (or of unknown
state). Refused and malformed events are shown but do not count: replay will never
send them, so no rerun drains them (they need ``--to`` or a look at the object).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hookctl.base.errors import UsageError
from hookctl.base.plaintext import plural
from hookctl.failover.keys import ServiceAccountKey
from hookctl.failover.select import (
    DELIVERED,
    MALFORMED,
    PENDING,
    REFUSED,
    UNKNOWN,
    Selection,
    time_text,
)
from hookctl.failover.source import GetHooks, Source, resolve_source
from hookctl.failover.tally import Summary

if TYPE_CHECKING:
    from hookctl.failover.state import Judge

COLUMNS = (PENDING, UNKNOWN, DELIVERED, REFUSED, MALFORMED)


@dataclass
class HookStatus:
    """One hook's failover bucket, as of ``at``."""

    hook_id: str | None  # None: a bucket read with --bucket and no --hook
    bucket: str
    path: str
    counts: dict[str, int]
    oldest: datetime | None  # the oldest event still to deliver (pending or unknown)
    journal: str | None
    journal_found: bool
    at: datetime

    @property
    def outstanding(self) -> int:
        return self.counts.get(PENDING, 0) + self.counts.get(UNKNOWN, 0)

    @property
    def oldest_age_s(self) -> int | None:
        return None if self.oldest is None else max(0, int((self.at - self.oldest).total_seconds()))

    def as_json(self) -> dict[str, Any]:
        return {
            "hook_id": self.hook_id,
            "bucket": self.bucket,
            "path": self.path,
            **{state: self.counts.get(state, 0) for state in COLUMNS},
            "oldest_pending": _iso(self.oldest),
            "oldest_pending_age_s": self.oldest_age_s,
            "journal": self.journal,
            "journal_found": self.journal_found,
        }


@dataclass
class StatusReport:
    selection: Selection
    hooks: list[HookStatus] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def outstanding(self) -> int:
        return sum(h.outstanding for h in self.hooks)

    @property
    def ok(self) -> bool:
        """Nothing in the window is waiting to be delivered (exit 0)."""
        return self.outstanding == 0

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "window": self.selection.as_json(),
            "hooks": [h.as_json() for h in self.hooks],
            "totals": {s: sum(h.counts.get(s, 0) for h in self.hooks) for s in COLUMNS},
            "notes": self.notes,
        }


def failover_sources(
    get_hooks: GetHooks,
    *,
    hook: str | None,
    bucket: str | None,
    path: str | None,
    key: ServiceAccountKey | None,
    endpoint: str | None,
    timeout: float,
) -> tuple[list[Source], list[str]]:
    """What ``status`` reads: ``--bucket``, ``--hook``, or every hook with GCS failover
    (the app is read once). Returns the sources and notes on hooks left out."""
    where: dict[str, Any] = {"path": path, "key": key, "endpoint": endpoint, "timeout": timeout}
    if bucket or hook:
        return [resolve_source(get_hooks, hook=hook, bucket=bucket, **where)], []
    hooks = get_hooks()
    with_failover = [h for h in hooks if h.get("failover_config")]
    if not with_failover:
        raise UsageError(
            "no hook of this app has failover configured",
            "pass --bucket (and --path) to read a bucket directly",
        )
    sources, notes = [], []
    for item in with_failover:
        try:
            sources.append(
                resolve_source(lambda: hooks, hook=str(item.get("id")), bucket=None, **where)
            )
        except UsageError as exc:  # e.g. an S3 failover_config: shown, not fatal
            notes.append(exc.message)
    return sources, notes


def hook_status(source: Source, totals: Summary, journal: Path | None, found: bool) -> HookStatus:
    """One hook's line from its listing's totals."""
    counts = dict(totals.states)
    oldest = [totals.oldest[s] for s in (PENDING, UNKNOWN) if s in totals.oldest]
    return HookStatus(
        hook_id=next(iter(source.hook_filter), None),
        bucket=source.bucket,
        path=source.path,
        counts=counts,
        oldest=min(oldest) if oldest else None,
        journal=str(journal) if journal else None,
        journal_found=found,
        at=datetime.now(UTC),
    )


def age_text(seconds: int | None) -> str:
    """``3d 4h``, ``2h 5m``, ``12m``, ``40s``; ``-`` for none."""
    if seconds is None:
        return "-"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m" if minutes else f"{secs}s"


def _states() -> list[str]:
    """The table's state columns. ``pending`` counts what replay would send, events of
    unknown state (no journal) included, as ``--state pending`` selects them: a hook
    whose events were never replayed reads "100 pending", not "0 pending, 100 unknown"
    (which reads as drained). The line after the table says how many are unknown."""
    return [PENDING, DELIVERED, REFUSED, MALFORMED]


def status_columns(*, terminal: bool = False) -> list[str]:
    """The table's header. On a terminal (80 columns) without the bucket, and the age
    column is ``oldest``; piped, every column, whole."""
    if terminal:
        return ["hook", *_states(), "oldest"]
    return ["hook", "bucket", *_states(), "oldest pending"]


def status_rows(
    report: StatusReport, *, terminal: bool = False, known: Iterable[str] = ()
) -> list[list[Any]]:
    """One row per hook, in ``status_columns`` order. On a terminal a hook is its shortest
    prefix (8+ characters) no other of the app's hooks (``known``) starts with."""
    from hookctl.failover.shortname import hook_prefixes

    ids = [h.hook_id for h in report.hooks if h.hook_id]
    prefixes = hook_prefixes([*known, *ids]) if terminal else {}
    rows = []
    for h in report.hooks:
        hook = prefixes.get(h.hook_id, h.hook_id) if h.hook_id else "-"
        bucket = [] if terminal else [f"gs://{h.bucket}/{h.path}".rstrip("/")]
        counts = [h.outstanding, *(h.counts.get(s, 0) for s in (DELIVERED, REFUSED, MALFORMED))]
        rows.append([hook, *bucket, *counts, age_text(h.oldest_age_s)])
    return rows


def one_bucket(report: StatusReport) -> bool:
    """Every hook in the report fails over to the same bucket and path: one replay
    without ``--hook`` reads them all."""
    return len({(h.bucket, h.path) for h in report.hooks}) == 1 and all(
        h.hook_id for h in report.hooks
    )


def status_lines(
    report: StatusReport,
    rerun: Callable[[HookStatus | None], str],
    *,
    path_width: int | None = None,
) -> list[str]:
    """What to do next: nothing, or the replay command to paste (split with ``\\`` to
    fit 80 columns; ``rerun(None)``: one command for every hook, when they share a
    bucket), or where the journal was looked for. Lines are wrapped between words,
    never cut, so whatever they name can be copied; ``path_width`` (on a terminal)
    cuts the journal's path in the middle to fit, off a terminal it is whole."""
    import textwrap

    from hookctl.base.helpwrap import continued
    from hookctl.failover.state import LINE, shown_path

    def wrap(text: str) -> list[str]:
        return textwrap.wrap(text, LINE, break_long_words=False, break_on_hyphens=False)

    def command(text: str) -> list[str]:
        return continued(text, LINE, first="  ")

    lines = [line for n in report.notes for line in wrap(f"note: {n}")]
    unknown = [h for h in report.hooks if h.counts.get(UNKNOWN)]
    if unknown:
        count = plural(sum(h.counts[UNKNOWN] for h in unknown), "event")
        where = unknown[0].journal
        if where:
            lines.append(f"{count} counted as pending: delivery state unknown, no journal at")
            path = Path(where)
            lines.append("  " + (shown_path(path, path_width - 2) if path_width else str(path)))
            lines.append("(no replay kept one there yet; one kept elsewhere: --journal FILE)")
        else:
            lines += wrap(f"{count} counted as pending: no journal read (--no-journal)")
    waiting = [h for h in report.hooks if h.outstanding]
    together = len(waiting) > 1 and one_bucket(report)
    for h in waiting:
        lines += wrap(
            f"{h.outstanding} pending for hook {h.hook_id or '-'} (oldest "
            f"{age_text(h.oldest_age_s)} ago){'' if together else ':'}"
        )
        if not together:
            lines += command(rerun(h))
    if len(waiting) > 1 and one_bucket(report):
        lines.append(f"replay all {plural(report.outstanding, 'event')} (one bucket, every hook):")
        lines += command(rerun(None))
    held = sum(h.counts.get(REFUSED, 0) + h.counts.get(MALFORMED, 0) for h in report.hooks)
    if held:
        lines.append(f"{held} refused or malformed: replay never sends them; to see why:")
        lines += command("hookctl failover list --state refused,malformed")
    if report.ok:
        delivered = sum(h.counts.get(DELIVERED, 0) for h in report.hooks)
        lines.append(f"nothing pending in the window ({delivered} delivered)")
    return lines


def _iso(when: datetime | None) -> str | None:
    return time_text(when) if when else None


def check_status(
    sources: list[Source],
    chosen: Selection,
    judge_of: Callable[[Source], Judge],
    *,
    scan: bool,
    max_bytes: int,
    notes: list[str],
) -> StatusReport:
    """List each source's window (names only, unless ``--state``/``--error-class`` need
    the envelopes) and judge every object: one line per hook."""
    from hookctl.failover.inventory import list_objects

    report = StatusReport(replace(chosen, hook_ids=frozenset()), notes=list(notes))
    for source in sources:
        judge = judge_of(source)
        try:
            result = list_objects(
                source,
                replace(chosen, hook_ids=source.hook_filter),
                scan=scan,
                max_bytes=max_bytes,
                keep_rows=False,
                envelopes=bool(chosen.states or chosen.error_classes),
                judge=judge,
            )
        finally:
            judge.close()
        report.notes += [n for n in judge.notes() if n not in report.notes]
        report.hooks.append(
            hook_status(source, result.totals, judge.journal_path, judge.journal is not None)
        )
    return report
