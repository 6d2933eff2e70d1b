"""`listen`, the receiver and the sandbox take bursts of concurrent deliveries.

Stream delivers up to 16 requests at once. With the standard library's backlog of 5, a
connection beyond the sixth had its SYN dropped and waited a second for the retransmission.
"""

from __future__ import annotations

import socket

from hookctl.sandbox.server import SandboxServer
from hookctl.sandbox.state import SandboxState
from hookctl.webhooks.receiver import Receiver


def _connects(address: tuple[str, int], count: int) -> int:
    """How many of ``count`` connections to a server that accepts nothing yet get through
    within 0.5 s each (a dropped SYN is retried only after a second)."""
    sockets: list[socket.socket] = []
    connected = 0
    try:
        for _ in range(count):
            sock = socket.socket()
            sockets.append(sock)
            sock.settimeout(0.5)
            try:
                sock.connect(address)
            except OSError:
                continue
            connected += 1
    finally:
        for sock in sockets:
            sock.close()
    return connected


def test_a_burst_of_40_connections_to_listen_is_queued_not_dropped() -> None:
    receiver = Receiver(["secret"])  # not started: nothing accepts, the backlog holds them
    try:
        address = receiver._server.server_address
        assert _connects((str(address[0]), int(address[1])), 40) == 40
    finally:
        receiver._server.server_close()


def test_a_burst_of_40_connections_to_the_sandbox_is_queued_not_dropped() -> None:
    server = SandboxServer(SandboxState(None))  # not started
    try:
        assert _connects(("127.0.0.1", server.port), 40) == 40
    finally:
        server._server.server_close()
