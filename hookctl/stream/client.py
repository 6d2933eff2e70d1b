"""A small httpx client for the Stream endpoints hookctl needs.

Endpoints, auth and error shapes follow ``shared/stream-api.md``: every request
carries ``api_key`` as a query parameter, a bare server JWT in ``Authorization``
and ``stream-auth-type: jwt``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from hookctl import __version__
from hookctl.base.errors import ApiError, ConnectionFailed
from hookctl.base.retry import Budget, backoff, network_reason, rate_limit_reset, retry_after
from hookctl.hooks.array import writable
from hookctl.stream.deadline import AnswerTooLarge, deadline_transport, read_capped, within
from hookctl.webhooks.signing import server_token

API_PREFIX = "/api/v2"
READ_ATTEMPTS = 4
WRITE_ATTEMPTS = 3
MAX_WAIT = 30.0
HOOK_EVENTS_TIMEOUT = 5.0
Logger = Callable[[str], None]


def retry_delay(
    response: httpx.Response | None,
    attempt: int,
    *,
    now: float | None = None,
    cap: float = MAX_WAIT,
) -> float:
    """How long to wait before the next try: Retry-After, then the rate-limit
    reset, then exponential backoff with jitter; never more than ``cap``."""
    if response is not None:
        asked = retry_after(response.headers.get("retry-after"), cap=cap, now=now)
        if asked is not None:
            return asked
        if response.status_code == 429:
            reset = rate_limit_reset(response.headers.get("x-ratelimit-reset"), cap=cap, now=now)
            if reset is not None:
                return reset
    return backoff(attempt, first=0.25, cap=cap)


class StreamClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        api_secret: str,
        *,
        credentials: str = "the API key and secret",
        timeout: float = 10.0,
        log: Logger | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_hooks: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> None:
        from hookctl.base.redact import remember

        remember(api_secret)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._on_hooks = on_hooks
        self._credentials = credentials
        self._log = log
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self.base_url,
            params={"api_key": api_key},
            headers={
                "Authorization": server_token(api_secret),
                "stream-auth-type": "jwt",
                "X-Stream-Client": f"hookctl-{__version__}",
                "User-Agent": f"hookctl/{__version__}",
            },
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport or deadline_transport(),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> StreamClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ transport

    def _request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        idempotent: bool,
        timeout: float | None = None,
        prefix: str = API_PREFIX,
        attempts: int | None = None,
    ) -> Any:
        """One call: every attempt, and every wait between attempts, fits in one
        budget (``--timeout``, or ``timeout`` for this call); a ``Retry-After`` that
        does not fit ends the retries instead of stretching the wait."""
        url = prefix + path
        attempts = attempts or (READ_ATTEMPTS if idempotent else WRITE_ATTEMPTS)
        content = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if content is not None else None
        budget = Budget(timeout or self.timeout)
        for attempt in range(1, attempts + 1):
            started = time.perf_counter()
            response: httpx.Response | None = None
            left = max(budget.remaining(), 0.05)
            try:
                # the whole exchange, body included, within what is left of the budget:
                # a server that drips bytes or streams without end is cut off at the
                # deadline, and an answer over MAX_ANSWER bytes (decoded) is not read
                with within(left):
                    request = self._http.build_request(
                        method,
                        url,
                        content=content,
                        headers=headers,
                        timeout=httpx.Timeout(left, connect=min(left, 5.0)),
                    )
                    streamed = self._http.send(request, stream=True)
                    try:
                        answer = read_capped(streamed)
                    finally:
                        streamed.close()
                response = streamed  # only once its body is read
            except AnswerTooLarge as exc:
                raise self._too_large(method, url, exc.limit) from None
            except httpx.DecodingError:  # a Content-Encoding the body does not match
                raise ApiError(
                    f"Stream at {self.base_url} answered {method} {url} with a body "
                    "that does not decode",
                    "check --base-url: it must point at Stream's API or the hookctl sandbox",
                ) from None
            except httpx.TransportError as exc:
                self._note(f"{method} {url} -> {type(exc).__name__}")
                final = self._transport_failure(
                    exc, idempotent=idempotent, last=attempt == attempts, budget=budget
                )
                if final is not None:
                    raise final from None
            else:
                elapsed = (time.perf_counter() - started) * 1000
                self._note(f"{method} {url} -> {response.status_code} ({elapsed:.0f} ms)")
                retryable = response.status_code == 429 or (
                    idempotent and response.status_code >= 500
                )
                if response.is_success:
                    return self._json(response, answer)
                if not retryable or attempt == attempts:
                    raise self._error(response, answer)
            wait = retry_delay(response, attempt, cap=MAX_WAIT)
            if not budget.allows_wait(wait):
                self._note(
                    f"not retrying: waiting {wait:.1f}s would pass the {budget.seconds:g}s timeout"
                )
                if response is not None:
                    raise self._error(response, answer)
                raise self._no_answer(budget)
            self._note(f"retrying in {wait:.1f}s (attempt {attempt + 1} of {attempts})")
            self._sleep(wait)
        raise AssertionError("unreachable")

    def _transport_failure(
        self, exc: httpx.TransportError, *, idempotent: bool, last: bool, budget: Budget
    ) -> ConnectionFailed | None:
        """The error to raise for a request that got no response, or None to retry.

        Nothing reached the server after a connect failure, so even a write may be
        retried; a write that may have arrived is never sent twice."""
        connect_failed = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
        if not idempotent and not connect_failed:
            return self._unknown_outcome(exc)
        if not (last or budget.expired()):
            return None
        if isinstance(exc, httpx.TimeoutException):
            return self._no_answer(budget)
        if connect_failed:
            return ConnectionFailed(
                f"cannot reach Stream at {self.base_url}: {network_reason(exc)}",
                "check --base-url / STREAM_BASE_URL and your network; for the local "
                "sandbox run `hookctl sandbox start`",
                sent=False,
            )
        return ConnectionFailed(
            f"Stream at {self.base_url} did not answer: {network_reason(exc)}",
            "check --base-url / STREAM_BASE_URL, then try again",
        )

    def _no_answer(self, budget: Budget) -> ConnectionFailed:
        return ConnectionFailed(
            f"Stream at {self.base_url} did not answer within {budget.seconds:g}s",
            "try again; raise --timeout if the network is slow",
        )

    def _unknown_outcome(self, exc: Exception) -> ConnectionFailed:
        return ConnectionFailed(
            f"the write to {self.base_url} did not complete: {network_reason(exc)}",
            "the outcome is unknown; run `hookctl hooks list` to see the live hooks",
            sent=True,
        )

    def _note(self, line: str) -> None:
        if self._log:
            self._log(line)

    def _too_large(self, method: str, url: str, limit: int) -> ConnectionFailed:
        return ConnectionFailed(
            f"Stream at {self.base_url} answered {method} {url} with more than {limit} bytes",
            "check --base-url: it must point at Stream's API or the hookctl sandbox",
            sent=method != "GET",
        )

    def _json(self, response: httpx.Response, answer: bytes) -> Any:
        try:
            return _loads(answer)
        except ValueError:
            raise ApiError(
                f"Stream at {self.base_url} answered {response.status_code} with a body that is not JSON",
                "check --base-url: it must point at Stream's API or the hookctl sandbox",
                status=response.status_code,
            ) from None

    def _error(self, response: httpx.Response, answer: bytes) -> ApiError:
        status = response.status_code
        try:
            body = _loads(answer)
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        code = body.get("code")
        message = str(body.get("message") or response.reason_phrase or "error").strip()
        if status == 401:
            return ApiError(
                f"authentication failed: check {self._credentials} ({message})",
                "run `hookctl config show --sources` to see where each setting comes from",
                status=status,
                code=code,
            )
        if status == 403:
            return ApiError(
                f"not allowed: {message}",
                "the app may be suspended or the key lacks permission",
                status=status,
                code=code,
            )
        if status == 429:
            return ApiError(
                f"rate limited by Stream: {message}",
                "wait a minute and try again",
                status=status,
                code=code,
            )
        if status == 404:
            return ApiError(
                f"not found: {message}",
                "check --base-url: it must point at Stream's API root",
                status=status,
                code=code,
            )
        fields = body.get("exception_fields")
        detail = ""
        if isinstance(fields, dict) and fields:
            detail = " (" + "; ".join(f"{k}: {v}" for k, v in fields.items()) + ")"
        if status >= 500:
            return ApiError(
                f"Stream server error {status}: {message}",
                "try again later"
                + (
                    ""
                    if response.request.method == "GET"
                    else "; a write may still have been applied: check before repeating it"
                ),
                status=status,
                code=code,
            )
        return ApiError(
            f"Stream rejected the request ({status}): {message}{detail}",
            "fix the value it names and try again",
            status=status,
            code=code,
        )

    # ------------------------------------------------------------ endpoints

    def get_app(self) -> dict[str, Any]:
        body = self._request("GET", "/app", idempotent=True)
        app = body.get("app") if isinstance(body, dict) else None
        if not isinstance(app, dict):
            raise ApiError(
                f"Stream at {self.base_url} answered GET /app without an app object",
                "check --base-url",
            )
        return app

    def get_hooks(self) -> list[dict[str, Any]]:
        return self.hooks_of(self.get_app())

    def hooks_of(self, app: dict[str, Any]) -> list[dict[str, Any]]:
        """The ``event_hooks`` array of an app object from ``get_app``."""
        hooks = app.get("event_hooks") or []
        if not isinstance(hooks, list):
            raise ApiError("Stream returned event_hooks that is not a list", None)
        from hookctl.base.redact import remember_hooks

        remember_hooks(hooks)
        if self._on_hooks is not None:
            self._on_hooks(hooks)  # e.g. the shell-completion cache of hook ids
        return hooks

    def update_hooks(self, hooks: list[dict[str, Any]]) -> None:
        from hookctl.base.redact import remember_hooks

        remember_hooks(hooks)
        # Only client-writable fields: Stream maintains created_at/updated_at itself.
        self._request("PATCH", "/app", {"event_hooks": writable(hooks)}, idempotent=False)

    def get_hook_events(self, product: str | None = None) -> list[dict[str, Any]]:
        """Stream's live event list, ``GET /hook/events`` (the path stream-chat-js calls,
        without the /api/v2 prefix): ``[{"name", "description", "products"}]``."""
        path = "/hook/events" + (f"?product={product}" if product else "")
        # Optional data: one bounded try, so an offline machine falls back quickly.
        body = self._request(
            "GET", path, idempotent=True, prefix="", attempts=1, timeout=HOOK_EVENTS_TIMEOUT
        )
        events = body.get("events") if isinstance(body, dict) else None
        if not isinstance(events, list):
            raise ApiError(
                f"Stream at {self.base_url} answered GET /hook/events without an events list",
                None,
            )
        return [e for e in events if isinstance(e, dict)]

    def check_sqs(self, key: str, secret: str, url: str) -> dict[str, Any]:
        body = {"sqs_key": key, "sqs_secret": secret, "sqs_url": url}
        result: dict[str, Any] = self._request("POST", "/check_sqs", body, idempotent=True)
        return result

    def check_sns(self, key: str, secret: str, topic_arn: str) -> dict[str, Any]:
        body = {"sns_key": key, "sns_secret": secret, "sns_topic_arn": topic_arn}
        result: dict[str, Any] = self._request("POST", "/check_sns", body, idempotent=True)
        return result

    def sandbox(
        self, path: str, body: Any, *, timeout: float | None = None, method: str = "POST"
    ) -> Any:
        """Call a sandbox-only endpoint (``/_sandbox/…``); Stream has no such paths."""
        try:
            return self._request(method, path, body, idempotent=method == "GET", timeout=timeout)
        except ConnectionFailed as exc:
            if exc.message.startswith("cannot reach"):
                raise
            # Not a hook write: what to do next is about the sandbox, not `hooks list`.
            raise ConnectionFailed(
                exc.message,
                "the sandbox may still be working on it: see its log (`hookctl sandbox status`), "
                "or ask for fewer events (--count) and raise --timeout",
            ) from None


def _loads(answer: bytes) -> Any:
    """An answer's JSON; ``ValueError`` for anything else (nesting too deep included)."""
    try:
        return json.loads(answer)
    except RecursionError:
        raise ValueError("nested too deeply") from None
