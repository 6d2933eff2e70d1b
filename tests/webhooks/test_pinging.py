"""hookctl.webhooks.pinging: what ping, trigger and hooks test decide, without the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hookctl.base.errors import UsageError
from hookctl.stream.client import StreamClient
from hookctl.webhooks import pinging as P
from hookctl.webhooks.delivery import Attempt, Delivery, DeliveryResult, RetryPolicy
from tests.conftest import SandboxApp

SQS_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/q"


def test_the_test_event_is_the_flag_then_the_first_listed_then_a_default() -> None:
    listed = {"hook_type": "webhook", "event_types": ["channel.created", "message.new"]}
    assert P.event_for(listed, None) == "channel.created"
    assert P.event_for(listed, "reaction.new") == "reaction.new"
    assert P.event_for({"hook_type": "webhook"}, None) == "message.new"
    assert P.event_for({"hook_type": "pending_message"}, None) == "message.pending"


def test_the_sample_goes_to_the_hooks_url_with_templates_filled() -> None:
    app = {"id": "app-1", "event_hooks": []}
    hook = {
        "id": "h",
        "hook_type": "webhook",
        "webhook_url": "https://e.io/{{.AppID}}/{{.EventType}}",
    }
    delivery = P.sample_delivery(app, hook, event=None, overrides=["message.text=hi"])
    assert delivery.url == "https://e.io/app-1/message.new"
    body = json.loads(delivery.body)
    assert body["type"] == "message.new"
    assert body["message"]["text"] == "hi"
    with pytest.raises(UsageError, match="has no webhook_url"):
        P.sample_delivery(
            app, {"id": "h", "hook_type": "pending_message"}, event=None, overrides=None
        )


def test_payload_from_a_file_keeps_its_content_and_refuses_non_objects(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"type": "custom", "n": 1}))
    assert json.loads(P.build_payload("message.new", ["n=2"], body)) == {"type": "custom", "n": 2}
    body.write_text("[1]")
    with pytest.raises(UsageError, match="must hold a JSON object"):
        P.build_payload("message.new", None, body)
    with pytest.raises(UsageError, match="cannot read"):
        P.build_payload("message.new", None, tmp_path / "missing.json")


@given(st.none() | st.integers(min_value=1, max_value=5))
def test_max_attempts_caps_every_count_and_never_raises_one(cap: int | None) -> None:
    stream = RetryPolicy()
    capped = RetryPolicy.capped(cap, 1.5, 4.0)
    assert (capped.attempt_timeout, capped.deadline) == (1.5, 4.0)
    for name in ("status_attempts", "network_attempts", "timeout_attempts"):
        expected = getattr(stream, name) if cap is None else min(getattr(stream, name), cap)
        assert getattr(capped, name) == expected


def _result(ok: bool, latency: float, attempts: int) -> DeliveryResult:
    tries = [Attempt(n, 200 if ok else 500, latency) for n in range(1, attempts + 1)]
    return DeliveryResult(Delivery("http://r", b"{}", "message.new"), tries, ok, 200, None, latency)


def test_trigger_statistics() -> None:
    results = [_result(True, 10, 1), _result(False, 30, 3), _result(True, 20, 2)]
    report = P.TriggerReport("message.new", "http://r", results, seconds=0.5)
    summary = report.as_json()
    assert {k: summary[k] for k in ("sent", "delivered", "failed", "retried")} == {
        "sent": 3,
        "delivered": 2,
        "failed": 1,
        "retried": 2,
    }
    assert summary["per_second"] == 6.0
    assert summary["p50_ms"] == 20.0
    assert len(summary["failures"]) == 1
    assert summary["failures"][0]["ok"] is False


def test_aws_hooks_are_checked_by_stream_with_their_own_credentials(sandbox: SandboxApp) -> None:
    sqs = {
        "id": "a",
        "hook_type": "sqs",
        "sqs_key": "AKIA",
        "sqs_secret": "s",
        "sqs_queue_url": SQS_URL,
    }
    sns = {
        "id": "b",
        "hook_type": "sns",
        "sns_key": "AKIA",
        "sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:t",
    }
    assert P.is_aws(sqs)
    assert P.is_aws(sns)
    assert not P.is_aws({"hook_type": "webhook"})
    with StreamClient(sandbox.url, sandbox.api_key, sandbox.api_secret) as client:
        ok = P.check_aws(client, sqs)
        no_secret = P.check_aws(client, sns)
    assert ok.ok
    assert ok.as_json() == {
        "hook_id": "a",
        "hook_type": "sqs",
        "ok": True,
        "status": "ok",
        "error": None,
        "note": "sandbox: format checked, AWS not contacted",  # the sandbox says so
    }
    assert not no_secret.ok
    assert no_secret.error == "SNS key and secret are required"
