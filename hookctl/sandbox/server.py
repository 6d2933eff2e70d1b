"""The sandbox HTTP server: Stream's app-settings and check endpoints on loopback.

Standard-library ``ThreadingHTTPServer`` (HTTP/1.1, keep-alive). This module is
``SandboxServer``, which starts and stops it; the state every request shares (the
apps, injected faults, the rate-limit window, registered keys, emit jobs) is
``hookctl.sandbox.shared``, and what each request does (auth, routes, error bodies)
is ``hookctl.sandbox.routes``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from hookctl.sandbox.jobs import Jobs
from hookctl.sandbox.routes import Handler
from hookctl.sandbox.shared import SharedState
from hookctl.sandbox.state import SandboxState


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
        self._server = SharedState((host, port), Handler, state, log)
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
