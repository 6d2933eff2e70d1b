"""Google credentials and the storage client for failover buckets, every wait bounded.

google-auth's token request and google-cloud-storage's retry would otherwise
wait up to 120 s on an endpoint that never answers: here each token fetch and
each retry takes the global ``--timeout`` (``timeout=``), as does each exchange of
the storage client (``failover.exchange``: requests alone bounds each socket read,
not an exchange, so a dripping endpoint held a call for ever), and a failure names
what was waited for (the key's own ``token_uri``, its service account, a clock
that looks wrong). ``probe.py`` (the permission checks), ``gcs.py`` (the bucket
replay reads) and the sandbox's emitter build their clients here.
"""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import urlsplit

from hookctl.base.errors import HookctlError
from hookctl.base.retry import TIMED_OUT, network_reason
from hookctl.config.settings import DEFAULT_TIMEOUT
from hookctl.failover.keys import ServiceAccountKey

TIMEOUT = DEFAULT_TIMEOUT
SCOPE = "https://www.googleapis.com/auth/devstorage.read_write"


def bounded_retry(timeout: float = TIMEOUT) -> Any:
    """google-cloud-storage's retry, bounded by ``timeout`` (its default waits 120 s).

    The retry starts no attempt after ``timeout``, and each call it wraps runs in
    ``deadline.within(timeout)``, so an attempt gets at most what is left of the call's
    ``timeout`` (``failover.exchange``): a whole call, retries included, ends within it."""
    from google.cloud.storage.retry import DEFAULT_RETRY

    bounded = _call_retry()(predicate=DEFAULT_RETRY._predicate, timeout=timeout)
    return bounded.with_delay(initial=0.2, maximum=2.0)


@functools.cache
def _call_retry() -> Any:
    from google.api_core.retry import Retry

    from hookctl.stream.deadline import within

    class CallRetry(Retry):
        """A ``Retry`` whose wrapped call, all its attempts, runs within its timeout."""

        def __call__(self, func: Any, on_error: Any = None) -> Any:
            retried = super().__call__(func, on_error)
            budget: float | None = self._timeout
            if budget is None:
                return retried

            @functools.wraps(func)
            def call(*args: Any, **kwargs: Any) -> Any:
                with within(budget):
                    return retried(*args, **kwargs)

            return call

    return CallRetry


def timed_request(timeout: float) -> Any:
    """A google-auth transport whose every request, its whole answer included, ends
    within ``timeout`` seconds (google-auth's own waits up to 120 s, and requests bounds
    each socket read: a token endpoint that drips its answer a byte at a time held a
    token fetch for ever). Built on the Stream client's bounded exchange (httpx)."""
    import google.auth.exceptions
    import httpx
    from google.auth import transport

    from hookctl.stream.deadline import AnswerTooLarge, deadline_transport, read_capped, within

    class _Answer(transport.Response):
        def __init__(self, status: int, headers: dict[str, str], data: bytes) -> None:
            self._status, self._headers, self._data = status, headers, data

        @property
        def status(self) -> int:
            return self._status

        @property
        def headers(self) -> dict[str, str]:
            return self._headers

        @property
        def data(self) -> bytes:
            return self._data

    class _TimedRequest(transport.Request):
        def __init__(self) -> None:
            self._client = httpx.Client(transport=deadline_transport())

        def __call__(
            self,
            url: str,
            method: str = "GET",
            body: bytes | None = None,
            headers: dict[str, str] | None = None,
            timeout: float | None = None,
            **_: Any,
        ) -> _Answer:
            wait = min(float(timeout or timeout_), timeout_)
            try:
                with within(wait):
                    asked = self._client.build_request(
                        method, url, content=body, headers=headers, timeout=wait
                    )
                    answer = self._client.send(asked, stream=True)
                    try:
                        data = read_capped(answer, _TOKEN_ANSWER)
                    finally:
                        answer.close()
            except (httpx.HTTPError, AnswerTooLarge) as exc:
                raise google.auth.exceptions.TransportError(exc) from exc  # type: ignore[no-untyped-call]
            return _Answer(answer.status_code, dict(answer.headers), data)

    timeout_ = timeout
    return _TimedRequest()


_TOKEN_ANSWER = 1024 * 1024  # a token answer is a few hundred bytes


