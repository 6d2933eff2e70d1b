"""`listen` survives any body and any client (issue 23 item 8), over real sockets.

Before: no body limit (a 300 MB body was read whole and answered 200), a gzip bomb
ended in a socketserver traceback and no answer, `Content-Length: 10^12` a
MemoryError traceback, `abc` a ValueError traceback, `-1` hung the client, and
disconnects printed BrokenPipe tracebacks. Now each is a 4xx (or a quiet close) and
one line, and the receiver keeps serving.
"""

from __future__ import annotations

import contextlib
import gzip
import socket
from collections.abc import Iterator

import pytest

from hookctl.webhooks.receiver import Receiver
from hookctl.webhooks.signing import sign

SECRET = "s3cret-hostile"
BODY = b'{"type":"message.new"}'
LIMIT = 64 * 1024


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, list[str]]]:
    lines: list[str] = []
    server = Receiver([SECRET], body_limit=LIMIT, on_problem=lines.append).start()
    yield server, lines
    server.stop()


def _port(server: Receiver) -> int:
    return int(server.url.rsplit(":", 1)[1])


def _exchange(server: Receiver, head: bytes, body: bytes = b"", *, close: bool = False) -> bytes:
    """Send raw bytes; what came back before the server closed (or 5 s passed)."""
    with socket.create_connection(("127.0.0.1", _port(server)), timeout=5) as conn:
        with contextlib.suppress(OSError):  # answered and closed before the body was sent
            conn.sendall(head + body)
        if close:
            return b""
        return _read_answer(conn)


def _read_answer(conn: socket.socket) -> bytes:
    """The whole answer (its JSON body included), or what came before a close."""
    answer = b""
    with contextlib.suppress(OSError):
        while chunk := conn.recv(65536):
            answer += chunk
            if b"\r\n\r\n" in answer and answer.rstrip().endswith(b"}"):
                break
    return answer


def _post(headers: str) -> bytes:
    return f"POST / HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode()


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def _still_serves(server: Receiver) -> None:
    head = _post(f"X-Signature: {sign(BODY, SECRET)}\r\nX-Webhook-Id: w\r\n"
                 f"Content-Length: {len(BODY)}\r\n")  # fmt: skip
    assert _status(_exchange(server, head, BODY)) == 200


