"""The sandbox HTTP server: Stream's app-settings and check endpoints on loopback.

Standard-library ``ThreadingHTTPServer`` (HTTP/1.1, keep-alive). This module is
the server object: the state every request shares (the apps, injected faults,
the rate-limit window, registered keys, emit jobs) and ``SandboxServer``, which
starts and stops it. What each request does (auth, routes, error bodies) is
``hookctl.sandbox.routes``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hookctl.sandbox.jobs import Jobs
from hookctl.sandbox.routes import Handler
from hookctl.sandbox.state import SandboxState
from hookctl.sandbox.tokens import KeyRing
from hookctl.serving import Server

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
        self, addr: tuple[str, int], state: SandboxState, log: Callable[[str], None] | None
    ) -> None:
        super().__init__(addr, Handler)
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


class SandboxServer:
    """Run the sandbox on ``host:port`` (port 0 picks a free one)."""

    def __init__(
        self,
        state: SandboxState,
        host: str = "127.0.0.1",
        port: int = 0,
        log: Callable[[str], None] | None = None,
        *,
        gcs_endpoint: str | None = None,
        event_log: Callable[[str], None] | None = None,
    ) -> None:
        self.state = state
        self._server = SharedState((host, port), state, log)
        self._server.gcs_endpoint = gcs_endpoint
        self._server.event_log = event_log
        self._thread: threading.Thread | None = None

    def drop_faults(self, api_key: str | None = None) -> int:
        """Forget injected faults (only ``api_key``'s when given); returns how many."""
        return self._server.drop_faults(api_key)

    @property
    def emitted(self) -> list[dict[str, Any]]:
        """Every outcome of ``/_sandbox/emit`` so far (tests read it)."""
        return self._server.emitted

    @property
    def emit_jobs(self) -> Jobs:
        """The ``sandbox emit`` jobs this server ran or runs (tests read them)."""
        return self._server.jobs

    @property
    def gcs_endpoint(self) -> str | None:
        return self._server.gcs_endpoint

    @gcs_endpoint.setter
    def gcs_endpoint(self, value: str | None) -> None:
        self._server.gcs_endpoint = value

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        host = self._server.server_address[0]
        return (
            f"http://{host!s}:{self.port}"
            if isinstance(host, str)
            else f"http://127.0.0.1:{self.port}"
        )

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.2)

    def start(self) -> SandboxServer:
        self._thread = threading.Thread(
            target=self.serve_forever, name="hookctl-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
