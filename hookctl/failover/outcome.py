"""What a replay run produced: counters while it runs, the report when it ends.

``ReplayReport.as_json`` is the stable ``failover replay --json`` shape (documented
in the README); its field names are an API. ``FailureLog`` streams the NDJSON
that ``replay --from-file`` reads back, one failure at a time, during a run.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from hookctl.base.errors import HookctlError
from hookctl.base.redact import mask_passwords
from hookctl.failover.gcs import Listed
from hookctl.failover.select import Listing, Selection, Skipped, time_text
from hookctl.webhooks.delivery import DeliveryResult


@dataclass
class Failure:
    item: Listed
    bucket: str
    event_type: str
    hook_id: str
    url: str
    webhook_id: str
    status: int | None
    error: str
    attempts: int
    refused: bool = False  # not sent: the destination policy said no (targets.py)

    def as_json(self) -> dict[str, Any]:
        return {
            "bucket": self.bucket,
            "name": self.item.name,
            "generation": self.item.generation,
            "size": self.item.size,
            "event_type": self.event_type,
            "hook_id": self.hook_id,
            "url": self.url,
            "webhook_id": self.webhook_id,
            "status": self.status,
            "error": self.error,
            "attempts": self.attempts,
            "refused": self.refused,
        }


@dataclass
class PlanRow:
    """A dry run's plan: events and bytes per (URL, event type)."""

    url: str
    event_type: str
    count: int = 0
    bytes: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "event_type": self.event_type,
            "count": self.count,
            "bytes": self.bytes,
        }


@dataclass(frozen=True)
class PlanSample:
    """One of the first objects a dry run would send."""

    name: str
    event_type: str
    failed_at: datetime
    url: str
    bytes: int
    hook_id: str = ""
    time_from: str = "failed_at"  # "name": a names-only plan's time (failed_at unread)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "event_type": self.event_type,
            "failed_at": time_text(self.failed_at),
            "time": time_text(self.failed_at),  # as failover list --json rows have it
            "time_from": self.time_from,
            "url": self.url,
            "bytes": self.bytes,
        }


@dataclass
class Stats:
    started: float = field(default_factory=time.monotonic)
    selected: int = 0
    downloaded: int = 0
    delivered: int = 0
    failed: int = 0
    refused: int = 0
    already_delivered: int = 0
    out_of_window: int = 0
    archived: int = 0
    gone: int = 0
    in_flight: int = 0
    bytes: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # why deliveries failed
    refusals: Counter[str] = field(default_factory=Counter)  # why objects were not sent
    archive_errors: Counter[str] = field(default_factory=Counter)  # delivered, not archived
    failures: list[Failure] = field(default_factory=list)  # the first KEEP_FAILURES
    malformed: list[Skipped] = field(default_factory=list)
    plan: dict[tuple[str, str], PlanRow] = field(default_factory=dict)
    first: list[PlanSample] = field(default_factory=list)
    stopped: bool = False

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def done(self) -> int:
        return self.delivered + self.failed


BROKEN_DOWN = ("failed", "refused", "malformed", "archived")  # counters with a breakdown
REASON_LIMIT = 200  # characters of a failed_by_reason key (README: "Output")


