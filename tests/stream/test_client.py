"""The Stream client against the sandbox (real HTTP), including injected faults."""

from __future__ import annotations

import json
import time
import urllib.request
from email.utils import formatdate

import httpx
import pytest

from hookctl.base.errors import ApiError, ConnectionFailed
from hookctl.stream.client import StreamClient, retry_delay
from tests.conftest import SandboxApp


def inject(sandbox: SandboxApp, **fault: object) -> None:
    """A fault for this test's app only (see the ``sandbox`` fixture)."""
    fault = {"api_key": sandbox.api_key, **fault}
    request = urllib.request.Request(
        f"{sandbox.url}/_sandbox/faults", data=json.dumps(fault).encode(), method="POST"
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200


def client(sandbox: SandboxApp, sleeps: list[float], lines: list[str]) -> StreamClient:
    return StreamClient(
        sandbox.url, sandbox.api_key, sandbox.api_secret, log=lines.append, sleep=sleeps.append
    )


def test_read_retries_429_honouring_retry_after(sandbox: SandboxApp) -> None:
    sleeps: list[float] = []
    lines: list[str] = []
    inject(sandbox, status=429, count=2, retry_after="3")
    with client(sandbox, sleeps, lines) as c:
        assert c.get_hooks() == []
    assert sleeps == [3.0, 3.0]
    assert [line.split(" -> ")[1].split()[0] for line in lines if " -> " in line] == [
        "429",
        "429",
        "200",
    ]
    assert all(sandbox.api_secret not in line for line in lines)


def test_reads_retry_5xx_but_writes_do_not(sandbox: SandboxApp) -> None:
    sleeps: list[float] = []
    inject(sandbox, status=503, count=1)
    with client(sandbox, sleeps, []) as c:
        assert c.get_hooks() == []
        assert len(sleeps) == 1
        inject(sandbox, status=500, count=1, method="PATCH")
        with pytest.raises(ApiError, match="server error 500"):
            c.update_hooks([])
    assert len(sleeps) == 1


def test_writes_retry_429(sandbox: SandboxApp) -> None:
    sleeps: list[float] = []
    inject(sandbox, status=429, count=1, method="PATCH", retry_after="1")
    with client(sandbox, sleeps, []) as c:
        c.update_hooks([{"hook_type": "webhook", "webhook_url": "https://e.io", "enabled": True}])
    assert sleeps == [1.0]
    assert len(sandbox.hooks()) == 1


def test_gives_up_after_repeated_429(sandbox: SandboxApp) -> None:
    inject(sandbox, status=429, count=10)
    with client(sandbox, [], []) as c, pytest.raises(ApiError, match="rate limited"):
        c.get_hooks()
    with client(sandbox, [], []) as c:  # drain the remaining faults
        for _ in range(10):
            try:
                c.get_hooks()
                break
            except ApiError:
                pass


def test_a_retry_after_beyond_the_timeout_ends_the_retries(sandbox: SandboxApp) -> None:
    """Retry-After waits are capped by the call's budget (--timeout): no 60 s sleep."""
    sleeps: list[float] = []
    lines: list[str] = []
    inject(sandbox, status=429, count=1, retry_after="60")
    c = StreamClient(
        sandbox.url,
        sandbox.api_key,
        sandbox.api_secret,
        timeout=5,
        log=lines.append,
        sleep=sleeps.append,
    )
    with c, pytest.raises(ApiError, match="rate limited"):
        c.get_hooks()
    assert sleeps == []
    assert any("would pass the 5s timeout" in line for line in lines)


def test_connection_refused_is_a_clear_error() -> None:
    c = StreamClient("http://127.0.0.1:9", "k", "s", sleep=lambda _s: None)
    with c, pytest.raises(ConnectionFailed, match="connection refused"):
        c.get_hooks()


def test_input_error_carries_stream_fields(sandbox: SandboxApp) -> None:
    with client(sandbox, [], []) as c, pytest.raises(ApiError) as info:
        c.update_hooks([{"hook_type": "carrier-pigeon"}])
    assert info.value.status == 400
    assert info.value.code == 4
    assert "event_hooks[0].hook_type" in info.value.message


def test_retry_delay_reads_headers() -> None:
    now = 1_000_000.0
    r = httpx.Response(429, headers={"x-ratelimit-reset": f"{now + 7:.0f}, {now + 60:.0f}"})
    assert retry_delay(r, 1, now=now) == pytest.approx(7)
    r = httpx.Response(429, headers={"retry-after": formatdate(now + 10, usegmt=True)})
    assert retry_delay(r, 1, now=now) == pytest.approx(10)
    r = httpx.Response(503)
    assert 0.125 <= retry_delay(r, 1, now=now) <= 0.375
    assert retry_delay(httpx.Response(429, headers={"retry-after": "9999"}), 1) == 30


def test_error_mapping_for_non_json_bodies() -> None:
    transport = httpx.MockTransport(lambda _request: httpx.Response(502, text="<html>bad gateway"))
    with (
        StreamClient(
            "http://stream.invalid", "k", "s", transport=transport, sleep=lambda _s: None
        ) as c,
        pytest.raises(ApiError, match="server error 502"),
    ):
        c.get_hooks()
    ok_html = httpx.MockTransport(lambda _request: httpx.Response(200, text="<html>"))
    with (
        StreamClient("http://x.invalid", "k", "s", transport=ok_html) as c,
        pytest.raises(ApiError, match="not JSON"),
    ):
        c.get_hooks()


def test_request_shape_matches_the_sdks() -> None:
    seen: list[httpx.Request] = []

    def capture(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"app": {"event_hooks": []}, "duration": "1ms"})

    with StreamClient(
        "http://x.invalid", "the-key", "the-secret", transport=httpx.MockTransport(capture)
    ) as c:
        c.get_hooks()
    [request] = seen
    assert request.url.path == "/api/v2/app"
    assert request.url.params["api_key"] == "the-key"
    assert request.headers["stream-auth-type"] == "jwt"
    assert not request.headers["authorization"].startswith("Bearer")
    assert request.headers["authorization"].count(".") == 2
    _ = time


