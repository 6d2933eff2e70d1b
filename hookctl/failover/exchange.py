"""The requests session google-cloud-storage talks through: one deadline per exchange.

requests (urllib3 under it) bounds each socket operation, not an exchange: a GCS
endpoint sending a byte of its status line, headers or body every 200 ms kept a
bucket call going for as long as it dripped, whatever ``timeout=`` said, and an
answer that inflates to gigabytes was read whole. The session built here is the
storage Client's ``_http`` (google-auth's ``AuthorizedSession``, so tokens are still
attached and refreshed, through ``gauth.timed_request``), with one adapter mounted for
http:// and https:// whose every exchange (connect, request, status line, headers and
body, a streamed body included) ends within ``budget`` seconds of its start, and whose
answers are refused past ``MAX_ANSWER`` bytes once decoded.

How: ``send`` runs in ``deadline.within(budget)`` (the block the Stream client's httpx
transport keeps too). The connections its pools open shrink their connect timeout and
each write to what is left of it (the TLS handshake after a slow connect too), and
read their answer through a reader that shrinks each socket read to what is left. The reader keeps the deadline it was made with: a
streamed body (a media download) is read after ``send`` returned, outside the block.
Inside a call's own deadline (``gauth.bounded_retry`` runs each call, its retries
included, in ``within(timeout)``) an exchange gets at most what is left of that.
A read that finds no time left raises ``ExchangeTimeout`` (a ``TimeoutError``), which
urllib3 reports as a read timeout, as it does one that waited its whole timeout.

requests and urllib3 are imported by the functions that need them (lazy imports).
"""

from __future__ import annotations

import functools
import io
import time
from typing import Any

from hookctl.stream.deadline import MAX_ANSWER, AnswerTooLarge, ends, left_of, within


class ExchangeTimeout(TimeoutError):
    """An exchange with GCS ran past its deadline while the server was still answering."""

    def __init__(self) -> None:
        super().__init__("the exchange's time budget ran out")


def ran_out(exc: BaseException) -> bool:
    """Whether ``exc`` (as google-cloud-storage and requests wrapped it) is an exchange
    cut off at its deadline while the server was still answering."""
    seen: object = exc
    for _ in range(8):
        if isinstance(seen, ExchangeTimeout):
            return True
        if not isinstance(seen, BaseException):
            return False
        seen = seen.__cause__ or seen.__context__ or (seen.args[0] if seen.args else None)
    return False


def bounded_session(credentials: Any, *, budget: float, auth_request: Any) -> Any:
    """An ``AuthorizedSession`` for ``storage.Client(_http=…)``: every exchange within
    ``budget`` seconds, answers capped at ``MAX_ANSWER`` bytes, token refreshes (a 401,
    an expired token) through ``auth_request``."""
    from google.auth.transport.requests import AuthorizedSession

    session = AuthorizedSession(credentials, auth_request=auth_request)  # type: ignore[no-untyped-call]
    adapter = _adapter_class()(budget)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _Reader(io.RawIOBase):
    """A socket's reads, each given at most what is left before ``deadline``."""

    def __init__(self, raw: Any, sock: Any, deadline: float | None) -> None:
        super().__init__()
        self._raw, self._sock, self._deadline = raw, sock, deadline
        self._per_read = sock.gettimeout()  # the read timeout urllib3 set for this answer

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        wait = left_of(self._per_read, self._deadline, ExchangeTimeout)
        self._sock.settimeout(wait)
        try:
            got: int | None = self._raw.readinto(buffer)
        except TimeoutError:
            if wait == self._per_read:  # the read timeout, not the exchange's deadline
                raise
            raise ExchangeTimeout from None
        return got

    def fileno(self) -> int:
        number: int = self._raw.fileno()
        return number

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


@functools.cache
def _pools() -> dict[str, Any]:
    """urllib3 pools whose connections keep the deadline of the ``within()`` block."""
    import http.client

    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Answer(http.client.HTTPResponse):
        def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(sock, *args, **kwargs)
            # nothing is read yet: the socket's file, unbuffered, behind the deadline
            self.fp = io.BufferedReader(_Reader(self.fp.detach(), sock, ends()))

    def bounded(base: Any) -> Any:
        """``base`` (urllib3's plain or TLS connection), its connect and every write
        given at most what is left of the deadline, its answer read through ``Answer``."""

        class Bounded(base):  # type: ignore[misc]
            response_class = Answer

            def connect(self) -> None:
                conn: Any = self
                conn.timeout = left_of(conn.timeout, ends(), ExchangeTimeout)
                base.connect(conn)

            def _new_conn(self) -> Any:
                # the TCP connect took some of the time: the TLS handshake that follows
                # runs under the socket's timeout, so it gets only what is left
                sock = base._new_conn(self)
                try:
                    sock.settimeout(left_of(sock.gettimeout(), ends(), ExchangeTimeout))
                except ExchangeTimeout:
                    sock.close()
                    raise
                return sock

            def send(self, data: Any) -> None:
                conn: Any = self
                if conn.sock is not None:
                    conn.sock.settimeout(left_of(conn.timeout, ends(), ExchangeTimeout))
                base.send(conn, data)

        return Bounded

    Connection, SecureConnection = bounded(HTTPConnection), bounded(HTTPSConnection)

    class HTTPPool(HTTPConnectionPool):
        ConnectionCls = Connection

    class HTTPSPool(HTTPSConnectionPool):
        ConnectionCls = SecureConnection

    return {"http": HTTPPool, "https": HTTPSPool}


@functools.cache
def _capped() -> Any:
    import requests

    class Capped(requests.Response):
        """``iter_content`` (and so ``content`` and google's media downloads) refuses an
        answer past ``MAX_ANSWER`` bytes, counted decoded: a gzip bomb at its real size."""

        def iter_content(self, chunk_size: int | None = 1, decode_unicode: Any = False) -> Any:
            seen = 0
            chunks: Any = super().iter_content(chunk_size, decode_unicode)
            for chunk in chunks:
                seen += len(chunk)
                if seen > MAX_ANSWER:
                    self.close()
                    raise AnswerTooLarge(MAX_ANSWER)
                yield chunk

    return Capped


@functools.cache
def _adapter_class() -> Any:
    import requests.adapters
    import urllib3

    def bound(manager: Any) -> Any:
        manager.pool_classes_by_scheme = dict(_pools())
        return manager

    class Adapter(requests.adapters.HTTPAdapter):
        def __init__(self, budget: float) -> None:
            self.budget = budget
            super().__init__()

        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            bound(self.poolmanager)

        def proxy_manager_for(self, proxy: Any, **kwargs: Any) -> Any:
            manager = super().proxy_manager_for(proxy, **kwargs)
            # a SOCKS proxy's pools are its own kind: only their own timeouts hold there
            return bound(manager) if isinstance(manager, urllib3.ProxyManager) else manager

        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            # inside a call's own deadline (gauth.bounded_retry), an attempt gets at most
            # what is left of it: a retry started late does not get a whole budget
            outer = ends()
            left = self.budget if outer is None else min(self.budget, outer - time.monotonic())
            with within(max(left, 0.0)):
                return super().send(request, *args, **kwargs)

        def build_response(self, req: Any, resp: Any) -> Any:
            response = super().build_response(req, resp)
            response.__class__ = _capped()
            return response

    return Adapter