def reason_key(text: str, limit: int = REASON_LIMIT) -> str:
    """A ``failed_by_reason`` key: the reason whole, or, past ``limit`` characters,
    cut at a word boundary and ended with an ellipsis (never mid-word)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def reason_of(result: DeliveryResult) -> str:
    if result.status is not None and not 200 <= result.status < 300:
        return f"HTTP {result.status}"
    error = result.error or "failed"
    return reason_key(error.split(" (gave up")[0].split(": ")[0])


@dataclass(frozen=True)
class Counts:
    listed: int
    selected: int
    delivered: int
    failed: int
    refused: int
    already_delivered: int
    malformed: int
    unrecognised: int
    filtered: int
    other_shards: int
    archived: int
    gone: int


@dataclass(frozen=True)
class ReplayReport:
    """One run, as the CLI renders it and ``--json`` prints it."""

    bucket: str
    selection: Selection
    target: str | None
    dry_run: bool
    stopped: bool
    prefixes: int
    list_calls: int
    counts: Counts
    failed_by_reason: dict[str, int]
    failures: list[Failure]
    malformed: list[Skipped]
    unrecognised: list[Skipped]
    bytes: int
    elapsed_s: float
    complete: bool  # everything selected was delivered (dry run: readable); not stopped
    plan: list[PlanRow] | None = None  # dry runs only
    first: list[PlanSample] | None = None  # dry runs only
    # each counter's breakdown under the counter's own name: failed, refused, malformed,
    # archived (why a delivered event was not archived); ``failed_by_reason`` is "failed"
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)
    envelopes_read: bool = True  # False: a plan from the listing alone (--names-only)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "bucket": self.bucket,
            "selection": self.selection.as_json(),
            "target": self.target,
            "dry_run": self.dry_run,
            "stopped": self.stopped,
            "prefixes": self.prefixes,
            "list_calls": self.list_calls,
            "counts": asdict(self.counts),
            "failed_by_reason": self.failed_by_reason,
            "reasons": {key: self.reasons.get(key, {}) for key in BROKEN_DOWN},
            "failures": [f.as_json() for f in self.failures],
            "malformed": [m.as_json() for m in self.malformed],
            "unrecognised": [u.as_json() for u in self.unrecognised],
            "bytes": self.bytes,
            "elapsed_s": self.elapsed_s,
            "envelopes_read": self.envelopes_read,
        }
        if self.plan is not None:
            out["plan"] = [r.as_json() for r in self.plan]
        if self.first is not None:
            out["first"] = [f.as_json() for f in self.first]
        return out


def build_report(
    stats: Stats,
    listing: Listing,
    *,
    bucket: str,
    list_calls: int,
    selection: Selection,
    target: str | None,
    dry_run: bool,
    complete: bool,
    envelopes_read: bool = True,
) -> ReplayReport:
    """The report of a run from its counters and its listing."""
    malformed = Counter(reason_key(m.reason) for m in stats.malformed)
    return ReplayReport(
        bucket=bucket,
        selection=selection,
        target=target,
        dry_run=dry_run,
        stopped=stats.stopped,
        prefixes=len(listing.prefixes),
        list_calls=list_calls,
        counts=Counts(
            listed=listing.listed,
            selected=stats.selected,
            delivered=stats.delivered,
            failed=stats.failed,
            refused=stats.refused,
            already_delivered=stats.already_delivered,
            malformed=len(stats.malformed),
            unrecognised=len(listing.unrecognised),
            filtered=listing.filtered + stats.out_of_window,
            other_shards=listing.other_shard,
            archived=stats.archived,
            gone=stats.gone,
        ),
        failed_by_reason=dict(stats.reasons.most_common()),
        reasons={
            "failed": dict(stats.reasons.most_common()),
            "refused": dict(stats.refusals.most_common()),
            "malformed": dict(malformed.most_common()),
            "archived": dict(stats.archive_errors.most_common()),
        },
        failures=list(stats.failures),
        malformed=list(stats.malformed),
        unrecognised=list(listing.unrecognised),
        bytes=stats.bytes,
        elapsed_s=round(stats.elapsed, 3),
        complete=complete,
        plan=sorted(stats.plan.values(), key=lambda r: (r.url, r.event_type)) if dry_run else None,
        first=list(stats.first) if dry_run else None,
        envelopes_read=envelopes_read,
    )


class FailureLog:
    """``--failures``: the NDJSON that ``replay --from-file`` reads back, one line per
    failure as it happens (the report keeps only the first KEEP_FAILURES, so memory
    stays flat). Written beside the path and renamed over it when the run ends, so
    the path always holds a whole file. The temporary name is unpredictable and a
    symlink at the path is refused (``hookctl.base.fsutil.AtomicFile``)."""

    def __init__(self, path: Path) -> None:
        from hookctl.base.fsutil import AtomicFile

        self.path = path
        try:
            self._file = AtomicFile(path, mode=0o600)
        except OSError as exc:
            raise _unwritable(path, exc) from None

    def write(self, failure: Failure) -> None:
        try:
            line = json.dumps(mask_passwords(failure.as_json()))  # no credentials in files
            self._file.write((line + "\n").encode("utf-8"))
        except OSError as exc:
            raise _unwritable(self.path, exc) from None

    def close(self) -> None:
        try:
            self._file.commit()
        except OSError as exc:
            raise _unwritable(self.path, exc) from None


def _unwritable(path: Path, exc: OSError) -> HookctlError:
    return HookctlError(
        f"cannot write {path}: {exc.strerror}", "pass --failures with a writable path"
    )
