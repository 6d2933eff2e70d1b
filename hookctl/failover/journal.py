"""The replay journal: what hookctl has delivered, so a rerun never sends it again.

SQLite in WAL mode, one row per (object generation, target URL), committed as
outcomes arrive (one transaction per batch of outcomes, at most 50 ms old). WAL with ``synchronous=NORMAL`` survives a killed process
(SIGKILL included): a row is either committed or absent, never half-written.
A row says ``delivered`` only after the receiver answered 2xx.

One replay per journal: two runs sharing a journal would each see an event as
not yet delivered and both send it. Opening takes an exclusive ``flock`` on
the journal file itself (its inode: a hard link or another spelling of the path
is the same lock; released by the kernel when the process dies, even by
SIGKILL; on Linux independent of SQLite's own POSIX locks) and records who
holds it (pid, host, start time) in an extended attribute of the journal and in
a sibling ``<journal>.lock``; a second run fails at once naming the first, or
waits with ``wait=True``. A file that is not a journal (garbage, another
database, a corrupted page) is refused before anything is sent.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import json
import os
import socket
import sqlite3
import stat
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from hookctl.base.errors import HookctlError, UsageError
from hookctl.base.stdio import regular_fd
from hookctl.failover.ids import object_key

# errnos that say the --journal path itself is wrong (exit 2), not that a disk failed
_BAD_PATH = {
    errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM, errno.EROFS,
    errno.EINVAL,  # not a regular file (regular_fd): a FIFO, a device, a directory
}  # fmt: skip

if TYPE_CHECKING:
    from hookctl.failover.gcs import Listed

APPLICATION_ID = 0x686B6A31  # "hkj1": PRAGMA application_id of a hookctl journal
COLUMNS = [
    "object",
    "url",
    "webhook_id",
    "event_type",
    "state",
    "status",
    "error",
    "tries",
    "updated",
]

SCHEMA = """
CREATE TABLE IF NOT EXISTS outcomes (
    object TEXT NOT NULL,          -- gs://bucket/name#generation
    url TEXT NOT NULL,             -- where it was delivered
    webhook_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    state TEXT NOT NULL,           -- delivered | failed | refused | malformed
    status INTEGER,
    error TEXT,
    tries INTEGER NOT NULL DEFAULT 1,
    updated REAL NOT NULL,
    PRIMARY KEY (object, url)
) WITHOUT ROWID;
"""


class JournalBusy(HookctlError):
    """Another replay holds the journal."""


class Journal:
    def __init__(self, path: Path, *, wait: bool = False, poll: float = 0.2) -> None:
        self.path = path
        self._lock_fd = self._lock(wait, poll)
        try:
            self._open()
        except BaseException:
            self._unlock()
            raise
        self._pending: list[tuple[Any, ...]] = []

    # ------------------------------------------------------------ one run at a time

    def _lock(self, wait: bool, poll: float) -> int:
        while True:
            fd = self._journal_fd()
            try:
                if self._try_lock(fd, wait, poll):
                    break
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # moved aside or replaced meanwhile: lock what the path names now
        info = json.dumps(
            {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        ).encode()
        with contextlib.suppress(OSError):  # the holder, for a run through any hard link
            os.setxattr(fd, _HOLDER_XATTR, info)
        with contextlib.suppress(OSError):  # ... and where xattrs are not supported
            _write_sidecar(self._sidecar, info)
        return fd

    @property
    def _sidecar(self) -> Path:
        return self.path.with_name(f"{self.path.name}.lock")

    def _journal_fd(self) -> int:
        """An fd of the journal file (created empty-but-valid if missing): the lock's object."""
        path = self.path
        if path.is_symlink():
            raise HookctlError(
                f"the replay journal {path} is a symbolic link: refused",
                "pass --journal with a regular file",
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                _create(path)  # complete or absent; never replaces one another run made
            return regular_fd(path, os.O_RDONLY | os.O_NOFOLLOW)  # a FIFO would hang
        except (OSError, sqlite3.Error) as exc:
            # a path that cannot hold a journal is bad input (exit 2); a failing disk is not
            error = (
                UsageError if isinstance(exc, OSError) and exc.errno in _BAD_PATH else HookctlError
            )
            raise error(
                f"cannot open the replay journal {path}: {exc}",
                "pass --journal FILE in a directory you own (a symlink there is refused)",
            ) from None

    def _try_lock(self, fd: int, wait: bool, poll: float) -> bool:
        """Lock ``fd``; False if the path no longer names that file (retry)."""
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait:
                    holder = _holder(fd, self._sidecar)
                    raise JournalBusy(
                        f"the replay journal {self.path} is in use by another replay ({holder})",
                        "agree who replays: that one sends every event once; --wait queues "
                        "behind it and sends only what it left (another --journal would send "
                        "everything again)",
                    ) from None
                time.sleep(poll)
        try:
            now = os.stat(self.path, follow_symlinks=False)
        except OSError:
            return False
        held = os.fstat(fd)
        return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)

    def _unlock(self) -> None:
        if self._lock_fd >= 0:
            with contextlib.suppress(OSError):
                os.removexattr(self._lock_fd, _HOLDER_XATTR)
            with contextlib.suppress(OSError):
                _write_sidecar(self._sidecar, b"")
            os.close(self._lock_fd)  # closing releases the flock (after SQLite closed its own)
            self._lock_fd = -1

    # ------------------------------------------------------------ a real journal only

    def _open(self) -> None:
        path = self.path
        try:
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise HookctlError(
                f"cannot open the replay journal {path}: {exc}",
                "pass --journal FILE on a writable disk",
            ) from None
        try:
            self._check()
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise HookctlError(
                f"{path} is not a valid replay journal ({exc}); nothing was sent",
                "move it aside (a fresh journal forgets what was delivered: use --redeliver "
                "only if receivers de-duplicate on X-Webhook-Id) or pass another --journal",
            ) from None
        path.chmod(0o600)

    def _check(self) -> None:
        """Raise sqlite3.DatabaseError unless this is an intact hookctl journal."""
        db = self._db
        problems = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise sqlite3.DatabaseError(f"integrity check: {problems[0]}"[:200])
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables and app_id in (0, APPLICATION_ID):  # an empty database: make it one
            db.executescript(SCHEMA)
            return
        columns = [row[1] for row in db.execute("PRAGMA table_info(outcomes)")]
        if app_id not in (0, APPLICATION_ID) or tables - {"outcomes"} or columns != COLUMNS:
            raise sqlite3.DatabaseError("it is an SQLite database, but not a hookctl journal")

    def knows(self, url: str) -> bool:
        """Whether anything was ever delivered to ``url`` (a first run skips the lookups)."""
        row = self._db.execute(
            "SELECT 1 FROM outcomes WHERE url IN (?, ?) AND state = 'delivered' LIMIT 1",
            _spellings(url),
        ).fetchone()
        return row is not None

    def delivered(self, obj: str, url: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM outcomes WHERE object = ? AND url IN (?, ?) AND state = 'delivered'",
            (obj, *_spellings(url)),
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
        held: str | None = None,
    ) -> None:
        """Queue one outcome; ``flush`` commits. A delivered row is never downgraded.
        ``held``: the object was not sent, "refused" or "malformed" (``error`` says why),
        so ``failover list``/``status`` can tell without downloading it again."""
        self._pending.append(
            (
                obj,
                _spellings(url)[0],  # stored with its password masked
                webhook_id,
                event_type,
                held or ("delivered" if ok else "failed"),
                status,
                error,
                time.time(),
            )
        )

    @property
    def pending(self) -> int:
        """Outcomes recorded and not yet committed."""
        return len(self._pending)

    def flush(self) -> None:
        """Commit queued outcomes in one transaction. Replay flushes every ``concurrency / 2``
        outcomes or 50 ms, so a kill loses at most those (they are redelivered with the
        same X-Webhook-Id, like deliveries in flight)."""
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
        try:
            self.flush()
            self._db.close()
        finally:
            self._unlock()


