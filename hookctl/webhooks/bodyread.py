"""A request body read within a limit, whatever the client sends (``listen``).

Whoever can reach the port is untrusted. The body's size is checked before it is
read: a ``Content-Length`` must be ASCII digits (no sign, no ``_``) no larger than the
limit; a chunked body is read chunk by chunk and refused as soon as the total passes
it; a gzip body is refused when it inflates past the limit, found without inflating
more than that. Every refusal is a ``BodyRefused`` with the status to answer and one
line saying why; a client that goes away mid-body is a ``ClientGone``. Standard library only.
"""

from __future__ import annotations

from typing import BinaryIO

MAX_LISTEN_BODY = 16 * 1024 * 1024  # Stream's bodies are KBs; this bounds one request
_CHUNK_LINE = 1024  # a chunk-size line (with extensions) longer than this is malformed


class BodyRefused(Exception):
    """A body not read (or not decoded): answer ``status``, log ``reason``."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class ClientGone(Exception):
    """The client closed the connection (or stalled past the timeout) mid-request."""


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if len(data) < size:
        raise ClientGone(f"the client sent {len(data)} of {size} body bytes and went away")
    return data


def check_length(value: str, limit: int) -> int:
    """A Content-Length value as a size within ``limit``, or ``BodyRefused``."""
    if not value.isascii() or not value.isdigit():
        raise BodyRefused(400, f"bad Content-Length {value[:40]!r}")
    if len(value) > 20 or int(value) > limit:
        raise BodyRefused(413, f"Content-Length {value[:40]} is over the {limit}-byte limit")
    return int(value)


def _chunked(stream: BinaryIO, limit: int) -> bytes:
    body = bytearray()
    while True:
        line = stream.readline(_CHUNK_LINE + 1)
        if not line.endswith(b"\n"):
            if len(line) > _CHUNK_LINE:
                raise BodyRefused(400, "a chunk-size line is too long")
            raise ClientGone("the client went away inside a chunked body")
        size_text = line.split(b";", 1)[0].strip()
        if not size_text or any(c not in b"0123456789abcdefABCDEF" for c in size_text):
            raise BodyRefused(400, f"bad chunk size {size_text[:20]!r}")
        size = int(size_text, 16)
        if size == 0:
            break
        if len(body) + size > limit:
            raise BodyRefused(413, f"the chunked body passes the {limit}-byte limit")
        body += _read_exactly(stream, size)
        if _read_exactly(stream, 2) != b"\r\n":
            raise BodyRefused(400, "a chunk does not end with CRLF")
    while True:  # trailers, up to the blank line
        line = stream.readline(_CHUNK_LINE + 1)
        if not line:
            raise ClientGone("the client went away inside a chunked body")
        if line in (b"\r\n", b"\n"):
            return bytes(body)
        if len(line) > _CHUNK_LINE:
            raise BodyRefused(400, "a trailer line is too long")


def read_body(headers: dict[str, str], stream: BinaryIO, limit: int = MAX_LISTEN_BODY) -> bytes:
    """The request body (``headers`` lower-cased) read from ``stream``, never more than
    ``limit`` bytes; ``BodyRefused`` or ``ClientGone`` otherwise."""
    encoding = headers.get("transfer-encoding", "").strip().lower()
    if encoding:
        if encoding != "chunked":
            raise BodyRefused(501, f"Transfer-Encoding {encoding[:40]!r} is not supported")
        if "content-length" in headers:  # a request smuggling shape: refuse, don't pick
            raise BodyRefused(400, "both Transfer-Encoding and Content-Length")
        return _chunked(stream, limit)
    value = headers.get("content-length")
    if value is None:
        return b""
    return _read_exactly(stream, check_length(value.strip(), limit))
