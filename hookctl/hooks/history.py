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

from hookctl.base.errors import NotFound
from hookctl.config.settings import private_dir, write_private

KEEP = 200


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
        doc = json.loads(path.read_text())
        return Snapshot(
            doc["id"], doc["created_at"], doc.get("operation", ""), doc["event_hooks"], path
        )

    def list(self) -> list[Snapshot]:
        """Newest first; unreadable files are skipped."""
        out = []
        for path in self._paths():
            try:
                out.append(self._read(path))
            except (OSError, ValueError, KeyError):
                continue
        return out

    def load(self, snapshot_id: str) -> Snapshot:
        paths = self._paths()
        if snapshot_id == "latest" and paths:
            return self._read(paths[0])
        matches = [p for p in paths if p.stem.startswith(snapshot_id)]
        if len(matches) == 1:
            return self._read(matches[0])
        if len(matches) > 1:
            raise NotFound(
                f"snapshot id {snapshot_id!r} is ambiguous ({len(matches)} match)",
                "give more of the id, as shown by `hookctl hooks history`",
            )
        raise NotFound(
            f"no snapshot {snapshot_id!r} for this app",
            "list snapshots with `hookctl hooks history`",
        )
