"""One scriptable HTTP server on loopback for tests: register routes per test, read what came.

Every fake endpoint a test needs (a receiver that fails on purpose, an OAuth token
endpoint, a GCS look-alike that refuses, a recording proxy) is this one server with
routes, instead of a hand-written ``BaseHTTPRequestHandler`` per test::

    from tests.loopback import DROP, Loopback, Reply, hang, redirect

    with Loopback() as server:
        url = server.route("POST", "/hook", 500, Reply(429, headers={"Retry-After": "1"}), 200)
        ...                                  # the 1st request gets 500, the 2nd 429, then 200s
        server.route("GET", "/slow", Reply(200, delay=2.0))     # answers after 2 s
        server.route("POST", "/gone", DROP)                      # closes without answering
        server.route("POST", "/stuck", hang(1.0))                # waits 1 s, then closes
        server.route("POST", "/moved", redirect("http://127.0.0.1:9/elsewhere", 307))
        server.route("*", "/storage/*", handler=lambda request: Reply(403))  # decide per request
        assert [r.headers["x-webhook-attempt"] for r in server.requests] == ["1", "2", "3"]

Routes
    ``route(method, path, *script, handler=None)`` returns the full URL of ``path``.
    ``method`` is ``"*"`` for any; a ``path`` ending in ``*`` matches by prefix (query
    strings are ignored). The first registered route that matches answers. A request no
    route matches gets ``404`` (and is still recorded).
Script
    One action per request, the last repeats: an ``int`` status, a ``Reply`` (status,
    body, headers, delay before answering), ``DROP`` (close the connection without a
    response) or ``hang(seconds)`` (wait, then close without a response). Each route
    keeps its own place in its script. ``tests/misbehave.py`` is a string shorthand for
    one receiver route: ``misbehaving(["429 ra=1", "drop", "200"])``.
Handler
    ``handler(request) -> action`` decides per request (it may sleep or record state of
    its own); it runs on the server's request thread.
Requests
    ``server.requests`` lists every request in arrival order: ``method``, ``target``
    (path and raw query, as sent), ``path``, ``query`` (parsed), ``headers``
    (lower-case names), ``body`` (bytes), ``at`` (``time.monotonic()`` on arrival);
    ``request.json()`` parses the body. ``server.requests_to(path)`` filters by path.

The server speaks HTTP/1.1 with keep-alive, one thread per connection, and is
stopped when the ``with`` block ends.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from hookctl.webhooks.serving import Server


@dataclass(frozen=True)
class Reply:
    """An HTTP answer. ``body``: bytes as is, anything else as JSON (default: ``{}``)."""

    status: int = 200
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering

    def encoded(self) -> bytes:
        if self.status in (204, 304):
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps({} if self.body is None else self.body).encode()


@dataclass(frozen=True)
class Drop:
    """Close the connection without answering, after ``after`` seconds."""

    after: float = 0.0


DROP = Drop()


def hang(seconds: float) -> Drop:
    """Hold the request ``seconds`` (past a client's timeout), then close without answering."""
    return Drop(after=seconds)


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, headers={"Location": location})


Action = int | Reply | Drop
Handler = Callable[["Request"], Action]


@dataclass
class Request:
    method: str
    target: str  # the request line's target, as sent: path and raw query
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _Route:
    method: str
    path: str
    script: list[Action]
    handler: Handler | None
    served: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method not in ("*", method):
            return False
        if self.path.endswith("*"):
            return path.startswith(self.path[:-1])
        return path == self.path


class Loopback:
    """A scriptable HTTP server on ``127.0.0.1`` and a free port (see the module docstring),
    or on ``port`` (an endpoint that goes down and comes back on the same address)."""

    def __init__(self, port: int = 0) -> None:
        self.requests: list[Request] = []
        self._routes: list[_Route] = []
        self._lock = threading.Lock()
        self._server = Server(("127.0.0.1", port), self._handler_class())
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def route(self, method: str, path: str, *script: Action, handler: Handler | None = None) -> str:
        if bool(script) == (handler is not None):
            raise ValueError("give a script of actions or a handler, not both or neither")
        with self._lock:
            self._routes.append(_Route(method.upper(), path, list(script), handler))
        return self.url(path.rstrip("*"))

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> Loopback:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Loopback:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _next_action(self, request: Request) -> Action:
        with self._lock:
            self.requests.append(request)
            route = next((r for r in self._routes if r.matches(request.method, request.path)), None)
            if route is None:
                return Reply(404, {"error": f"no route for {request.method} {request.path}"})
            if route.handler is None:
                action = route.script[min(route.served, len(route.script) - 1)]
            route.served += 1
        return route.handler(request) if route.handler is not None else action

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        loopback = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                return  # quiet: tests read ``requests``, not a log

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Request(
                    self.command,
                    self.path,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                    time.monotonic(),
                )
                action = loopback._next_action(request)
                if isinstance(action, int):
                    action = Reply(action)
                if isinstance(action, Drop):
                    time.sleep(action.after)
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                time.sleep(action.delay)
                body = action.encoded()
                self.send_response(action.status)
                headers = dict(action.headers)
                if not any(k.lower() == "content-type" for k in headers):
                    headers["Content-Type"] = "application/json"
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        return _Handler
