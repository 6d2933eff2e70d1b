"""hookctl speaks Stream's wire as the official SDKs do (issue 16)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.capture import fake_stream
from tests.conftest import Cli

NS = 1_774_000_000_000_000_000


def _env(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("STREAM_BASE_URL", url)
    monkeypatch.setenv("STREAM_API_KEY", "k")
    monkeypatch.setenv("STREAM_API_SECRET", "s")


def _hooks() -> list[dict[str, Any]]:
    return [
        {
            "id": "aaaa-1",
            "hook_type": "webhook",
            "enabled": True,
            "webhook_url": "https://a.example.com/hook",
            "event_types": [],
            "created_at": NS,
            "updated_at": NS,
            "x_future_field": {"kept": [1, 2]},
        },
        {
            "id": "bbbb-2",
            "hook_type": "sqs",
            "enabled": True,
            "sqs_queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
            "sqs_auth_type": "role",
            "sqs_role_arn": "arn:aws:iam::123456789012:role/stream",
            "created_at": "2026-03-01T10:00:00Z",
            "updated_at": "2026-03-01T10:00:00Z",
        },
    ]


@pytest.mark.parametrize(
    "args",
    [
        ("hooks", "update", "aaaa", "--url", "https://b.example.com/hook"),
        ("hooks", "add", "webhook", "--url", "https://c.example.com/hook"),
        ("hooks", "disable", "bbbb", "--yes"),
    ],
)
def test_patch_carries_no_server_fields(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    with fake_stream({"id": 1, "use_hook_v2": True, "event_hooks": _hooks()}) as fake:
        _env(monkeypatch, fake.url)
        result = cli(*args)
        assert result.exit_code == 0, result.output
        writes = fake.writes()
    assert len(writes) == 1
    raw = json.dumps(writes[0])
    assert "created_at" not in raw
    assert "updated_at" not in raw
    sent = {h.get("id"): h for h in writes[0]["event_hooks"]}
    # fields hookctl does not know still travel, untouched
    assert sent["aaaa-1"]["x_future_field"] == {"kept": [1, 2]}
    assert sent["bbbb-2"]["sqs_role_arn"] == "arn:aws:iam::123456789012:role/stream"