def test_check_sqs_and_sns(sandbox: SandboxApp) -> None:
    with client(sandbox, [], []) as c:
        ok = c.check_sqs("AKIA", "s", "https://sqs.us-east-1.amazonaws.com/123456789012/q")
        assert ok["status"] == "ok"
        bad = c.check_sns("AKIA", "s", "not-an-arn")
        assert bad["status"] == "error"
        assert "ARN" in bad["error"]
        bad_queue = c.check_sqs("AKIA", "s", "https://example.com/q")
        assert bad_queue["status"] == "error"
        assert "not an SQS queue URL" in bad_queue["error"]
        no_secret = c.check_sns("AKIA", "", "arn:aws:sns:us-east-1:123456789012:t")
        assert no_secret == {
            "status": "error",
            "duration": "0.05ms",
            "error": "SNS key and secret are required",
        }


def test_faults_hit_only_their_app_and_can_be_dropped(sandbox: SandboxApp) -> None:
    """Tests share one sandbox (across xdist workers' tests, too): a fault is per app."""
    other_key = f"{sandbox.api_key}-other"
    sandbox.server.state.add_app(other_key, sandbox.api_secret)
    other = SandboxApp(sandbox.url, other_key, sandbox.api_secret, sandbox.server)
    inject(sandbox, status=500, count=5, method="PATCH")
    with client(other, [], []) as c:
        c.update_hooks([])  # the other app's writes are untouched
    inject(other, status=503, count=1)
    with client(sandbox, [], []) as c:
        assert c.get_hooks() == []  # a GET: neither the PATCH fault nor the other app's
        with pytest.raises(ApiError, match="server error 500"):
            c.update_hooks([])
    request = urllib.request.Request(
        f"{sandbox.url}/_sandbox/faults?api_key={sandbox.api_key}", method="DELETE"
    )
    with urllib.request.urlopen(request) as response:
        assert json.loads(response.read())["dropped"] == 1  # 4 PATCH faults left as one entry
    with client(sandbox, [], []) as c:
        c.update_hooks([])
    assert sandbox.server.drop_faults(other_key) == 1  # the other app's fault is still there
