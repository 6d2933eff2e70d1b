"""The HTTP side of ``listen``'s receiver: one connection, whatever the client does.

A body is read within the receiver's limit before anything else (``bodyread``); a
refused body is answered 4xx with ``Connection: close``, a client that stalls past
``CLIENT_TIMEOUT`` or goes away is dropped, and either is one line through
``Receiver.problem``, never socketserver's traceback.
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from hookctl.webhooks.bodyread import BodyRefused, ClientGone, check_length, read_body
from hookctl.webhooks.serving import Server

if TYPE_CHECKING:
    from hookctl.webhooks.receiver import Receiver

CLIENT_TIMEOUT = 30.0  # seconds a client may stall mid-request before it is dropped


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
            self.receiver.problem(f"{self._peer()}: {gone}")
            self.close_connection = True
            return
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
    ``Receiver.problem``, not socketserver's traceback on stderr."""

    receiver: Receiver

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
