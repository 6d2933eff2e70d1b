"""The one threaded HTTP server class behind ``listen``, the receiver and the sandbox.

The standard library's ``socketserver`` listens with a backlog of 5. Stream (and the
sandbox, and ``replay``) deliver up to 16 requests at once, so connections beyond the
fifth waited for a SYN retransmission: one second each on Linux, seen as 32 deliveries
taking a second instead of a few milliseconds. A backlog of 128 removes that wait.
"""

from __future__ import annotations

from http.server import ThreadingHTTPServer

BACKLOG = 128


class Server(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` with a real accept backlog and daemon worker threads."""

    daemon_threads = True
    request_queue_size = BACKLOG
