"""The one engine that sends Stream-style webhooks.

Pings, ``trigger``, the sandbox and failover replay all deliver through
``Deliverer``. A delivery is an HTTP POST of a JSON body with Stream's headers
(``X-Webhook-Id`` constant across attempts, ``X-Webhook-Attempt`` 1, 2, …,
``X-Api-Key``, ``X-Signature``) and Stream's retry policy as defaults.

Redirects are never followed (``allow_redirects=False``): a 301/302/303 would
turn the signed POST into a body-less GET that reads as success, and a 307/308
would re-send the body, ``X-Signature`` and ``X-Api-Key`` to whatever host the
receiver names. A 3xx is a failed attempt (not retried) whose error is
``redirected to <Location>: point the hook at the final URL``.

aiohttp carries the hot path: on loopback it sends several times more
requests per second than httpx's async client (see benchmarks/ and
shared/toolchain.md); httpx remains the Stream API client.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import yarl

from hookctl import __version__
from hookctl.base.aio import failed_with
from hookctl.base.retry import backoff, network_reason
from hookctl.base.retry import retry_after as parse_retry_after
from hookctl.webhooks.compression import compress
from hookctl.webhooks.signing import signer

USER_AGENT = f"hookctl/{__version__} (Stream-style webhook delivery)"


@dataclass(frozen=True)
class RetryPolicy:
    """Stream's documented policy; every number can be changed."""

    status_attempts: int = 3  # 408, 429, >= 500
    network_attempts: int = 2  # refused, reset, DNS …
    timeout_attempts: int = 3  # no answer within attempt_timeout
    attempt_timeout: float = 6.0
    deadline: float = 15.0  # one delivery, all attempts
    backoff: float = 0.5  # first backoff; doubles, with jitter
    backoff_max: float = 5.0

    def allows(self, kind: str, attempts: int) -> bool:
        limit = {
            "status": self.status_attempts,
            "network": self.network_attempts,
            "timeout": self.timeout_attempts,
        }[kind]
        return attempts < limit

    def wait(self, attempt: int) -> float:
        return backoff(attempt, first=self.backoff, cap=self.backoff_max)

    @classmethod
    def capped(
        cls, max_attempts: int | None, attempt_timeout: float, deadline: float
    ) -> RetryPolicy:
        """Stream's policy with these timeouts and each attempt count capped at
        ``max_attempts`` (``--max-attempts``, ``--attempt-timeout``, ``--deadline``)."""
        base = cls(attempt_timeout=attempt_timeout, deadline=deadline)
        if max_attempts is None:
            return base
        return cls(
            status_attempts=min(base.status_attempts, max_attempts),
            network_attempts=min(base.network_attempts, max_attempts),
            timeout_attempts=min(base.timeout_attempts, max_attempts),
            attempt_timeout=attempt_timeout,
            deadline=deadline,
        )


RETRY_STATUSES = frozenset({408, 429})


def redirect_error(location: str | None) -> str:
    """The one message for a 3xx answer, wherever hookctl delivers."""
    where = (location or "").strip()[:300] or "(no Location header)"
    return f"redirected to {where}: point the hook at the final URL"


@dataclass
class Delivery:
    url: str
    body: bytes
    event_type: str = ""
    webhook_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    # Gzip the body and send Content-Encoding: gzip, as Stream does for an app with
    # enable_hook_payload_compression; X-Signature stays the HMAC of the uncompressed body.
    compress: bool = False


@dataclass
class Attempt:
    number: int
    status: int | None
    latency_ms: float
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "attempt": self.number,
            "status": self.status,
            "latency_ms": round(self.latency_ms, 1),
            "error": self.error,
        }