def refresh_token(
    credentials: Any, *, timeout: float, key: ServiceAccountKey | None = None
) -> None:
    """Fetch a token now, within ``timeout``; failures name the token endpoint's host."""
    import google.auth.exceptions

    try:
        credentials.refresh(timed_request(timeout))
    except (google.auth.exceptions.RefreshError, google.auth.exceptions.TransportError) as exc:
        raise token_error(exc, credentials, timeout=timeout, key=key) from None


def token_error(
    exc: Exception, credentials: Any, *, timeout: float, key: ServiceAccountKey | None = None
) -> HookctlError:
    """What a failed token fetch (google-auth's ``RefreshError`` or ``TransportError``,
    up front or a refresh in the middle of a call) means for the user."""
    import google.auth.exceptions

    if isinstance(exc, google.auth.exceptions.RefreshError):
        if key is None:
            return HookctlError(
                f"cannot get a token for GCS: {short(str(exc))}", "check `gcloud auth`"
            )
        return _refresh_error(key, str(exc))
    uri = str(
        (key.info.get("token_uri") if key is not None else None)
        or getattr(credentials, "_token_uri", None)
        or getattr(credentials, "token_uri", None)
        or "https://oauth2.googleapis.com/token"
    )
    host = urlsplit(uri).netloc or uri
    reason = network_reason(cause(exc))
    what = (
        f"did not answer within {timeout:g}s"
        if reason == TIMED_OUT or "timed out" in str(exc).lower()
        else f"could not be reached: {reason}"
    )
    return HookctlError(
        f"the token endpoint {uri} {what}",
        f"check DNS and network access to {host} (proxy, firewall); "
        "raise --timeout if it is only slow",
    )


def cause(exc: BaseException) -> BaseException:
    """The innermost exception google-auth and requests wrapped."""
    seen = 0
    while seen < 8:
        inner = exc.__cause__ or exc.__context__ or (exc.args[0] if exc.args else None)
        if not isinstance(inner, BaseException):
            return exc
        exc, seen = inner, seen + 1
    return exc


def credentials_for(key: ServiceAccountKey, timeout: float = TIMEOUT) -> Any:
    """Service-account credentials with a token fetched now, within ``timeout``."""
    from google.oauth2 import service_account

    creds = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        key.info, scopes=[SCOPE]
    )
    refresh_token(creds, timeout=timeout, key=key)
    return creds


def _refresh_error(key: ServiceAccountKey, text: str) -> HookctlError:
    who = f"service account {key.client_email} (key {key.key_id[:8]}…)"
    lowered = text.lower()
    if "invalid_grant" in lowered and (
        "signature" in lowered
        or "not found" in lowered
        or "disabled" in lowered
        or "revoked" in lowered
    ):
        return HookctlError(
            f"Google refused the key: {who} was deleted, disabled, or the key "
            "was revoked (invalid_grant)",
            "create a new key for an enabled service account and use that",
        )
    if re.search(r"\b(iat|exp)\b|too early|in the future|short-lived", lowered):
        return HookctlError(
            f"Google refused the key's token: this machine's clock looks wrong "
            f"(invalid_grant: {short(text)})",
            "sync the clock (e.g. `timedatectl set-ntp true`) and try again",
        )
    if "invalid_grant" in lowered:
        return HookctlError(
            f"Google refused the key of {who} (invalid_grant: {short(text)})",
            "create a new key for the service account",
        )
    return HookctlError(
        f"the token request for {who} failed: {short(text)}", "check the key and the network"
    )


def short(text: str) -> str:
    """An error text on one line, at most 200 characters."""
    return " ".join(text.split())[:200]


def storage_client(
    key: ServiceAccountKey | None, endpoint: str | None, timeout: float = TIMEOUT
) -> Any:
    """A storage Client whose every exchange ends within ``timeout`` seconds (the
    session of ``failover.exchange``), with a token fetched now through the same bound."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    creds = (
        credentials_for(key, timeout) if key is not None else AnonymousCredentials()  # type: ignore[no-untyped-call]
    )
    from hookctl.failover.exchange import bounded_session

    options = {"api_endpoint": endpoint} if endpoint else None
    project = key.project_id if key is not None else "hookctl"
    session = bounded_session(creds, budget=timeout, auth_request=timed_request(timeout))
    return storage.Client(project=project, credentials=creds, client_options=options, _http=session)
