"""The state of each failed event in the bucket: what replay would do with it.

- **pending**: replay would send it;
- **delivered**: the journal has a 2xx for this object generation to the same
  target (replay skips it), or it was archived after delivery;
- **refused**: replay would not send it, for the reason replay would give
  (``targets.Destinations.resolve``: the hook is gone, is not a webhook, does not
  take the type, fails over to another bucket, or the envelope names another URL);
- **malformed**: not an envelope replay can read, or one naming another hook than
  its object name (``fetch.check_envelope``);
- **unknown**: there is no journal to ask, so delivered or not cannot be told.

The precedence is replay's order: the journal first (replay skips a delivered object
before downloading it), then the envelope (malformed), then the destination. Without
the envelope (``failover list`` reads names only unless asked) refusal is decided
from the name's hook and event type, and malformed cannot be seen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from hookctl.failover.gcs import Listed
from hookctl.failover.journal import AlreadyDelivered, Lookups, object_key
from hookctl.failover.select import DELIVERED, MALFORMED, PENDING, REFUSED, UNKNOWN
from hookctl.failover.targets import Refusal

if TYPE_CHECKING:
    from hookctl.failover.ledger import JournalReader, Outcome
    from hookctl.failover.source import Source
    from hookctl.failover.targets import Destinations

ORIGINAL = "original"  # the journal's target when each event goes to its own hook's URL


@dataclass(frozen=True)
class Subject:
    """One object to judge: what its name says, and its envelope's URL or problem when read."""

    name: str
    generation: str
    hook_id: str
    event_type: str
    url: str | None = None  # the envelope's original_webhook_url (None: not read)
    problem: str | None = None  # why the envelope is malformed (None: readable or not read)


@dataclass(frozen=True)
class Verdict:
    state: str
    reason: str | None = None


class Judge:
    """States for batches of objects: one journal query per batch, no network call."""

    def __init__(
        self,
        bucket: str,
        *,
        journal: JournalReader | None,
        journal_path: Path | None,
        destinations: Destinations | None,
        to: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.journal = journal
        self.journal_path = journal_path
        self.destinations = destinations  # None: the app's hooks were not read
        self.to = to

    @property
    def target(self) -> str:
        return self.to or ORIGINAL

    def __call__(self, subjects: Sequence[Subject]) -> list[Verdict]:
        keys = [object_key(self.bucket, Listed(s.name, s.generation, 0)) for s in subjects]
        known = self.journal.outcomes_among(keys, self.target) if self.journal else {}
        return [self._one(s, known.get(key)) for s, key in zip(subjects, keys, strict=True)]

    def _one(self, subject: Subject, journaled: Outcome | None) -> Verdict:
        state, error = journaled or ("", None)
        if state == DELIVERED:
            return Verdict(DELIVERED)
        if subject.problem is not None:
            return Verdict(MALFORMED, subject.problem)
        if self.destinations is not None:
            url = self.destinations.resolve(subject.hook_id, subject.url, subject.event_type)
            if isinstance(url, Refusal):
                return Verdict(REFUSED, url.reason)
        read = subject.url is not None  # the envelope was read here: its verdict stands
        if state in (REFUSED, MALFORMED) and not read:
            return Verdict(state, f"{error} (when last replayed)")
        if self.journal is None:
            return Verdict(UNKNOWN)
        return Verdict(PENDING, f"last replay failed: {error}" if state == "failed" else None)

    def journal_line(self) -> str:
        """Which journal the delivered state comes from, or why it is unknown."""
        if self.journal is not None:
            return f"delivery state from the journal {self.journal_path}"
        if self.journal_path is None:
            return "delivery state unknown: no journal (--no-journal)"
        return f"delivery state unknown: no journal at {self.journal_path} (no replay kept one)"

    def notes(self) -> list[str]:
        if self.destinations is None:
            return [
                "refusals not checked: no Stream credentials to read the app's hooks "
                "(replay sends each event only to its hook's current URL)"
            ]
        return []

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()

    def as_json(self) -> dict[str, Any]:
        return {
            "journal": str(self.journal_path) if self.journal_path else None,
            "journal_found": self.journal is not None,
            "target": self.to,
            "refusals_checked": self.destinations is not None,
        }


def destinations_for(source: Source, get_app: Callable[[], dict[str, Any]]) -> Destinations:
    """Where events may go without ``--to``: the app's hooks (one GET, reused when the
    source already read the app). Replay and ``failover list`` both ask this."""
    from hookctl.failover.targets import Destinations

    return Destinations.from_app(
        source.app if source.app is not None else get_app(),
        bucket=source.bucket if source.from_hook else None,
    )


def judge_for(
    source: Source,
    *,
    to: str | None,
    journal: Path | None,
    use_journal: bool = True,
    get_app: Callable[[], dict[str, Any]] | None,
) -> Judge:
    """The judge ``failover list``/``status`` use: the journal replay would use (``journal``,
    else the default one; none with ``use_journal`` False), and the app's hooks when
    ``get_app`` can read them (None: no Stream credentials, refusals not checked)."""
    from hookctl.failover.ledger import JournalReader, default_journal
    from hookctl.failover.targets import Destinations

    path = (journal or default_journal()) if use_journal else None
    reader = JournalReader.open(path) if path is not None else None
    destinations: Destinations | None = None
    if to is not None:
        destinations = Destinations(to=to)
    elif get_app is not None or source.app is not None:
        destinations = destinations_for(source, get_app or (lambda: {}))
    return Judge(source.bucket, journal=reader, journal_path=path, destinations=destinations, to=to)


Admit = Literal["take", "delivered", "filtered"]


class Admission:
    """Replay's decision before download, from the journal and ``--state``: a delivered
    object is skipped unless ``redeliver``; with ``--state`` only objects in one of
    those states (pending or delivered: the rest need the envelope) are taken.
    ``ReplayJob.count`` and the replay itself both ask this."""

    def __init__(
        self,
        lookups: Lookups | None,
        bucket: str,
        target: str,
        *,
        redeliver: bool,
        states: frozenset[str],
    ) -> None:
        self.delivered = AlreadyDelivered(lookups, bucket, target)
        self.redeliver = redeliver
        self.states = states

    def __call__(self, item: Listed) -> Admit:
        if self.redeliver and not self.states:
            return "take"
        delivered = self.delivered(item)
        if self.states and (DELIVERED if delivered else PENDING) not in self.states:
            return "filtered"
        if delivered and not self.redeliver:
            return "delivered"
        return "take"
