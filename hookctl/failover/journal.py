"""The replay journal: what hookctl has delivered, so a rerun never sends it again.

SQLite in WAL mode, one row per (object generation, target URL), committed as
outcomes arrive (one transaction per event-loop turn). WAL with ``synchronous=NORMAL`` survives a killed process
(SIGKILL included): a row is either committed or absent, never half-written.
A row says ``delivered`` only after the receiver answered 2xx.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from hookctl.errors import HookctlError

if TYPE_CHECKING:
    from hookctl.failover.gcs import Listed

SCHEMA = """
CREATE TABLE IF NOT EXISTS outcomes (
    object TEXT NOT NULL,          -- gs://bucket/name#generation
    url TEXT NOT NULL,             -- where it was delivered
    webhook_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    state TEXT NOT NULL,           -- delivered | failed
    status INTEGER,
    error TEXT,
    tries INTEGER NOT NULL DEFAULT 1,
    updated REAL NOT NULL,
    PRIMARY KEY (object, url)
) WITHOUT ROWID;
"""


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise HookctlError(
                f"cannot open the replay journal {path}: {exc}",
                "pass --journal FILE on a writable disk",
            ) from None
        path.chmod(0o600)
        self._pending: list[tuple[Any, ...]] = []

    def knows(self, url: str) -> bool:
        """Whether anything was ever delivered to ``url`` (a first run skips the lookups)."""
        row = self._db.execute(
            "SELECT 1 FROM outcomes WHERE url = ? AND state = 'delivered' LIMIT 1", (url,)
        ).fetchone()
        return row is not None

    def delivered(self, obj: str, url: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM outcomes WHERE object = ? AND url = ? AND state = 'delivered'",
            (obj, url),
        ).fetchone()
        return row is not None

    def record(
        self,
        obj: str,
        url: str,
        *,
        webhook_id: str,
        event_type: str,
        ok: bool,
        status: int | None,
        error: str | None,
    ) -> None:
        """Queue one outcome; ``flush`` commits. A delivered row is never downgraded."""
        self._pending.append(
            (
                obj,
                url,
                webhook_id,
                event_type,
                "delivered" if ok else "failed",
                status,
                error,
                time.time(),
            )
        )

    def flush(self) -> None:
        """Commit queued outcomes in one transaction. Replay flushes once per event-loop
        turn, so a kill loses at most the outcomes that arrived in that same turn (they
        are redelivered with the same X-Webhook-Id, like deliveries in flight)."""
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                """
                INSERT INTO outcomes (object, url, webhook_id, event_type, state, status, error, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (object, url) DO UPDATE SET
                    state = CASE WHEN state = 'delivered' THEN state ELSE excluded.state END,
                    status = excluded.status, error = excluded.error,
                    tries = tries + 1, updated = excluded.updated
                """,
                rows,
            )

    def close(self) -> None:
        self.flush()
        self._db.close()


def object_key(bucket: str, item: Listed) -> str:
    """The journal's name for one object generation."""
    return f"gs://{bucket}/{item.name}#{item.generation}"


class RunFlags(Protocol):
    redeliver: bool
    dry_run: bool


class AlreadyDelivered:
    """The one rule for "skip this object, it was delivered": a journal is kept, the run
    neither redelivers nor is a dry run, and the journal has a delivered row for this
    object generation and target. Replay applies it before downloading; the count
    shown before a large replay applies it too, so both agree."""

    def __init__(self, journal: Journal | None, bucket: str, target: str) -> None:
        self.journal = journal
        self.bucket = bucket
        self.target = target
        self._lookups: bool | None = None

    @classmethod
    def for_run(
        cls, journal: Journal | None, bucket: str, target: str, flags: RunFlags
    ) -> AlreadyDelivered:
        return cls(None if flags.redeliver or flags.dry_run else journal, bucket, target)

    def __call__(self, item: Listed) -> bool:
        if self._lookups is None:  # decided once: a first run to a target skips the lookups
            self._lookups = self.journal is not None and self.journal.knows(self.target)
        if not self._lookups or self.journal is None:
            return False
        return self.journal.delivered(object_key(self.bucket, item), self.target)