@dataclass
class DeliveryResult:
    delivery: Delivery
    attempts: list[Attempt]
    ok: bool
    status: int | None
    error: str | None
    latency_ms: float
    response_excerpt: str = ""

    def hint(self) -> str | None:
        """What to look at next when the delivery failed (None when it succeeded)."""
        if self.ok:
            return None
        status, error = self.status, (self.error or "").lower()
        if status in (401, 403):
            return (
                "the receiver refused the request: check that it verifies X-Signature with "
                "this app's API secret (`hookctl verify-signature --explain`)"
            )
        if status == 404:
            return "the receiver has no route at this URL: check the path"
        if status is not None and status >= 500:
            return "the receiver failed on its side: see its logs (the response is below)"
        if status is not None:
            return f"the receiver answered {status}: Stream counts only 2xx as delivered"
        if "timed out" in error or "timeout" in error:
            return "the receiver is slow: raise --attempt-timeout / --deadline, or check it"
        if "refused" in error or "cannot connect" in error or "name" in error:
            return "is the receiver running at that URL? `hookctl listen` shows what arrives"
        return "check the URL and that the receiver is up"

    def as_json(self) -> dict[str, Any]:
        return {
            "webhook_id": self.delivery.webhook_id,
            "url": self.delivery.url,
            "event_type": self.delivery.event_type,
            "ok": self.ok,
            "status": self.status,
            "error": self.error,
            "latency_ms": round(self.latency_ms, 1),
            "attempts": [a.as_json() for a in self.attempts],
            "response": self.response_excerpt,
        }


