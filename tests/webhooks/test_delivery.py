"""The delivery engine against loopback servers that misbehave on purpose."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hookctl.webhooks.delivery import Delivery, RetryPolicy, deliver_sync
from hookctl.webhooks.receiver import Receiver
from tests.conftest import Cli, SandboxApp
from tests.misbehave import Script, misbehaving

SECRET = "delivery-secret"
FAST = RetryPolicy(attempt_timeout=0.5, deadline=3.0, backoff=0.01, backoff_max=0.02)


def deliver(url: str, policy: RetryPolicy = FAST) -> tuple[object, float]:
    started = time.monotonic()
    [result] = deliver_sync(
        "the-key", SECRET, [Delivery(url, b'{"type":"message.new"}', "message.new")], policy=policy
    )
    return result, time.monotonic() - started


def check_headers(script: Script, attempts: int) -> None:
    assert len(script.requests) == attempts
    ids = {r["headers"]["x-webhook-id"] for r in script.requests}
    assert len(ids) == 1  # the same X-Webhook-Id on every attempt
    assert [r["headers"]["x-webhook-attempt"] for r in script.requests] == [
        str(n) for n in range(1, attempts + 1)
    ]
    for r in script.requests:
        expected = hmac.new(SECRET.encode(), r["body"], hashlib.sha256).hexdigest()
        assert r["headers"]["x-signature"] == expected
        assert r["headers"]["x-api-key"] == "the-key"
        assert r["headers"]["content-type"] == "application/json"
        assert r["headers"]["user-agent"].startswith("hookctl/")


@pytest.mark.parametrize(
    ("actions", "attempts", "ok"),
    [
        (["500"], 3, False),
        (["503", "200"], 2, True),
        (["408"], 3, False),
        (["429"], 3, False),
        (["404"], 1, False),
        (["400"], 1, False),
        (["drop"], 2, False),
        (["drop", "200"], 2, True),
        (["sleep=1"], 3, False),
        (["200"], 1, True),
        (["204"], 1, True),
    ],
)
def test_retry_policy(actions: list[str], attempts: int, ok: bool) -> None:
    with misbehaving(actions) as (url, script):
        result, _ = deliver(url)
    assert result.ok is ok  # type: ignore[attr-defined]
    assert len(result.attempts) == attempts  # type: ignore[attr-defined]
    check_headers(script, attempts)


def test_retry_after_is_honoured() -> None:
    with misbehaving(["429 ra=1", "200"]) as (url, script):
        result, _ = deliver(url)
    assert result.ok  # type: ignore[attr-defined]
    gap = script.requests[1]["at"] - script.requests[0]["at"]
    assert 0.95 <= gap < 2.0


def test_retry_after_beyond_the_deadline_gives_up_at_once() -> None:
    # An attempt timeout a loaded machine cannot reach: with FAST's 0.5 s the 429 itself
    # sometimes arrived late, the attempt counted as a timeout (retried at once, 200), and
    # the Retry-After under test was never read.
    policy = RetryPolicy(attempt_timeout=5.0, deadline=8.0, backoff=0.01, backoff_max=0.02)
    with misbehaving(["429 ra=10", "200"]) as (url, script):
        result, elapsed = deliver(url, policy)
    assert not result.ok
    assert "deadline" in result.error
    assert len(script.requests) == 1
    assert elapsed < 5  # not the 10 s the receiver asked for, nor the 8 s deadline


def test_deadline_bounds_one_delivery() -> None:
    policy = RetryPolicy(attempt_timeout=0.8, deadline=1.0, backoff=0.01, timeout_attempts=5)
    with misbehaving(["sleep=2"]) as (url, script):
        result, elapsed = deliver(url, policy)
    assert not result.ok
    assert elapsed < 1.6
    assert len(script.requests) <= 2


def test_connection_refused_is_a_network_error() -> None:
    result, _ = deliver("http://127.0.0.1:9/x")
    assert not result.ok
    assert result.error == "connection refused"
    assert len(result.attempts) == 2  # type: ignore[attr-defined]


def test_ping_cli_reports_attempts(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_API_KEY", "k")
    monkeypatch.setenv("STREAM_API_SECRET", SECRET)
    with misbehaving(["500", "200"]) as (url, script):
        result = cli("ping", url, "--event", "reaction.new", "--set", "reaction.type=wow")
    assert result.exit_code == 0, result.stderr
    assert "attempt 1: 500" in result.stderr
    assert "attempt 2: 200" in result.stderr
    body = json.loads(script.requests[0]["body"])
    assert body["type"] == "reaction.new"
    assert body["reaction"]["type"] == "wow"
    with misbehaving(["404"]) as (url, _):
        failed = cli("ping", url, "--json")
    assert failed.exit_code == 1
    assert json.loads(failed.stdout)["status"] == 404
    with misbehaving(["404"]) as (url, _):
        plain = cli("ping", url, "--max-attempts", "1")
    assert "hint: the receiver has no route at this URL" in plain.stderr
    typo = cli("ping", "http://127.0.0.1:9", "--event", "message.nwe")
    assert typo.exit_code == 2
    assert "did you mean message.new" in typo.stderr


@pytest.mark.parametrize(
    "count", [pytest.param(200, id="200"), pytest.param(1000, id="1000", marks=pytest.mark.slow)]
)
def test_trigger_events_to_listen(tmp_path: Path, count: int) -> None:
    env = {**os.environ, "STREAM_API_KEY": "k", "STREAM_API_SECRET": SECRET}
    log, out_path = tmp_path / "listen.err", tmp_path / "listen.out"
    with log.open("w") as err_file, out_path.open("w") as out_file:
        listener = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hookctl",
                "listen",
                "--port",
                "0",
                "--count",
                str(count),
                "--json",
            ],
            env=env,
            stdout=out_file,
            stderr=err_file,
            text=True,
        )
    try:
        deadline = time.monotonic() + 30
        while "listening on" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        url = log.read_text().split("listening on ")[1].split()[0]
        trig = subprocess.run(
            [
                sys.executable,
                "-m",
                "hookctl",
                "trigger",
                "message.new",
                "--to",
                url,
                "--count",
                str(count),
                "--json",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert trig.returncode == 0, trig.stderr
        assert json.loads(trig.stdout)["delivered"] == count
        listener.wait(timeout=30)
        out, err = out_path.read_text(), log.read_text()
    finally:
        listener.kill()
    events = [json.loads(line) for line in out.splitlines()]
    assert len(events) == count
    assert all(e["signature_ok"] is True and e["status"] == 200 for e in events)
    assert len({e["webhook_id"] for e in events}) == count
    assert f"{count} unique events" in err
    assert "0 bad signatures" in err


def test_receiver_deduplicates_and_flags_bad_signatures() -> None:
    receiver = Receiver([SECRET], keep_bodies=True).start()
    try:
        ok = {
            "X-Webhook-Id": "w1",
            "X-Signature": hmac.new(SECRET.encode(), b"{}", hashlib.sha256).hexdigest(),
        }
        assert receiver.handle(ok, b"{}") == 200
        assert receiver.handle(ok, b"{}") == 200
        assert receiver.handle({"X-Webhook-Id": "w2", "X-Signature": "00"}, b"{}") == 200
    finally:
        receiver.stop()
    assert receiver.stats.accepted == 2
    assert receiver.stats.duplicates == 1
    assert receiver.stats.bad_signatures == 1


def test_hooks_test_sends_a_signed_sample_or_calls_check(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    with misbehaving(["200"]) as (url, script):
        add = cli(
            "hooks",
            "add",
            "webhook",
            "--url",
            url + "/{{.EventType}}",
            "--events",
            "channel.created",
        )
        hook_id = add.stdout.strip()
        result = cli("hooks", "test", hook_id)
    assert result.exit_code == 0, result.stderr
    [request] = script.requests
    assert json.loads(request["body"])["type"] == "channel.created"
    expected = hmac.new(sandbox.api_secret.encode(), request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["x-signature"] == expected
    assert request["headers"]["x-api-key"] == sandbox.api_key
    assert "/hook/channel.created" in result.stderr

    monkeypatch.setenv("SQS_S", "s")
    sqs = cli(
        "hooks",
        "add",
        "sqs",
        "--queue-url",
        "https://sqs.us-east-1.amazonaws.com/123456789012/q",
        "--key",
        "AKIA",
        "--secret-env",
        "SQS_S",
    ).stdout.strip()
    checked = cli("hooks", "test", sqs, "--json")
    assert checked.exit_code == 0
    assert json.loads(checked.stdout)["ok"] is True
    down = cli("hooks", "add", "webhook", "--url", "http://127.0.0.1:9/gone").stdout.strip()
    failed = cli("hooks", "test", down, "--max-attempts", "1")
    assert failed.exit_code == 1
    assert "connection refused" in failed.stderr
    assert "hint: is the receiver running at that URL?" in failed.stderr


def test_received_json_uses_numbers_and_booleans() -> None:
    from hookctl.webhooks.receiver import Received

    forwarded = Received("w1", "2", "message.new", True, 200, False, 10, 1.0, "200").as_json()
    assert forwarded["attempt"] == 2
    assert forwarded["forwarded"] is True
    assert forwarded["forward_status"] == 200
    refused = Received("w2", "", "message.new", None, 200, False, 10, 1.0, "502").as_json()
    assert refused["attempt"] is None
    assert refused["forwarded"] is False
    assert refused["forward_status"] == 502
    unreachable = Received("w3", "1", "x", None, 200, False, 1, 1.0, "error: refused").as_json()
    assert unreachable["forwarded"] is False
    assert unreachable["forward_error"] == "refused"
    plain = Received("w4", "1", "x", None, 200, False, 1, 1.0).as_json()
    assert plain["forwarded"] is None
