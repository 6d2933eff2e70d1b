"""The sandbox's apps and their hooks, applied with Stream's update rules."""

from __future__ import annotations

import copy
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hookctl.config.settings import write_private
from hookctl.hooks.array import comparable, same_hook
from hookctl.stream.models import array_errors, hook_errors

DEFAULT_KEY = "sandbox-key"
DEFAULT_SECRET = "sandbox-secret"


class RejectedUpdate(Exception):
    """An update Stream would refuse with code 4 (input error)."""

    def __init__(self, message: str, fields: dict[str, str]) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


@dataclass
class App:
    api_key: str
    api_secret: str
    name: str = "sandbox"
    event_hooks: list[dict[str, Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)


class SandboxState:
    """Thread-safe store of apps, persisted to a JSON file when one is given."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.apps: dict[str, App] = {}
        if path is not None and path.exists():
            doc = json.loads(path.read_text())
            for raw in doc.get("apps", []):
                app = App(
                    raw["api_key"],
                    raw["api_secret"],
                    raw.get("name", "sandbox"),
                    raw.get("event_hooks", []),
                    raw.get("settings", {}),
                )
                self.apps[app.api_key] = app

    def add_app(
        self,
        api_key: str,
        api_secret: str,
        name: str = "sandbox",
        settings: dict[str, Any] | None = None,
    ) -> App:
        """The app with this key; created with ``settings`` (e.g. ``use_hook_v2: false``
        for an app not yet on hooks v2) if it does not exist."""
        with self.lock:
            app = self.apps.get(api_key)
            if app is None:
                app = self.apps[api_key] = App(api_key, api_secret, name)
                app.settings.update(settings or {})
                self.save()
            return app

    def save(self) -> None:
        if self.path is None:
            return
        with self.lock:
            doc = {
                "apps": [
                    {
                        "api_key": a.api_key,
                        "api_secret": a.api_secret,
                        "name": a.name,
                        "event_hooks": a.event_hooks,
                        "settings": a.settings,
                    }
                    for a in self.apps.values()
                ]
            }
            write_private(self.path, json.dumps(doc, indent=1).encode())

    def app_json(self, api_key: str) -> dict[str, Any]:
        with self.lock:
            app = self.apps[api_key]
            return {
                # Stream's app object has a numeric id and use_hook_v2 (getstream 7.0's
                # AppResponseFields); a sandbox app is on hooks v2 unless started --legacy.
                "id": self.app_id(api_key),
                "use_hook_v2": True,
                **copy.deepcopy(app.settings),
                "name": app.name,
                "event_hooks": copy.deepcopy(app.event_hooks),
            }

    @staticmethod
    def app_id(api_key: str) -> int:
        """A stable numeric id per API key (Stream's app ids are integers)."""
        import zlib

        return 1000 + zlib.crc32(api_key.encode()) % 9_000_000

    def update(self, api_key: str, body: dict[str, Any]) -> None:
        """Apply a PATCH /app body; ``event_hooks`` replaces the whole array."""
        with self.lock:
            app = self.apps[api_key]
            if "event_hooks" in body:
                app.event_hooks = self._merge_hooks(app.event_hooks, body["event_hooks"])
            for key, value in body.items():
                if key != "event_hooks":
                    app.settings[key] = value
            self.save()

    @staticmethod
    def _merge_hooks(old: list[dict[str, Any]], new: Any) -> list[dict[str, Any]]:
        if not isinstance(new, list) or not all(isinstance(h, dict) for h in new):
            raise RejectedUpdate(
                "event_hooks must be an array of objects", {"event_hooks": "must be an array"}
            )
        fields: dict[str, str] = {}
        for index, hook in enumerate(new):
            for where, why in hook_errors(hook):
                fields.setdefault(f"event_hooks[{index}].{where}", why)
        for problem in array_errors(new):
            fields.setdefault("event_hooks", problem)
        if fields:
            first = next(iter(fields.items()))
            raise RejectedUpdate(f'UpdateApp failed with error: "{first[0]} {first[1]}"', fields)
        now = time.time_ns()
        by_id = {h.get("id"): h for h in old if h.get("id")}
        merged = []
        for hook in new:
            stored = copy.deepcopy(comparable(hook))
            previous = by_id.get(hook.get("id")) if hook.get("id") else None
            if not stored.get("id"):
                stored["id"] = str(uuid.uuid4())
            if "enabled" not in stored:
                stored["enabled"] = False
            if previous is None:
                stored["created_at"] = stored["updated_at"] = now
            else:
                stored["created_at"] = previous.get("created_at", now)
                unchanged = same_hook(previous, stored)
                stored["updated_at"] = previous.get("updated_at", now) if unchanged else now
            merged.append(stored)
        return merged