@pytest.mark.parametrize(
    ("headers", "body", "status", "said"),
    [
        ("Content-Length: 1000000000000\r\n", b"", 413, "over the"),
        (f"Content-Length: {LIMIT + 1}\r\n", b"x" * 1000, 413, "over the"),
        ("Content-Length: abc\r\n", b"", 400, "bad Content-Length"),
        ("Content-Length: -1\r\n", b"", 400, "bad Content-Length"),
        ("Content-Length: +5\r\n", b"{}", 400, "bad Content-Length"),
        ("Content-Length: 1_0\r\n", b"{}", 400, "bad Content-Length"),
        ("Content-Length: 2\r\nContent-Length: 3\r\n", b"{}", 400, "more than one"),
        ("Transfer-Encoding: chunked\r\n", b"zz\r\n", 400, "bad chunk size"),
        ("Transfer-Encoding: chunked\r\n", b"%x\r\n" % (LIMIT + 1), 413, "passes the"),
        ("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", b"", 400, "both"),
        ("Transfer-Encoding: gzip\r\n", b"", 501, "not supported"),
    ],
)
def test_a_bad_length_is_a_4xx_and_one_line(
    receiver: tuple[Receiver, list[str]],
    headers: str,
    body: bytes,
    status: int,
    said: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, lines = receiver
    assert _status(_exchange(server, _post(headers), body)) == status
    assert len(lines) == 1, lines
    assert said in lines[0]
    assert f"-> {status}" in lines[0]
    _still_serves(server)
    assert server.stats.requests == 1  # the refused one was never handled as an event
    assert capsys.readouterr().err == ""  # no traceback from the server thread


def test_a_body_within_the_limit_arrives_chunked_too(
    receiver: tuple[Receiver, list[str]],
) -> None:
    server, lines = receiver
    head = _post(f"X-Signature: {sign(BODY, SECRET)}\r\nTransfer-Encoding: chunked\r\n")
    half = len(BODY) // 2
    chunks = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (half, BODY[:half], len(BODY) - half,
                                                     BODY[half:])  # fmt: skip
    assert _status(_exchange(server, head, chunks)) == 200
    assert server.events[-1].signature_ok is True
    assert lines == []


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (gzip.compress(b" " * (LIMIT * 40), compresslevel=1), "does not decompress"),
        (gzip.compress(BODY)[:-6], "does not decompress"),  # truncated
        (b"\x1f\x8b" + b"\0" * 30, "does not decompress"),
    ],
    ids=["bomb", "truncated", "bad header"],
)
def test_a_bomb_or_a_broken_gzip_is_400_and_one_line(
    receiver: tuple[Receiver, list[str]],
    body: bytes,
    said: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, lines = receiver
    head = _post(f"Content-Encoding: gzip\r\nContent-Length: {len(body)}\r\n")
    assert _status(_exchange(server, head, body)) == 400
    assert len(lines) == 1, lines
    assert said in lines[0]
    _still_serves(server)
    assert capsys.readouterr().err == ""


def test_clients_that_go_away_are_one_line_each(
    receiver: tuple[Receiver, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    server, lines = receiver
    _exchange(server, _post("Content-Length: 1000\r\n"), b"x" * 10, close=True)  # mid-body
    _exchange(server, _post("Transfer-Encoding: chunked\r\n"), b"10\r\nabc", close=True)
    body = BODY
    head = _post(f"Content-Length: {len(body)}\r\n")
    with socket.create_connection(("127.0.0.1", _port(server)), timeout=5) as conn:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        conn.sendall(head + body)  # then reset before the answer is read
    _still_serves(server)  # serving the next request proves the three were dealt with
    gone = [line for line in lines if "went away" in line or "connection lost" in line]
    assert len(gone) >= 2, lines
    assert all("\n" not in line for line in lines)
    assert capsys.readouterr().err == ""


def test_a_large_body_is_refused_before_it_is_read() -> None:
    """The default limit (16 MiB): a client announcing 300 MB gets 413 at once; the
    server never reads (or holds) the body."""
    lines: list[str] = []
    server = Receiver([SECRET], on_problem=lines.append).start()
    try:
        head = _post(f"Content-Length: {300 * 1024 * 1024}\r\n")
        assert _status(_exchange(server, head, b"x" * 65536)) == 413
        expect = _post(f"Content-Length: {300 * 1024 * 1024}\r\nExpect: 100-continue\r\n")
        assert _status(_exchange(server, expect)) == 413  # no 100 Continue first
    finally:
        server.stop()
    assert len(lines) == 2


def test_listen_prints_one_warning_per_refused_request() -> None:
    """The command wires the receiver's lines to stderr: one `warning:` each."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "STREAM_API_SECRET": SECRET, "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hookctl", "listen", "--port", "0", "--count", "1"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        url = first.split("listening on ", 1)[1].split()[0]
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            conn.sendall(_post("Content-Length: abc\r\n"))
            assert _read_answer(conn).startswith(b"HTTP/1.1 400")
        signed = _post(
            f"X-Signature: {sign(BODY, SECRET)}\r\nX-Webhook-Id: w1\r\nContent-Length: {len(BODY)}\r\n"
        )
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            conn.sendall(signed + BODY)
            assert _read_answer(conn).startswith(b"HTTP/1.1 200")
        try:
            code = proc.wait(timeout=20)
        finally:
            proc.kill()
            rest = proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
    assert code == 0, rest
    warnings = [line for line in rest.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1, rest
    assert "bad Content-Length 'abc' -> 400" in warnings[0]
    assert "Traceback" not in rest
