"""The replay journal read without its lock: which objects were delivered, in batches.

``failover list`` and ``failover status`` read the same journal replay uses by
default (or ``--journal``), read-only, while a replay may be writing it (SQLite
WAL: a reader sees the last committed outcomes and never blocks the writer). A
window's objects are looked up ``BATCH`` names per query (``object IN (…)`` on
the primary key), never one query per object, and nothing is held in memory
beyond one batch. The rule is replay's own (``journal.AlreadyDelivered``): an
object generation counts as delivered when the journal has a 2xx for it to the
same target (``--to URL``, or each event's own hook URL).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from hookctl.base.errors import UsageError
from hookctl.failover.journal import COLUMNS

BATCH = 500  # names per query (SQLite allows 999 parameters in its oldest builds)


def default_journal() -> Path:
    """Where replay keeps its journal unless told otherwise (``--journal``)."""
    from hookctl.config.settings import data_dir

    return data_dir() / "replay" / "journal.sqlite3"


Outcome = tuple[str, str | None]  # the journal's state for an object, and its error


def outcomes_among(db: sqlite3.Connection, keys: Sequence[str], target: str) -> dict[str, Outcome]:
    """What the journal says about each of ``keys`` (``ids.object_key``) for
    ``target``: delivered, failed, refused or malformed, and the error; one query per
    ``BATCH`` keys. Keys the journal never saw are absent."""
    found: dict[str, Outcome] = {}
    for start in range(0, len(keys), BATCH):
        chunk = list(keys[start : start + BATCH])
        marks = ",".join("?" * len(chunk))
        query = f"SELECT object, state, error FROM outcomes WHERE url = ? AND object IN ({marks})"
        found.update((row[0], (row[1], row[2])) for row in db.execute(query, (target, *chunk)))
    return found


class JournalReader:
    """A read-only view of a replay journal; ``open`` returns None when there is none."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path
        self._db = db

    @classmethod
    def open(cls, path: Path) -> JournalReader | None:
        """The journal at ``path``, or None when no file is there (no replay kept one).
        A file that is not a hookctl journal is bad input (exit 2)."""
        if not path.exists():
            return None
        from hookctl.base.stdio import regular_fd

        try:  # a FIFO would block SQLite's open, /dev/zero its reads: a regular file only
            os.close(regular_fd(path))
        except OSError as exc:
            raise _unreadable(path, exc.strerror or str(exc)) from None
        try:
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        except sqlite3.Error as exc:
            raise _unreadable(path, str(exc)) from None
        try:
            columns = [row[1] for row in db.execute("PRAGMA table_info(outcomes)")]
        except sqlite3.DatabaseError as exc:
            db.close()
            raise _unreadable(path, str(exc)) from None
        if columns and columns != COLUMNS:  # none: a journal no run has written to yet
            db.close()
            raise _unreadable(path, "it is an SQLite database, but not a hookctl journal")
        return cls(path, db)

    def outcomes_among(self, keys: Sequence[str], target: str) -> dict[str, Outcome]:
        if not keys:
            return {}
        try:
            return outcomes_among(self._db, keys, target)
        except sqlite3.OperationalError as exc:  # a journal no run wrote to has no table
            if "no such table" in str(exc):
                return {}
            raise _unreadable(self.path, str(exc)) from None

    def has_target(self, url: str) -> bool:
        """Whether any outcome is journaled for ``url`` (else no lookup can find one)."""
        try:
            row = self._db.execute("SELECT 1 FROM outcomes WHERE url = ? LIMIT 1", (url,))
            return row.fetchone() is not None
        except sqlite3.OperationalError as exc:  # a journal no run wrote to has no table
            if "no such table" in str(exc):
                return False
            raise _unreadable(self.path, str(exc)) from None

    def knows(self, url: str) -> bool:
        """``journal.Lookups``: a dry run asks the journal as the run would."""
        try:
            row = self._db.execute(
                "SELECT 1 FROM outcomes WHERE url = ? AND state = 'delivered' LIMIT 1", (url,)
            ).fetchone()
        except sqlite3.OperationalError:
            return False
        return row is not None

    def delivered(self, obj: str, url: str) -> bool:
        return self.outcomes_among([obj], url).get(obj, ("", None))[0] == "delivered"

    def close(self) -> None:
        self._db.close()


def _unreadable(path: Path, why: str) -> UsageError:
    return UsageError(
        f"cannot read the replay journal {path}: {why[:200]}",
        "pass --journal with the file replay wrote (or leave it out for the default one)",
    )


def check_journal_choice(journal: Path | None, no_journal: bool) -> None:
    """``--journal FILE --no-journal`` asks for two things: refuse it (exit 2)."""
    if journal is not None and no_journal:
        raise UsageError(
            "--journal and --no-journal contradict each other",
            "give one: --journal FILE to use that journal, --no-journal to keep none",
        )
