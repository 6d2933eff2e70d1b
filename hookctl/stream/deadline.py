"""One deadline for a whole HTTP exchange through httpx, and a cap on what is read.

httpx's timeouts bound each socket operation, not the exchange: a server that sends
one byte of its status line, headers or body every few hundred milliseconds (or an
endless chunked body) kept ``hooks list --timeout 2`` waiting forever, and a 300 MB
answer was read whole into memory. Here every read and write of a connection opened
through ``deadline_transport()`` waits at most until the deadline of the ``within()``
block it runs in, and ``read_capped`` stops reading an answer (decoded: a gzip bomb
counts at its inflated size) past a byte limit.

httpx and httpcore are imported by the functions that need them (lazy imports).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

MAX_ANSWER = 16 * 1024 * 1024  # an app's settings are KBs; this bounds one answer

_DEADLINE: ContextVar[float | None] = ContextVar("hookctl_http_deadline", default=None)


class AnswerTooLarge(Exception):
    """An answer passed ``read_capped``'s limit (after decoding)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"an answer over {limit} bytes")
        self.limit = limit


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Every network read and write in this block ends by ``seconds`` from now."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def ends() -> float | None:
    """When the enclosing ``within()`` block's time runs out (``time.monotonic()``), or
    None outside one: for a reader that outlives the block (``failover.exchange``)."""
    return _DEADLINE.get()


def left_of(timeout: Any, end: float | None, error: Callable[[], Exception]) -> Any:
    """``timeout`` (seconds; None or a library's default marker: none of its own)
    shortened to what is left before ``end`` (``time.monotonic()``; None: no deadline);
    ``error()`` is raised once nothing is left."""
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error()
    return min(timeout, left) if isinstance(timeout, int | float) else left


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of the deadline; ``error`` once none is."""
    left: float | None = left_of(
        timeout, _DEADLINE.get(), lambda: error("the call's time budget ran out")
    )
    return left


def deadline_transport(**options: Any) -> httpx.HTTPTransport:
    """An ``httpx.HTTPTransport`` whose connections keep the ``within()`` deadline."""
    import httpcore
    import httpx

    class Stream(httpcore.NetworkStream):
        def __init__(self, inner: httpcore.NetworkStream) -> None:
            self._inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

        def close(self) -> None:
            self._inner.close()

        def start_tls(
            self,
            ssl_context: Any,
            server_hostname: str | None = None,
            timeout: float | None = None,
        ) -> httpcore.NetworkStream:
            left = _left(timeout, httpcore.ConnectTimeout)
            return Stream(self._inner.start_tls(ssl_context, server_hostname, left))

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class Backend(httpcore.NetworkBackend):
        def __init__(self, inner: httpcore.NetworkBackend) -> None:
            self._inner = inner

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> httpcore.NetworkStream:
            left = _left(timeout, httpcore.ConnectTimeout)
            return Stream(self._inner.connect_tcp(host, port, left, local_address, socket_options))

        def connect_unix_socket(
            self, path: str, timeout: float | None = None, socket_options: Any = None
        ) -> httpcore.NetworkStream:  # pragma: no cover - hookctl speaks TCP only
            left = _left(timeout, httpcore.ConnectTimeout)
            return Stream(self._inner.connect_unix_socket(path, left, socket_options))

        def sleep(self, seconds: float) -> None:
            self._inner.sleep(seconds)

    transport = httpx.HTTPTransport(**options)
    # httpx builds its connection pool (or proxy pool) with httpcore's default backend
    # and offers no option to pass one; the pool's backend is the one seam there is.
    pool = transport._pool
    pool._network_backend = Backend(pool._network_backend)
    return transport


def read_capped(response: httpx.Response, limit: int = MAX_ANSWER) -> bytes:
    """The decoded body of a streamed ``response``, or ``AnswerTooLarge`` past ``limit``."""
    length = response.headers.get("content-length", "")
    if (
        length.isascii()
        and length.isdigit()
        and int(length) > limit
        and ("content-encoding" not in response.headers)
    ):
        raise AnswerTooLarge(limit)
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limit:
            raise AnswerTooLarge(limit)
    return bytes(body)
