"""A local webhook receiver (``hookctl listen``): verifies, de-duplicates, records.

Standard-library ``ThreadingHTTPServer`` with HTTP/1.1 keep-alive. It can be
told to fail on purpose (``status``, ``fail_rate``) to exercise retries.

Whoever can reach the port is untrusted: ``forward_to`` relays only requests
whose signature verified (``forward_unverified`` to change that), with only
Stream's headers, without following redirects (``relay.forward``); a saved
body's file name comes from a sanitised ``X-Webhook-Id`` (or its hash) and is
created inside ``save_dir`` only, never through a symlink.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hookctl.webhooks.bodyread import MAX_LISTEN_BODY
from hookctl.webhooks.compression import CorruptBody, InflatesTooFar, decode_body
from hookctl.webhooks.handler import ReceiverServer, handler_for
from hookctl.webhooks.signing import verify_any


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
        forward_unverified: bool = False,
        on_event: Callable[[Received], None] | None = None,
        on_problem: Callable[[str], None] | None = None,
        keep_bodies: bool = False,
        body_limit: int = MAX_LISTEN_BODY,
    ) -> None:
        self.secrets = secrets or []
        self.status = status
        self.fail_rate = fail_rate
        self.save_dir = save_dir
        self.forward_to = forward_to
        self.forward_unverified = forward_unverified
        self.on_event = on_event
        self.on_problem = on_problem
        self.body_limit = body_limit
        self.keep_bodies = keep_bodies
        self.bodies: dict[str, bytes] = {}
        self.events: list[Received] = []
        self.stats = Stats()
        self.lock = threading.Lock()
        self.seen: set[str] = set()
        self.done = threading.Event()
        self.stop_after: int | None = None
        self._answering = 0  # requests handed to handle() and not yet answered
        if save_dir is not None:
            save_dir.mkdir(parents=True, exist_ok=True)
        self._server = ReceiverServer((host, port), handler_for(self))
        self._server.receiver = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def handle(self, headers: dict[str, str], received: bytes) -> int:
        """One delivery: decode, verify, choose the answer, forward, record. Returns the
        status to answer with."""
        lower = {k.lower(): v for k, v in headers.items()}
        # Compressed deliveries are decoded as the SDKs do (gzip magic bytes); the
        # signature, the event type and saved bodies use the uncompressed JSON.
        body, compressed, corrupt = _decode(received, self.body_limit)
        if corrupt:
            self.problem(f"a body that does not decompress ({len(received)} bytes) -> 400")
        ok = self._verify(body, lower.get("x-signature"), corrupt)
        status = self._answer(corrupt)
        forwarded = self._forward(received, headers, status, ok)
        event_type = _event_type(body, corrupt)
        with self.lock:
            webhook_id = lower.get("x-webhook-id", "")
            duplicate = webhook_id in self.seen
            status = self._count(webhook_id, body, event_type, status, duplicate)
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
        if self.on_event:
            self.on_event(event)
        return status

    def problem(self, line: str) -> None:
        """One line about a request that was refused or a client that went away."""
        if self.on_problem is not None:
            self.on_problem(line)

    def answering(self) -> None:
        """A request is about to be handled and answered (``answered`` follows)."""
        with self.lock:
            self._answering += 1

    def answered(self) -> None:
        """After a reply went out: stop once ``stop_after`` events were accepted and no
        other request is still being answered. Stopping ends the process and closes the
        connections: a sender whose event was counted but not yet answered (two in flight
        at once) would see the delivery fail and retry into a closed port."""
        with self.lock:
            self._answering -= 1
            if self._answering > 0:
                return
            if self.stop_after is not None and self.stats.accepted >= self.stop_after:
                self.done.set()

    def _verify(self, body: bytes, signature: str | None, corrupt: bool) -> bool | None:
        """None without secrets (nothing to check); else whether the signature verified."""
        if not self.secrets:
            return None
        return (
            not corrupt
            and signature is not None
            and verify_any(body, signature, self.secrets) is not None
        )

    def _answer(self, corrupt: bool) -> int:
        """The status to answer: the configured one, 400 for a corrupt body (what an
        SDK's verify helper makes of it), or 500 on purpose at ``fail_rate``."""
        if corrupt:
            return 400
        status = self.status
        if 200 <= status < 300 and self.fail_rate and random.random() < self.fail_rate:
            return 500
        return status

    def _forward(
        self, received: bytes, headers: dict[str, str], status: int, ok: bool | None
    ) -> str | None:
        """Relay the bytes received to ``forward_to`` (verified requests only, unless
        ``forward_unverified``): the peer's status, an error, or why not forwarded."""
        if not self.forward_to or status >= 300:
            return None
        if ok is not True and not self.forward_unverified:
            return "not forwarded: signature not verified"
        from hookctl.webhooks.relay import forward

        return forward(self.forward_to, received, headers)

    def _count(
        self, webhook_id: str, body: bytes, event_type: str, status: int, duplicate: bool
    ) -> int:
        """Save and count one delivery (under ``self.lock``); the status, 500 when the
        body could not be saved (not seen either, so a retry can still land)."""
        self.stats.requests += 1
        if self.save_dir is not None and status < 300 and not duplicate:
            try:
                self._save(webhook_id, body)
            except OSError:
                status = 500
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
        return status

    def _save(self, webhook_id: str, body: bytes) -> None:
        """A new file in save_dir, named from a sanitised id (a hash when it needed
        changing): never a path outside the directory, never through a symlink."""
        assert self.save_dir is not None
        name = f"{int(time.time() * 1000)}-{safe_id(webhook_id)}.json"
        fd = os.open(
            self.save_dir / name,
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
            0o600,
        )
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)

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


def _decode(received: bytes, limit: int) -> tuple[bytes, bool, bool]:
    """(body, compressed, corrupt): a corrupt gzip body, or one that inflates past
    ``limit`` (a bomb), is kept as received and answered 400."""
    try:
        body, compressed, _ = decode_body(received, limit=limit)
    except (CorruptBody, InflatesTooFar):
        return received, True, True
    return body, compressed, False


def _event_type(body: bytes, corrupt: bool) -> str:
    try:
        return str(json.loads(body).get("type", "?"))
    except (ValueError, AttributeError, RecursionError):
        return "(corrupt gzip)" if corrupt else "(not JSON)"


_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def safe_id(webhook_id: str) -> str:
    """``webhook_id`` when it is a plain token (UUIDs are); otherwise a hash of it."""
    if _SAFE_ID.fullmatch(webhook_id):
        return webhook_id
    raw = webhook_id.encode("utf-8", "surrogatepass")
    return "id-" + hashlib.sha256(raw).hexdigest()[:32]
