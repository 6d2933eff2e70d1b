"""`listen` bounds its connections: how many at once, and how long a request may take.

Found by the network half of issue 23's adversarial pass: 2,000 idle connections
made 2,000 handler threads (and file descriptors: at a usual limit of 1,024 the
listener could no longer accept), and 100 clients each sending one header byte every
20 s (below the 30 s read timeout) were all still held after a minute. Now connections
past the cap are answered 503 (``Retry-After: 1``) and closed, with one line per burst,
and a request that does not arrive whole within the client timeout is dropped.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from hookctl.webhooks.receiver import Receiver
from hookctl.webhooks.signing import sign
from tests.webhooks.test_hostile_clients import _read_answer

SECRET = "s3cret-connections"
BODY = b'{"type":"message.new","x":' + b"[" * 100_000 + b"]" * 100_000 + b"}"


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, list[str]]]:
    lines: list[str] = []
    server = Receiver([SECRET], on_problem=lines.append)
    server._server.max_connections = 4
    server._server.client_timeout = 1.0
    server.start()
    yield server, lines
    server.stop()


def _connect(server: Receiver) -> socket.socket:
    return socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1])), timeout=5)


def _post(body: bytes) -> bytes:
    head = (
        f"POST / HTTP/1.1\r\nHost: x\r\nX-Webhook-Id: w-{time.monotonic_ns()}\r\n"
        f"X-Signature: {sign(body, SECRET)}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def test_connections_past_the_cap_are_answered_503_and_closed(
    receiver: tuple[Receiver, list[str]],
) -> None:
    server, lines = receiver
    idle = [_connect(server) for _ in range(4)]
    time.sleep(0.2)  # accepted and handed to their threads
    extra = [_connect(server) for _ in range(3)]
    answers = [_read_answer(conn) for conn in extra]
    assert all(a.startswith(b"HTTP/1.1 503 ") and b"Retry-After: 1" in a for a in answers)
    assert [line for line in lines if "connections open" in line] == [
        "4 connections open: answering 503 to new ones until one closes"
    ]
    for conn in idle + extra:
        conn.close()
    time.sleep(0.3)
    with _connect(server) as conn:  # room again
        conn.sendall(_post(b'{"type":"message.new"}'))
        assert _read_answer(conn).startswith(b"HTTP/1.1 200 ")


def test_a_request_that_trickles_in_is_dropped_at_the_client_timeout(
    receiver: tuple[Receiver, list[str]],
) -> None:
    server, lines = receiver
    with _connect(server) as slow:
        slow.sendall(b"POST / HTTP/1.1\r\nX-A: ")
        closed = False
        for _ in range(40):  # one byte every 0.1 s, far inside any read timeout
            time.sleep(0.1)
            try:
                slow.sendall(b"a")
            except OSError:
                closed = True
                break
            if slow.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                closed = True
                break
        assert closed
    assert any("no whole request within 1s: dropped" in line for line in lines), lines


def test_an_idle_kept_alive_connection_is_not_reported(
    receiver: tuple[Receiver, list[str]],
) -> None:
    server, lines = receiver
    with _connect(server) as conn:
        conn.sendall(_post(b'{"type":"message.new"}'))
        assert _read_answer(conn).startswith(b"HTTP/1.1 200 ")
        time.sleep(1.6)  # past the request deadline, idle: not a slow client
    assert lines == []


def test_a_body_nested_too_deeply_is_answered(receiver: tuple[Receiver, list[str]]) -> None:
    """A signed body nested 100,000 deep was closed unanswered (RecursionError)."""
    server, _ = receiver
    with _connect(server) as conn:
        conn.sendall(_post(BODY))
        answer = _read_answer(conn)
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:80]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1]) == {"ok": True}
    assert server.events[-1].event_type == "(not JSON)"
