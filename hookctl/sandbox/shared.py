"""What every sandbox request shares: injected faults, the rate-limit window, keys, jobs.

``SharedState`` is the listening socket and that state; ``routes.Handler`` reads it as
``self.server``. It lives apart from ``server`` (which starts and stops it) and from
``routes`` (what each request does), so the two import it and never each other.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from hookctl.sandbox.jobs import Jobs
from hookctl.sandbox.state import SandboxState
from hookctl.sandbox.tokens import KeyRing
from hookctl.webhooks.serving import Server

RATE_LIMIT = 1000


@dataclass
class Fault:
    """A misbehaviour injected through ``POST /_sandbox/faults`` for tests.

    With ``api_key`` it hits only requests for that app, so tests sharing one sandbox
    (in parallel, too) cannot take each other's faults; ``DELETE /_sandbox/faults``
    (``?api_key=`` for one app) drops what is left.
    """

    status: int
    count: int
    retry_after: str | None = None
    method: str | None = None
    api_key: str | None = None

    def applies(self, method: str, api_key: str) -> bool:
        return self.method in (None, method) and self.api_key in (None, api_key)


class SharedState(Server):
    """The listening socket and what every request shares; ``routes.Handler`` reads
    it as ``self.server``."""

    allow_reuse_address = True

    def __init__(
        self,
        addr: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        state: SandboxState,
        log: Callable[[str], None] | None,
    ) -> None:
        super().__init__(addr, handler)
        self.state = state
        self.log = log
        self.faults: list[Fault] = []
        self.fault_lock = threading.Lock()
        self.window_start = time.time()
        self.window_count = 0
        self.keyring = KeyRing()
        self.gcs_endpoint: str | None = None
        self.event_log: Callable[[str], None] | None = None
        self.emitted: list[dict[str, Any]] = []
        self.emit_lock = threading.Lock()
        self.jobs = Jobs()

    def add_fault(self, body: dict[str, Any]) -> None:
        """``POST /_sandbox/faults``: ``status``, ``count`` (1), ``retry_after``,
        ``method``, ``api_key`` (all optional but the status)."""
        fault = Fault(
            int(body["status"]),
            int(body.get("count", 1)),
            body.get("retry_after"),
            body.get("method"),
            body.get("api_key"),
        )
        with self.fault_lock:
            self.faults.append(fault)

    def take_fault(self, method: str, api_key: str) -> Fault | None:
        """The next injected fault for this request, if any (each fires ``count`` times)."""
        with self.fault_lock:
            for fault in self.faults:
                if fault.applies(method, api_key):
                    fault.count -= 1
                    if fault.count <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def drop_faults(self, api_key: str | None = None) -> int:
        """Forget injected faults (only ``api_key``'s when given); returns how many."""
        with self.fault_lock:
            kept = [f for f in self.faults if api_key is not None and f.api_key != api_key]
            dropped = len(self.faults) - len(kept)
            self.faults = kept
        return dropped

    def rate_limit_headers(self) -> dict[str, str]:
        """Count one answer in the current minute; Stream's lowercase rate-limit headers."""
        now = time.time()
        if now - self.window_start >= 60:
            self.window_start, self.window_count = now, 0
        self.window_count += 1
        return {
            "x-ratelimit-limit": str(RATE_LIMIT),
            "x-ratelimit-remaining": str(max(0, RATE_LIMIT - self.window_count)),
            "x-ratelimit-reset": str(int(self.window_start + 60)),
        }
