"""The read stage of a replay: one listed object → an envelope to deliver, or why not.

Downloads stay within the size limit; an object archived or deleted since it was
listed is counted as gone; a body must parse as Stream's failover envelope, name
the same hook as the object's name, and (when the name could not decide it) fall
inside the selection. Everything rejected lands in ``Stats.malformed`` with its
reason, so the report says why an object was not delivered.
"""

from __future__ import annotations

from hookctl.base.errors import NotFound
from hookctl.failover.gcs import Bucket, TooLarge
from hookctl.failover.layout import printable
from hookctl.failover.outcome import Stats
from hookctl.failover.pipeline import Fetched
from hookctl.failover.select import Candidate, Selection, Skipped
from hookctl.stream.models import Envelope, MalformedObject, parse_envelope


class Reader:
    def __init__(self, bucket: Bucket, selection: Selection, stats: Stats, max_bytes: int):
        self.bucket = bucket
        self.selection = selection
        self.stats = stats
        self.max_bytes = max_bytes

    async def download(self, candidate: Candidate) -> Fetched:
        item, limit = candidate.item, self.max_bytes
        if item.size > limit:
            return None, f"object is {_mb(item.size)}, over the {_mb(limit)} limit"
        try:
            body = await self.bucket.download(item, limit)
        except TooLarge:
            return None, f"object is over the {_mb(limit)} limit"
        except NotFound:
            self.stats.selected -= 1
            self.stats.gone += 1  # archived or deleted since it was listed
            return None, None
        self.stats.downloaded += 1
        self.stats.bytes += len(body)
        return body, None

    def envelope(
        self, candidate: Candidate, body: bytes | None, problem: str | None
    ) -> Envelope | None:
        """The envelope to deliver; None for an object gone, out of the window or
        malformed (recorded in the stats)."""
        item = candidate.item
        if body is None and problem is None:
            return None
        if body is not None:
            checked = check_envelope(candidate, body)
            if not isinstance(checked, str):
                return self._in_window(candidate, checked)
            problem = checked
        self.stats.malformed.append(Skipped(item.name, problem or "unreadable", item.generation))
        return None

    def _in_window(self, candidate: Candidate, envelope: Envelope) -> Envelope | None:
        """The envelope when it is in the selection: the window (unless the name decided
        it) and ``--error-class``, the one filter only an envelope can answer."""
        selection = self.selection
        in_window = candidate.decided or selection.by_envelope(
            envelope.event_type, envelope.original_hook_id, envelope.failed_at
        )
        if in_window and selection.by_error(envelope.error_message):
            return envelope
        self.stats.selected -= 1
        self.stats.out_of_window += 1
        return None


def check_envelope(candidate: Candidate, body: bytes) -> Envelope | str:
    """The envelope in ``body``, or why the object is malformed: not an envelope, or an
    envelope naming another hook than the object's name. Replay and ``failover list``
    (when it reads envelopes) both decide malformed here."""
    try:
        envelope = parse_envelope(body)
    except MalformedObject as exc:
        return exc.reason
    return _name_mismatch(candidate, envelope) or envelope


def _name_mismatch(candidate: Candidate, envelope: Envelope) -> str | None:
    """Why an object whose name and envelope name different hooks is malformed."""
    named = candidate.parsed.hook_id if candidate.parsed is not None else None
    if named is None or named.lower() == str(envelope.original_hook_id).lower():
        return None
    return (
        f"the name's hook id {named} differs from the envelope's original_hook_id "
        f"{printable(str(envelope.original_hook_id))[:80]}"
    )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
