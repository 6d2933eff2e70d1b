"""Local snapshots of the ``event_hooks`` array, taken before every write.

Snapshots hold secrets (a restore must be complete), so the directory is 0700
and every file 0600. One directory per app (base URL + API key).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hookctl.base.errors import NotFound, UsageError
from hookctl.config.settings import private_dir, write_private

KEEP = 200
MAX_SNAPSHOT = 64 * 1024 * 1024  # bytes: far above any app's hooks array, far below "all RAM"


def app_slug(base_url: str, api_key: str) -> str:
    """A stable, non-secret directory name for one app."""
    return hashlib.sha256(f"{base_url.rstrip('/')}\n{api_key}".encode()).hexdigest()[:16]


@dataclass
class Snapshot:
    id: str
    created_at: str
    operation: str
    hooks: list[dict[str, Any]]
    path: Path

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at,
            "operation": self.operation,
            "hooks": len(self.hooks),
        }


class History:
    def __init__(self, data_dir: Path, base_url: str, api_key: str) -> None:
        self.dir = data_dir / "history" / app_slug(base_url, api_key)
        self.base_url = base_url
        self.api_key = api_key

    def save(self, hooks: list[dict[str, Any]], operation: str) -> Snapshot:
        private_dir(self.dir)
        now_ns = time.time_ns()
        stamp = datetime.fromtimestamp(now_ns / 1e9, UTC)
        snap_id = f"{stamp:%Y%m%d-%H%M%S}-{now_ns % 1_000_000_000 // 1000:06d}"
        created = stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        doc = {
            "id": snap_id,
            "created_at": created,
            "operation": operation,
            "base_url": self.base_url,
            "api_key": self.api_key,
            "event_hooks": hooks,
        }
        path = self.dir / f"{snap_id}.json"
        write_private(path, json.dumps(doc, indent=1).encode())
        self._prune()
        return Snapshot(snap_id, created, operation, hooks, path)

    def _paths(self) -> list[Path]:
        if not self.dir.is_dir():
            return []
        return sorted(self.dir.glob("*.json"), reverse=True)

    def _prune(self) -> None:
        for old in self._paths()[KEEP:]:
            old.unlink(missing_ok=True)

    def _read(self, path: Path) -> Snapshot:
        """The snapshot in ``path``; ValueError (or OSError) when it is not one: a FIFO, a
        device, a directory, an oversize file, or JSON of another shape (the data dir is
        only as trustworthy as whoever else can write it, and a restore must be exact)."""
        from hookctl.base.stdio import read_capped

        data = read_capped(path, MAX_SNAPSHOT)  # OSError for a FIFO: never a wait
        if data is None:
            raise ValueError(f"it is larger than {MAX_SNAPSHOT // 2**20} MB")
        doc = json.loads(data)
        if not isinstance(doc, dict):
            raise ValueError("it is not a JSON object")
        hooks, operation = doc.get("event_hooks"), doc.get("operation", "")
        if not isinstance(hooks, list) or not all(isinstance(h, dict) for h in hooks):
            raise ValueError("its event_hooks is not a list of hooks")
        fields = (doc.get("id"), doc.get("created_at"), operation)
        if not all(isinstance(f, str) for f in fields):
            raise ValueError("its id, created_at or operation is not text")
        return Snapshot(doc["id"], doc["created_at"], operation, hooks, path)

    def _load(self, path: Path) -> Snapshot:
        try:
            return self._read(path)
        except (OSError, ValueError) as exc:
            why = getattr(exc, "strerror", None) or str(exc)
            raise UsageError(
                f"snapshot {path.stem} is unreadable ({why[:200]}): nothing was restored",
                f"pick another with `hookctl hooks history`, or move {path} aside",
            ) from None

    def list(self) -> list[Snapshot]:
        """Newest first; unreadable files (and anything that is not a file) are skipped."""
        out = []
        for path in self._paths():
            try:
                out.append(self._read(path))
            except (OSError, ValueError):
                continue
        return out

    def load(self, snapshot_id: str) -> Snapshot:
        paths = self._paths()
        if snapshot_id == "latest" and paths:
            return self._load(paths[0])
        matches = [p for p in paths if p.stem.startswith(snapshot_id)]
        if len(matches) == 1:
            return self._load(matches[0])
        if len(matches) > 1:
            raise NotFound(
                f"snapshot id {snapshot_id!r} is ambiguous ({len(matches)} match)",
                "give more of the id, as shown by `hookctl hooks history`",
            )
        raise NotFound(
            f"no snapshot {snapshot_id!r} for this app",
            "list snapshots with `hookctl hooks history`",
        )
