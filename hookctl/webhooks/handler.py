"""The HTTP side of ``listen``'s receiver: one connection, whatever the client does.

A body is read within the receiver's limit before anything else (``bodyread``); a
refused body is answered 4xx with ``Connection: close``, a client that stalls past
``CLIENT_TIMEOUT`` or goes away is dropped, and either is one line through
``Receiver.problem``, never socketserver's traceback.

Whoever can reach the port may open connections without end, so they are bounded too:
at most ``MAX_CONNECTIONS`` at once (the most ``failover replay --concurrency`` opens);
one more is answered ``503`` with ``Retry-After: 1`` and closed, unread, and the first
refusal of a burst is one line. A request (its wait on a kept-alive connection, head
and body) must arrive whole within ``CLIENT_TIMEOUT`` of its start: a client that
sends a byte every few seconds (slowloris) is dropped then, not held for ever.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from hookctl.webhooks.bodyread import BodyRefused, ClientGone, check_length, read_body
from hookctl.webhooks.serving import Server

if TYPE_CHECKING:
    from hookctl.webhooks.receiver import Receiver

CLIENT_TIMEOUT = 30.0  # seconds a client has to send a whole request
MAX_CONNECTIONS = 256  # connections served at once; more are answered 503 and closed
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n"
    b'Content-Type: application/json\r\nContent-Length: 12\r\n\r\n{"ok":false}'
)


def handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    """The handler class of one receiver."""
    return type("Handler", (ReceiverHandler,), {"receiver": receiver})


class ReceiverHandler(BaseHTTPRequestHandler):
    """One connection to the receiver: bodies read within its limit, refusals and
    clients that go away as one line each (``Receiver.problem``)."""

    receiver: Receiver  # set on the subclass each Receiver makes
    busy = False  # a request is being read or answered
    protocol_version = "HTTP/1.1"
    timeout = CLIENT_TIMEOUT  # a client that stalls mid-request is dropped

    def log_message(self, *_args: Any) -> None:  # quiet: stats, not a log
        return

    def handle_one_request(self) -> None:
        # an idle kept-alive connection waits here (closed quietly at the read timeout);
        # the request's clock starts with its first byte
        if not self.rfile.peek(1):  # type: ignore[attr-defined]
            self.close_connection = True
            return
        server: ReceiverServer = self.server  # type: ignore[assignment]
        server.watch(self.connection, self._peer())
        try:
            super().handle_one_request()
        finally:
            server.unwatch(self.connection)

    def handle(self) -> None:
        self.busy = False
        try:
            super().handle()
        except (ConnectionError, TimeoutError) as exc:
            # gone mid-request or mid-answer: one line, never a traceback; a client that
            # closes an idle keep-alive connection (or resets it after its answer) is normal
            if self.busy:
                self.receiver.problem(f"{self._peer()}: connection lost ({type(exc).__name__})")

    def handle_expect_100(self) -> bool:
        """Refuse an oversize body before the client sends it."""
        try:
            _read_length_only(self, self.receiver.body_limit)
        except BodyRefused as refused:
            self.receiver.problem(f"{self._peer()}: {refused.reason} -> {refused.status}")
            self.close_connection = True
            self._reply(refused.status, close=True)
            return False
        return super().handle_expect_100()

    def _peer(self) -> str:
        return f"{self.client_address[0]}:{self.client_address[1]}"

    def do_POST(self) -> None:
        self.busy = True
        try:
            body = _read(self, self.receiver.body_limit)
        except BodyRefused as refused:
            self.receiver.problem(f"{self._peer()}: {refused.reason} -> {refused.status}")
            self.close_connection = True  # the unread body must not be parsed
            self._reply(refused.status, close=True)
            self.busy = False
            return
        except ClientGone as gone:
            if not self.server.dropped(self.connection):  # type: ignore[attr-defined]
                self.receiver.problem(f"{self._peer()}: {gone}")
            self.close_connection = True
            return
        self.server.unwatch(self.connection)  # type: ignore[attr-defined]
        self.receiver.answering()
        try:
            self._reply(self.receiver.handle(dict(self.headers.items()), body))
            self.busy = False
        finally:  # counted even if its sender left before the answer: --count still ends
            self.receiver.answered()

    def _reply(self, status: int, *, close: bool = False) -> None:
        reply = json.dumps({"ok": 200 <= status < 300}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        if close:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(reply)
        self.wfile.flush()

    def do_GET(self) -> None:
        reply = json.dumps(self.receiver.stats.as_json()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


class ReceiverServer(Server):
    """The receiver's server: whatever a handler did not catch is one line through
    ``Receiver.problem``, not socketserver's traceback on stderr; at most
    ``max_connections`` served at once, and each request whole within ``client_timeout``."""

    receiver: Receiver
    max_connections = MAX_CONNECTIONS
    client_timeout = CLIENT_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._count_lock = threading.Lock()
        self._open = 0
        self._refusing = False  # in a burst of refusals: said once
        self._deadlines: dict[socket.socket, tuple[float, str]] = {}
        self._dropped: set[socket.socket] = set()
        self._reaper: threading.Thread | None = None
        self._closed = False

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._count_lock:
            full = self._open >= self.max_connections
            if full:
                first, self._refusing = not self._refusing, True
            else:
                self._open += 1
                self._refusing = False
        if not full:
            super().process_request(request, client_address)
            return
        if first:
            self.receiver.problem(
                f"{self.max_connections} connections open: answering 503 to new ones "
                "until one closes"
            )
        try:
            request.settimeout(0.1)
            request.sendall(_BUSY)
        except OSError:
            pass  # gone already: nothing to tell
        self.shutdown_request(request)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._count_lock:
                self._open -= 1
                self._deadlines.pop(request, None)
                self._dropped.discard(request)

    def watch(self, conn: socket.socket, peer: str) -> None:
        """``conn``'s next request must arrive whole within ``client_timeout``."""
        with self._count_lock:
            self._deadlines[conn] = (time.monotonic() + self.client_timeout, peer)
            if self._reaper is None:
                self._reaper = threading.Thread(target=self._reap, daemon=True)
                self._reaper.start()

    def unwatch(self, conn: socket.socket) -> None:
        with self._count_lock:
            self._deadlines.pop(conn, None)

    def dropped(self, conn: socket.socket) -> bool:
        """Whether ``conn`` was cut off for taking too long (already said)."""
        with self._count_lock:
            return conn in self._dropped

    def server_close(self) -> None:
        self._closed = True
        super().server_close()

    def _reap(self) -> None:
        step = min(1.0, self.client_timeout / 4)
        while not self._closed:
            time.sleep(step)
            now = time.monotonic()
            with self._count_lock:
                late = [(c, peer) for c, (end, peer) in self._deadlines.items() if end <= now]
                for conn, _ in late:
                    del self._deadlines[conn]
                    self._dropped.add(conn)
            for conn, peer in late:
                self.receiver.problem(
                    f"{peer}: no whole request within {self.client_timeout:g}s: dropped"
                )
                with contextlib.suppress(OSError):  # the handler's read returns; it ends
                    conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, _request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        where = ":".join(str(part) for part in client_address)
        self.receiver.problem(f"{where}: request not answered ({type(exc).__name__})")


def _read(handler: BaseHTTPRequestHandler, limit: int) -> bytes:
    """The request body, within the limit (``bodyread``); two Content-Length or
    Transfer-Encoding headers are refused, not picked from."""
    for name in ("Content-Length", "Transfer-Encoding"):
        if len(handler.headers.get_all(name) or []) > 1:
            raise BodyRefused(400, f"more than one {name} header")
    lower = {k.lower(): v for k, v in handler.headers.items()}
    return read_body(lower, handler.rfile, limit)  # type: ignore[arg-type]


def _read_length_only(handler: BaseHTTPRequestHandler, limit: int) -> None:
    """The checks of ``_read`` that need no body (for ``Expect: 100-continue``)."""
    value = handler.headers.get("Content-Length")
    if value is not None and "Transfer-Encoding" not in handler.headers:
        check_length(value.strip(), limit)