class RateLimiter:
    """At most ``rate`` starts per second, evenly spaced (no bursts)."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self.next_at = 0.0
        self.lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self.lock:
            now = time.monotonic()
            start = max(now, self.next_at)
            self.next_at = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)


class Deliverer:
    """Async webhook sender with pooling, keep-alive, concurrency and rate limits."""

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        *,
        policy: RetryPolicy | None = None,
        concurrency: int = 16,
        rate: float | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.api_key = api_key
        self._sign = signer(api_secret)
        self.policy = policy or RetryPolicy()
        self.concurrency = max(1, concurrency)
        self._semaphore = asyncio.Semaphore(self.concurrency)
        self._limiter = RateLimiter(rate)
        self._sleep = sleep
        self._session: aiohttp.ClientSession | None = None
        self._urls: dict[str, yarl.URL] = {}
        self._timeouts: dict[float, aiohttp.ClientTimeout] = {}

    async def __aenter__(self) -> Deliverer:
        connector = aiohttp.TCPConnector(
            limit=self.concurrency,
            limit_per_host=self.concurrency,
            ttl_dns_cache=300,
            enable_cleanup_closed=True,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=True,
            headers={"User-Agent": USER_AGENT, "Content-Type": "application/json"},
            skip_auto_headers=("Accept-Encoding",),
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _timeout(self, seconds: float) -> aiohttp.ClientTimeout:
        """One ClientTimeout per distinct value (the attempt timeout, nearly always)."""
        cached = self._timeouts.get(seconds)
        if cached is None:
            if len(self._timeouts) > 100:
                self._timeouts.clear()
            cached = self._timeouts[seconds] = aiohttp.ClientTimeout(total=seconds)
        return cached

    def _url(self, url: str) -> yarl.URL:
        """Parsed once per target URL: replay sends thousands of events to one URL."""
        parsed = self._urls.get(url)
        if parsed is None:
            if len(self._urls) > 1000:
                self._urls.clear()
            parsed = self._urls[url] = yarl.URL(url)
        return parsed

    async def deliver(self, delivery: Delivery) -> DeliveryResult:
        async with self._semaphore:
            if self._limiter.interval:
                await self._limiter.wait()
            return await self._deliver(delivery)

    async def send(
        self, delivery: Delivery, wanted: Callable[[], bool] | None = None
    ) -> DeliveryResult | None:
        """``deliver`` for a caller that itself keeps at most ``concurrency`` deliveries
        in flight (replay's pipeline): the rate limit holds, without a second semaphore.
        ``wanted``: asked once the rate slot comes; false (a stop was asked for while
        this delivery waited its turn, e.g. Ctrl-C at ``--rate 1``) sends nothing and
        returns None."""
        if self._limiter.interval:  # --rate 0: not even a coroutine call
            await self._limiter.wait()
            if wanted is not None and not wanted():
                return None
        return await self._deliver(delivery)

    async def _deliver(self, delivery: Delivery) -> DeliveryResult:
        assert self._session is not None, "use `async with Deliverer(...)`"
        policy = self.policy
        started = time.monotonic()
        attempts: list[Attempt] = []
        counts = {"status": 0, "network": 0, "timeout": 0}
        excerpt = ""
        signature = self._sign(delivery.body)
        data = delivery.body
        extra: dict[str, str] = {}
        if delivery.compress:
            data = compress(delivery.body)
            extra["Content-Encoding"] = "gzip"
        while True:
            number = len(attempts) + 1
            remaining = policy.deadline - (time.monotonic() - started)
            timeout = min(policy.attempt_timeout, remaining)
            t0 = time.monotonic()
            status: int | None = None
            error: str | None = None
            retry_after: float | None = None
            kind: str | None = None
            headers = {
                "X-Webhook-Id": delivery.webhook_id,
                "X-Webhook-Attempt": str(number),
                "X-Api-Key": self.api_key,
                "X-Signature": signature,
                **extra,
            }
            try:
                async with self._session.post(
                    self._url(delivery.url),
                    data=data,
                    headers=headers,
                    timeout=self._timeout(timeout),
                    allow_redirects=False,
                ) as response:
                    status = response.status
                    raw = await response.content.read(512)
                    excerpt = raw.decode("utf-8", "replace")
                    if 300 <= status < 400:
                        error = redirect_error(response.headers.get("Location"))
                    elif status in RETRY_STATUSES or status >= 500:
                        kind = "status"
                        error = f"HTTP {status}: {response.reason or ''}".strip()
                        retry_after = parse_retry_after(
                            response.headers.get("Retry-After"), cap=policy.deadline
                        )
                    elif not 200 <= status < 300:
                        error = f"HTTP {status}: {response.reason or ''}".strip()
            except TimeoutError:
                kind, error = "timeout", f"timed out after {timeout:.1f}s"
                failed_with(len(data))
            except aiohttp.ClientError as exc:
                kind, error = "network", network_reason(exc)
                failed_with(len(data))
            attempts.append(Attempt(number, status, (time.monotonic() - t0) * 1000, error))
            if kind is None:
                ok = error is None
                return DeliveryResult(
                    delivery,
                    attempts,
                    ok,
                    status,
                    error,
                    (time.monotonic() - started) * 1000,
                    excerpt,
                )
            counts[kind] += 1
            wait = retry_after if retry_after is not None else policy.wait(number)
            elapsed = time.monotonic() - started
            if not policy.allows(kind, counts[kind]) or elapsed + wait >= policy.deadline:
                if elapsed + wait >= policy.deadline and policy.allows(kind, counts[kind]):
                    error = f"{error} (gave up: the next attempt would pass the {policy.deadline:g}s deadline)"
                return DeliveryResult(
                    delivery, attempts, False, status, error, elapsed * 1000, excerpt
                )
            await self._sleep(wait)


def deliver_sync(
    api_key: str, api_secret: str, deliveries: list[Delivery], **options: Any
) -> list[DeliveryResult]:
    """Blocking helper for commands: deliver everything, results in input order."""

    async def run() -> list[DeliveryResult]:
        async with Deliverer(api_key, api_secret, **options) as deliverer:
            tasks = [asyncio.create_task(deliverer.deliver(d)) for d in deliveries]
            try:
                return list(await asyncio.gather(*tasks))
            finally:  # Ctrl-C: every task ends before the session closes, none left unretrieved
                await settle(tasks)

    return asyncio.run(run())


async def settle(tasks: Iterable[asyncio.Task[Any]]) -> None:
    """Cancel what is still running and wait for it, retrieving every outcome, so that
    no task outlives the session it uses (no ``Task exception was never retrieved``)."""
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
