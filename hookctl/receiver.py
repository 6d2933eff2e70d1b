"""A local webhook receiver (``hookctl listen``): verifies, de-duplicates, records.

Standard-library ``ThreadingHTTPServer`` with HTTP/1.1 keep-alive. It can be
told to fail on purpose (``status``, ``fail_rate``) to exercise retries.
"""

from __future__ import annotations

import json
import random
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from hookctl.compression import CorruptBody, decode_body
from hookctl.signing import verify_any


@dataclass
class Received:
    webhook_id: str
    attempt: str
    event_type: str
    signature_ok: bool | None
    answered: int
    duplicate: bool
    size: int
    received_at: float
    forwarded: str | None = None
    compressed: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "webhook_id": self.webhook_id,
            "attempt": self._attempt_number(),
            "event_type": self.event_type,
            "signature_ok": self.signature_ok,
            "status": self.answered,
            "duplicate": self.duplicate,
            "bytes": self.size,
            "received_at": round(self.received_at, 3),
            **self._forward_json(),
            "compressed": self.compressed,
        }

    def _attempt_number(self) -> int | None:
        return int(self.attempt) if self.attempt.strip().isdigit() else None

    def _forward_json(self) -> dict[str, Any]:
        """``forwarded``: a boolean (None without --forward-to), with the status or error."""
        if self.forwarded is None:
            return {"forwarded": None, "forward_status": None, "forward_error": None}
        if self.forwarded.isdigit():
            status = int(self.forwarded)
            return {
                "forwarded": 200 <= status < 300,
                "forward_status": status,
                "forward_error": None,
            }
        error = self.forwarded.removeprefix("error: ")
        return {"forwarded": False, "forward_status": None, "forward_error": error}


@dataclass
class Stats:
    requests: int = 0
    accepted: int = 0  # unique events answered 2xx
    duplicates: int = 0
    bad_signatures: int = 0
    failed_on_purpose: int = 0
    by_type: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "unique_events": self.accepted,
            "duplicates": self.duplicates,
            "bad_signatures": self.bad_signatures,
            "failed_on_purpose": self.failed_on_purpose,
            "by_type": self.by_type,
        }


class Receiver:
    def __init__(
        self,
        secrets: list[str] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        status: int = 200,
        fail_rate: float = 0.0,
        save_dir: Path | None = None,
        forward_to: str | None = None,
        on_event: Callable[[Received], None] | None = None,
        keep_bodies: bool = False,
    ) -> None:
        self.secrets = secrets or []
        self.status = status
        self.fail_rate = fail_rate
        self.save_dir = save_dir
        self.forward_to = forward_to
        self.on_event = on_event
        self.keep_bodies = keep_bodies
        self.bodies: dict[str, bytes] = {}
        self.events: list[Received] = []
        self.stats = Stats()
        self.lock = threading.Lock()
        self.seen: set[str] = set()
        self.done = threading.Event()
        self.stop_after: int | None = None
        if save_dir is not None:
            save_dir.mkdir(parents=True, exist_ok=True)
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:  # quiet: stats, not a log
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = receiver.handle(dict(self.headers.items()), body)
                reply = json.dumps({"ok": 200 <= status < 300}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def do_GET(self) -> None:
                reply = json.dumps(receiver.stats.as_json()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        return Handler

    def handle(self, headers: dict[str, str], received: bytes) -> int:
        lower = {k.lower(): v for k, v in headers.items()}
        webhook_id = lower.get("x-webhook-id", "")
        signature = lower.get("x-signature")
        status = self.status
        # Compressed deliveries are decoded as the SDKs do (gzip magic bytes); the
        # signature, the event type and saved bodies use the uncompressed JSON.
        corrupt = False
        try:
            body, compressed, _ = decode_body(received)
        except CorruptBody:
            body, compressed, corrupt = received, True, True
        ok: bool | None = None
        if self.secrets:
            ok = (
                not corrupt
                and signature is not None
                and verify_any(body, signature, self.secrets) is not None
            )
        try:
            event_type = str(json.loads(body).get("type", "?"))
        except (ValueError, AttributeError):
            event_type = "(corrupt gzip)" if corrupt else "(not JSON)"
        if corrupt:
            status = 400  # what an SDK's verify helper makes of it: an invalid webhook
        if 200 <= status < 300 and self.fail_rate and random.random() < self.fail_rate:
            status = 500
        # --forward-to passes on what was received: the same bytes and headers.
        forwarded = self._forward(headers, received) if self.forward_to and status < 300 else None
        with self.lock:
            self.stats.requests += 1
            duplicate = webhook_id in self.seen
            if status >= 300:
                self.stats.failed_on_purpose += 1
            elif not duplicate:
                self.seen.add(webhook_id)
                self.stats.accepted += 1
                self.stats.by_type[event_type] = self.stats.by_type.get(event_type, 0) + 1
                if self.keep_bodies:
                    self.bodies[webhook_id] = body
            if duplicate:
                self.stats.duplicates += 1
            if ok is False:
                self.stats.bad_signatures += 1
            event = Received(
                webhook_id,
                lower.get("x-webhook-attempt", ""),
                event_type,
                ok,
                status,
                duplicate,
                len(received),
                time.time(),
                forwarded,
                compressed,
            )
            self.events.append(event)
            if self.save_dir is not None and status < 300 and not duplicate:
                name = f"{int(event.received_at * 1000)}-{webhook_id or 'no-id'}.json"
                (self.save_dir / name).write_bytes(body)
            if self.stop_after is not None and self.stats.accepted >= self.stop_after:
                self.done.set()
        if self.on_event:
            self.on_event(event)
        return status

    def _forward(self, headers: dict[str, str], body: bytes) -> str:
        keep = {
            k: v
            for k, v in headers.items()
            if k.lower().startswith("x-") or k.lower() in ("content-type", "content-encoding")
        }
        request = urllib.request.Request(
            str(self.forward_to), data=body, headers=keep, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return str(response.status)
        except urllib.error.HTTPError as err:
            return str(err.code)
        except OSError as err:
            return f"error: {err}"

    def start(self) -> Receiver:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
