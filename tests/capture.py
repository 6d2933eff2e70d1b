"""A loopback stand-in for Stream's app endpoints that records every request's raw bytes.

Unlike the sandbox it keeps whatever the test puts in ``app`` (server-managed
fields, legacy fields, S3 configs) and answers a PATCH the way Stream does:
``event_hooks`` replaces the array, ids are kept, ``created_at``/``updated_at``
are set by the server.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.loopback import Loopback, Reply, Request


@dataclass
class Captured:
    method: str
    path: str
    body: bytes


@dataclass
class FakeStream:
    app: dict[str, Any]
    requests: list[Captured] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # path -> JSON answered to GET
    url: str = ""

    def writes(self) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.requests if r.method == "PATCH"]


@contextmanager
def fake_stream(app: dict[str, Any], extra: dict[str, Any] | None = None) -> Iterator[FakeStream]:
    fake = FakeStream(app, extra=extra or {})
    lock = threading.Lock()

    def patch(body: dict[str, Any]) -> None:
        old = {h.get("id"): h for h in fake.app.get("event_hooks") or []}
        now = time.time_ns()
        merged = []
        for hook in body.get("event_hooks", []):
            stored = dict(hook)
            stored.setdefault("id", str(uuid.uuid4()))
            previous = old.get(stored["id"], {})
            stored["created_at"] = previous.get("created_at", now)
            stored["updated_at"] = now
            merged.append(stored)
        fake.app["event_hooks"] = merged

    def handle(request: Request) -> Reply:
        path = request.path.removeprefix("/api/v2")
        with lock:
            fake.requests.append(Captured(request.method, path, request.body))
            if path == "/app" and request.method == "GET":
                return Reply(200, {"app": fake.app, "duration": "0.1ms"})
            if path == "/app" and request.method == "PATCH":
                patch(request.json())
                return Reply(201, {"duration": "0.1ms"})
            if request.method == "GET" and path in fake.extra:
                return Reply(200, fake.extra[path])
            return Reply(404, {"code": 16, "message": "no such path", "StatusCode": 404})

    with Loopback() as server:
        server.route("*", "*", handler=handle)
        fake.url = server.base_url
        yield fake
