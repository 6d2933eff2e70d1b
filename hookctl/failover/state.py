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
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

from hookctl.base.errors import ExitStatus, HookctlError
from hookctl.failover.gcs import Listed
from hookctl.failover.ids import key_of
from hookctl.failover.journal import AlreadyDelivered, Lookups
from hookctl.failover.select import DELIVERED, MALFORMED, PENDING, REFUSED, UNKNOWN
from hookctl.failover.targets import Refusal

if TYPE_CHECKING:
    from hookctl.failover.ledger import JournalReader, Outcome
    from hookctl.failover.source import Source
    from hookctl.failover.targets import Destinations

LINE = 80  # a line of talk fits an 80-column terminal
ORIGINAL = "original"  # the journal's target when each event goes to its own hook's URL


class Facts(Protocol):
    """What an object is judged on: its name's hook and type, and its envelope's URL or
    why it is malformed when the envelope was read (``inventory.Row`` has these)."""

    @property
    def name(self) -> str: ...
    @property
    def generation(self) -> str: ...
    @property
    def hook_id(self) -> str: ...
    @property
    def event_type(self) -> str: ...
    @property
    def url(self) -> str | None: ...  # the envelope's original_webhook_url (None: not read)
    @property
    def problem(self) -> str | None: ...  # why the envelope is malformed


Verdict = tuple[str, str | None]  # the state, and why (refused, malformed, last failure)
_UNSEEN: Any = object()


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
        unchecked: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.journal = journal
        self.journal_path = journal_path
        self.destinations = destinations  # None: the app's hooks were not read
        self.to = to
        self.unchecked = unchecked  # why the app's hooks could not be read
        self._journal_used: bool | None = None
        self._refusals: dict[tuple[str, str], str | None] = {}
        self._by_name: dict[tuple[str, str], Verdict] = {}  # (hook, type) → verdict, names only

    @property
    def target(self) -> str:
        return self.to or ORIGINAL

    def __call__(self, batch: Sequence[Facts]) -> list[Verdict]:
        """Each object's state and why, in order: one journal query for the batch, and
        one destination check per hook and event type while envelopes are unread (the
        verdict of a million names costs a dictionary lookup each)."""
        keys = [key_of(self.bucket, f.name, f.generation) for f in batch] if self.journaled else []
        known = self.outcomes(keys)
        verdicts = []
        for i, f in enumerate(batch):
            journaled = known.get(keys[i]) if known else None
            if f.url is None and f.problem is None:
                verdicts.append(self.named(f.hook_id, f.event_type, journaled))
            else:
                verdicts.append(self._one(f.hook_id, f.event_type, f.url, f.problem, journaled))
        return verdicts

    @property
    def journaled(self) -> bool:
        """Whether states come from a journal: it exists and has rows for the target
        (decided once; otherwise no lookup could find anything)."""
        if self._journal_used is None:
            self._journal_used = self.journal is not None and self.journal.has_target(self.target)
        return self._journal_used

    def outcomes(self, keys: Sequence[str]) -> dict[str, Outcome]:
        """The journal's word on each of ``keys`` (``ids.key_of``) that it has one for:
        one query per batch of keys."""
        if not keys or not self.journaled:
            return {}
        assert self.journal is not None
        return self.journal.outcomes_among(keys, self.target)

    def named(self, hook_id: str, event_type: str, journaled: Outcome | None) -> Verdict:
        """The verdict for an object judged from its name alone (no envelope read), with
        what the journal says of it: one destination check per hook and event type."""
        if journaled is not None:
            return self._one(hook_id, event_type, None, None, journaled)
        verdict = self._by_name.get((hook_id, event_type))
        if verdict is None:
            verdict = self._one(hook_id, event_type, None, None, None)
            self._by_name[(hook_id, event_type)] = verdict
        return verdict

    def _one(
        self,
        hook_id: str,
        event_type: str,
        url: str | None,
        problem: str | None,
        journaled: Outcome | None,
    ) -> Verdict:
        state, error = journaled or ("", None)
        if state == DELIVERED:
            return DELIVERED, None
        if problem is not None:
            return MALFORMED, problem
        refusal = self._refusal(hook_id, url, event_type)
        if refusal is not None:
            return REFUSED, refusal
        read = url is not None  # the envelope was read here: its verdict stands
        if state in (REFUSED, MALFORMED) and not read:
            return state, f"{error} (when last replayed)"
        if self.journal is None:
            return UNKNOWN, None
        return PENDING, (f"last replay failed: {error}" if state == "failed" else None)

    def _refusal(self, hook_id: str, url: str | None, event_type: str) -> str | None:
        """Why replay would refuse it (``Destinations.resolve``), or None; from names
        alone (``url`` None) the answer depends on hook and type only, so it is kept."""
        if self.destinations is None:
            return None
        if url is None:
            cached = self._refusals.get((hook_id, event_type), _UNSEEN)
            if cached is not _UNSEEN:
                return cast("str | None", cached)
        found = self.destinations.resolve(hook_id, url, event_type)
        why = found.reason if isinstance(found, Refusal) else None
        if url is None:
            self._refusals[(hook_id, event_type)] = why
        return why

    def journal_line(self, width: int | None = LINE) -> str:
        """Which journal the delivered state comes from, or why it is unknown, in
        ``width`` columns (the path cut in the middle when it must be: ``--json``
        carries it whole); ``None`` (off a terminal): the path whole."""
        if self.journal is not None:
            head = "delivery state from the journal "
        elif self.journal_path is None:
            return "delivery state unknown: no journal (--no-journal)"
        else:
            head = "delivery state unknown: no journal at "
        assert self.journal_path is not None
        if width is None:
            return head + str(self.journal_path)
        return head + shown_path(self.journal_path, width - len(head))

    def notes(self) -> list[str]:
        if self.destinations is None:
            why = self.unchecked or "no Stream credentials to read the app's hooks"
            return [f"refusals not checked: {why}"]
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


def shown_path(path: Path, width: int) -> str:
    """``path`` for a line of talk: the home directory as ``~``, cut in the middle to
    ``width`` characters when longer."""
    from hookctl.base.plaintext import cut_middle

    text = str(path)
    home = str(Path.home())
    if home not in ("", "/") and text.startswith(home + "/"):
        text = "~" + text[len(home) :]
    return cut_middle(text, max(width, 8))


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
    unchecked: str | None = None
    if to is not None:
        destinations = Destinations(to=to)
    elif get_app is not None or source.app is not None:
        try:
            destinations = destinations_for(source, get_app or (lambda: {}))
        except HookctlError as exc:  # Stream unreachable: list what is known, and say so
            if exc.exit_code == ExitStatus.USAGE:
                raise
            unchecked = f"cannot read the app's hooks ({exc.message})"
    return Judge(
        source.bucket,
        journal=reader,
        journal_path=path,
        destinations=destinations,
        to=to,
        unchecked=unchecked,
    )


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
