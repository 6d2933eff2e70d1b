"""A loopback HTTP proxy in front of the sandbox that misbehaves on purpose.

Hooks (all optional), run in the proxy's handler thread:
- ``before(method, n)``: called before request number ``n`` (1-based, per method) is
  forwarded, e.g. to let a "teammate" change the sandbox in that window;
- ``alter_get(body)``: rewrites the JSON body of a GET answer;
- ``patch_reply(n)``: ``"forward"`` (default), ``"forward-502"`` (forward, then answer
  502 as if the answer were lost), ``"502"`` (answer 502 without forwarding),
  ``"forward-drop"`` (forward, then close the connection without answering).
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Behaviour:
    before: Callable[[str, int], None] | None = None
    alter_get: Callable[[Any], Any] | None = None
    patch_reply: Callable[[int], str] | None = None
    counts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, method: str) -> int:
        with self.lock:
            self.counts[method] = self.counts.get(method, 0) + 1
            return self.counts[method]


@contextmanager
def proxy(upstream: str, behaviour: Behaviour) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: Any) -> None:
            return

        def _forward(self, method: str, body: bytes | None) -> tuple[int, bytes]:
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in ("host", "content-length", "connection", "accept-encoding")
            }
            request = urllib.request.Request(
                upstream + self.path, data=body, method=method, headers=headers
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as exc:
                return exc.code, exc.read()

        def _reply(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            n = behaviour.count("GET")
            if behaviour.before:
                behaviour.before("GET", n)
            status, body = self._forward("GET", None)
            if behaviour.alter_get and status == 200:
                body = json.dumps(behaviour.alter_get(json.loads(body))).encode()
            self._reply(status, body)

        def do_PATCH(self) -> None:
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            n = behaviour.count("PATCH")
            if behaviour.before:
                behaviour.before("PATCH", n)
            mode = behaviour.patch_reply(n) if behaviour.patch_reply else "forward"
            if mode == "502":
                self._reply(502, b'{"message": "bad gateway"}')
                return
            status, body = self._forward("PATCH", data)
            if mode == "forward-502":
                self._reply(502, b'{"message": "bad gateway"}')
            elif mode == "forward-drop":
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
            else:
                self._reply(status, body)

        do_POST = do_PATCH

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
