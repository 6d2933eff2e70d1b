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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


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

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _handle(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urlsplit(self.path).path.removeprefix("/api/v2")
            with lock:
                fake.requests.append(Captured(self.command, path, raw))
                if path == "/app" and self.command == "GET":
                    self._answer(200, {"app": fake.app, "duration": "0.1ms"})
                elif path == "/app" and self.command == "PATCH":
                    self._patch(json.loads(raw))
                    self._answer(201, {"duration": "0.1ms"})
                elif self.command == "GET" and path in fake.extra:
                    self._answer(200, fake.extra[path])
                else:
                    self._answer(404, {"code": 16, "message": "no such path", "StatusCode": 404})

        def _patch(self, body: dict[str, Any]) -> None:
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

        do_GET = do_PATCH = do_POST = _handle

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
