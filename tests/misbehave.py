"""A loopback HTTP server that misbehaves on purpose, following a script."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Script:
    """Actions, one per request (the last repeats): ``200``, ``500``, ``429 ra=2``,
    ``408``, ``404``, ``drop`` (close without answering), ``sleep=1.5`` (then 200)."""

    def __init__(self, actions: list[str]) -> None:
        self.actions = actions
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def next(self, headers: dict[str, str], body: bytes) -> str:
        with self.lock:
            self.requests.append({"headers": headers, "body": body, "at": time.monotonic()})
            index = min(len(self.requests) - 1, len(self.actions) - 1)
            return self.actions[index]


@contextmanager
def misbehaving(actions: list[str]) -> Iterator[tuple[str, Script]]:
    script = Script(actions)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            action = script.next({k.lower(): v for k, v in self.headers.items()}, body)
            if action == "drop":
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            status, headers = 200, {}
            if action.startswith("sleep="):
                time.sleep(float(action.split("=")[1]))
            else:
                parts = action.split()
                status = int(parts[0])
                for part in parts[1:]:
                    if part.startswith("ra="):
                        headers["Retry-After"] = part[3:]
            reply = b"" if status in (204, 304) else b'{"answer": "%d"}' % status
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", script
    finally:
        server.shutdown()
        server.server_close()
