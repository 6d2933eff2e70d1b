"""A TCP peer on loopback that misbehaves below HTTP: for what ``tests.loopback`` cannot
script (bytes dripped one at a time, bodies without end, answers that are not HTTP).

    with RawPeer(drip(b"HTTP/1.1 200 OK\\r\\n", every=0.2, seconds=8)) as peer:
        cli("--timeout", "1", "hooks", "list")        # STREAM_BASE_URL=peer.url

Each connection runs the behaviour in its own thread: it reads the request head (and
a Content-Length body), then does what it was given. ``peer.connections`` counts them.
"""

from __future__ import annotations

import socket
import threading
import time
import zlib
from collections.abc import Callable
from types import TracebackType

Behaviour = Callable[[socket.socket], None]


def read_request(conn: socket.socket, wait: float = 5.0) -> bytes:
    """One request's head and Content-Length body (b"" if the client sent nothing)."""
    conn.settimeout(wait)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def drip(
    prefix: bytes, each: bytes = b" ", *, every: float = 0.2, seconds: float = 8.0
) -> Behaviour:
    """Answer ``prefix`` one byte at a time, then ``each`` every ``every`` seconds, for
    ``seconds`` in all (then close): always within any per-read timeout."""

    def behave(conn: socket.socket) -> None:
        read_request(conn)
        end = time.monotonic() + seconds
        for i in range(len(prefix)):
            conn.sendall(prefix[i : i + 1])
            time.sleep(every / 4)
        while time.monotonic() < end:
            conn.sendall(each)
            time.sleep(every)

    return behave


def endless_chunks(conn: socket.socket, seconds: float = 8.0) -> None:
    """A 200 with a chunked body that keeps coming (a chunk every millisecond, each
    within any per-read timeout) for ``seconds``."""
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
    conn.sendall(b"Transfer-Encoding: chunked\r\n\r\n")
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        conn.sendall(b"10\r\n" + b" " * 16 + b"\r\n")
        time.sleep(0.001)


def answer(status: str, body: bytes, headers: dict[str, str] | None = None) -> Behaviour:
    """One fixed answer per request, keep-alive."""
    fields = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    fields.update(headers or {})
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())

    def behave(conn: socket.socket) -> None:
        while read_request(conn):
            conn.sendall(head.encode() + b"\r\n" + body)

    return behave


def gzip_bomb(megabytes: int) -> bytes:
    """``megabytes`` MB of spaces, gzip-compressed (about 1 KB per MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1 << 20)
    return b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()


class RawPeer:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.connections = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> RawPeer:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._sock.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self.behaviour(conn)
        except OSError:
            pass  # the client gave up: what these peers are for
        finally:
            conn.close()