class Lookups(Protocol):
    """What the delivered rule asks: a ``Journal``, or a read-only ``ledger.JournalReader``."""

    def knows(self, url: str) -> bool: ...
    def delivered(self, obj: str, url: str) -> bool: ...


class AlreadyDelivered:
    """The one rule for "this object was delivered": the journal has a delivered row for
    this object generation and target. Replay applies it before downloading (through
    ``state.Admission``, with ``--redeliver`` and ``--state``); the count shown before a
    large replay and ``failover list`` (``ledger.delivered_among``, in batches) agree."""

    def __init__(self, journal: Lookups | None, bucket: str, target: str) -> None:
        self.journal = journal
        self.bucket = bucket
        self.target = target
        self._lookups: bool | None = None

    def __call__(self, item: Listed) -> bool:
        if self._lookups is None:  # decided once: a first run to a target skips the lookups
            self._lookups = self.journal is not None and self.journal.knows(self.target)
        if not self._lookups or self.journal is None:
            return False
        return self.journal.delivered(object_key(self.bucket, item), self.target)


def _create(path: Path) -> None:
    """A new, empty journal: built under a temporary name, then renamed into place."""
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        db = sqlite3.connect(tmp, isolation_level=None)
        try:
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            db.executescript(SCHEMA)
        finally:
            db.close()
        os.chmod(tmp, 0o600)
        with contextlib.suppress(FileExistsError):  # another run made it first: use theirs
            os.link(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


_HOLDER_XATTR = "user.hookctl.replay"


def _write_sidecar(path: Path, data: bytes) -> None:
    """Who holds the lock, for ``_holder``. Opened without blocking (a FIFO there would
    wait for a reader forever: it fails with ENXIO instead) and written only if it is a
    regular file; every caller ignores an OSError (the sidecar is a courtesy)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    fd = os.open(path, flags, 0o600)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", os.fspath(path))
        os.ftruncate(fd, 0)
        os.pwrite(fd, data, 0)
    finally:
        os.close(fd)


def _holder(fd: int, sidecar: Path) -> str:
    """Who holds a journal's lock: from the journal's extended attribute, else the
    sidecar ``<journal>.lock`` the holder wrote."""
    try:
        raw = os.getxattr(fd, _HOLDER_XATTR)
    except OSError:
        try:
            with os.fdopen(regular_fd(sidecar), "rb") as handle:  # never a FIFO's wait
                raw = handle.read(4096)
        except OSError:
            raw = b""
    try:
        info = json.loads(raw or b"{}")
        return f"pid {int(info['pid'])} on {str(info['host'])[:100]}, started {str(info['started'])[:40]}"
    except (OSError, ValueError, KeyError, TypeError):
        return "holder unknown"


@functools.lru_cache(maxsize=64)  # asked once per event with the run's one or few targets
def _spellings(url: str) -> tuple[str, str]:
    """``url`` as the journal stores it (userinfo password masked: the file is not a
    place for credentials), then as journals before 0.2 stored it (whole), so their
    deliveries still count. (Remembered: finding the password costs ~2 µs, a journal
    row is ~3 µs in all.)"""
    from hookctl.base.redact import split_url_password

    return split_url_password(url)[0], url
