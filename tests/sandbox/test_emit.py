"""The sandbox delivers emitted events like Stream and writes failover envelopes like Stream."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from hookctl.failover.layout import parse_name
from hookctl.sandbox.gcs import LocalGcs
from hookctl.sandbox.server import SandboxServer
from hookctl.sandbox.state import SandboxState
from hookctl.stream.models import parse_envelope
from hookctl.webhooks.receiver import Receiver
from tests.conftest import Cli
from tests.misbehave import misbehaving
from tests.procs import Group

BUCKET = "emit-failover"
PATH = "stream/failed-events"
SQS_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/stream-events"


@pytest.fixture(scope="module")
def gcs() -> Iterator[LocalGcs]:
    with LocalGcs() as local:
        local.create_bucket(BUCKET)
        yield local


@dataclass
class Box:
    server: SandboxServer
    log: list[str]
    secret: str


@pytest.fixture
def box(gcs: LocalGcs, monkeypatch: pytest.MonkeyPatch) -> Iterator[Box]:
    log: list[str] = []
    state = SandboxState(None)
    state.add_app("emit-key", "emit-secret")
    server = SandboxServer(state, gcs_endpoint=gcs.url, event_log=log.append).start()
    for name, value in {
        "STREAM_BASE_URL": server.url,
        "STREAM_API_KEY": "emit-key",
        "STREAM_API_SECRET": "emit-secret",
        "HOOKCTL_GCS_ENDPOINT": gcs.url,
    }.items():
        monkeypatch.setenv(name, value)
    yield Box(server, log, "emit-secret")
    server.stop()


def add(cli: Cli, *args: str) -> str:
    result = cli("hooks", "add", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def emit(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli("sandbox", "emit", *args, "--json")
    assert result.exit_code == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def with_failover(cli: Cli, hook_id: str, tmp_path: Path) -> None:
    key = tmp_path / "key.json"
    assert cli("sandbox", "keygen", "--out", str(key)).exit_code == 0
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    done = cli(
        "failover", "set", hook_id, "--bucket", BUCKET, "--path", PATH, "--credentials", str(key)
    )
    assert done.exit_code == 0, done.stderr


def test_emit_routes_by_filter_and_enabled(box: Box, cli: Cli) -> None:
    listed = Receiver([box.secret]).start()
    everything = Receiver([box.secret]).start()
    try:
        listed_id = add(cli, "webhook", "--url", listed.url, "--events", "message.new")
        all_id = add(cli, "webhook", "--url", everything.url)
        off = add(cli, "webhook", "--url", everything.url + "/off", "--events", "message.new")
        assert cli("hooks", "disable", off, "--yes").exit_code == 0
        add(cli, "webhook", "--url", listed.url + "/other", "--events", "reaction.new")
        sqs = add(
            cli,
            "sqs",
            "--queue-url",
            SQS_URL,
            "--auth",
            "role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/stream",
        )
        answer = emit(cli, "message.new", "--count", "3", "--set", "message.text=routed")
    finally:
        listed.stop()
        everything.stop()
    by_hook: dict[str, list[str]] = {}
    for row in answer["outcomes"]:
        by_hook.setdefault(row["hook_id"], []).append(row["outcome"])
    assert by_hook == {
        listed_id: ["delivered"] * 3,
        all_id: ["delivered"] * 3,
        sqs: ["would_deliver"] * 3,
    }
    assert listed.stats.accepted == everything.stats.accepted == 3
    assert all(e.signature_ok for e in listed.events + everything.events)
    would = [line for line in box.log if line.startswith("would deliver message.new to sqs")]
    assert len(would) == 3
    assert '"text":"routed"' in would[0]


def test_retries_follow_stream_policy_and_a_hook_without_failover_loses_the_event(
    box: Box, cli: Cli
) -> None:
    with misbehaving(["500"]) as (url, script):
        hook_id = add(cli, "webhook", "--url", url)
        answer = emit(cli, "message.new")
    [row] = answer["outcomes"]
    assert (row["outcome"], row["attempts"], row["status"]) == ("lost", 3, 500)
    attempts = [r["headers"]["x-webhook-attempt"] for r in script.requests]
    assert attempts == ["1", "2", "3"]
    assert len({r["headers"]["x-webhook-id"] for r in script.requests}) == 1
    assert any(line.startswith(f"lost message.new for hook {hook_id}") for line in box.log)
    with misbehaving(["drop"]) as (url, script):
        cli("hooks", "update", hook_id, "--url", url)
        [row] = emit(cli, "message.new")["outcomes"]
    assert (row["outcome"], row["attempts"]) == ("lost", 2)  # network errors: 2 attempts


@pytest.mark.usefixtures("box")
def test_failed_events_are_written_in_streams_layout(
    cli: Cli, gcs: LocalGcs, tmp_path: Path
) -> None:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    started = datetime.now(UTC).replace(microsecond=0)
    with misbehaving(["500"]) as (url, script):
        hook_id = add(cli, "webhook", "--url", url, "--events", "message.new,reaction.new")
        with_failover(cli, hook_id, tmp_path)
        answer = emit(cli, "message.new", "--count", "4")
        sent = {r["headers"]["x-webhook-id"]: json.loads(r["body"]) for r in script.requests}
    assert answer["summary"] == {"failed_over": 4}
    client = storage.Client(
        project="x",
        credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
        client_options={"api_endpoint": gcs.url},
    )
    blobs = [b for b in client.list_blobs(BUCKET, prefix=f"{PATH}/") if hook_id in b.name]
    assert sorted(b.name for b in blobs) == sorted(r["object"] for r in answer["outcomes"])
    payloads = []
    for blob in blobs:
        parsed = parse_name(blob.name)
        assert parsed is not None
        assert parsed.prefix == f"{PATH}/"
        assert (parsed.event_type, parsed.hook_id) == ("message.new", hook_id)
        body = blob.download_as_bytes()
        env = parse_envelope(body)
        raw = json.loads(body)
        assert list(raw) == [
            "original_hook_id",
            "original_webhook_url",
            "event_type",
            "error_message",
            "failed_at",
            "payload",
        ]
        assert raw["failed_at"].endswith("Z")
        assert len(raw["failed_at"]) == 20
        assert env.original_hook_id == hook_id
        assert env.original_webhook_url == url
        assert env.event_type == "message.new"
        assert env.error_message == "HTTP 500: Internal Server Error"
        assert started <= env.failed_at <= datetime.now(UTC)
        assert parsed.day == env.failed_at.date()
        assert parsed.time_in_folder
        assert 0 <= parsed.timestamp - int(env.failed_at.timestamp()) < 10  # next free second
        payloads.append(env.payload)
    assert sorted(map(json.dumps, payloads)) == sorted(map(json.dumps, sent.values()))


def test_the_token_endpoint_checks_the_key(box: Box, cli: Cli, tmp_path: Path) -> None:
    from hookctl.sandbox.tokens import make_key

    hook_id = add(cli, "webhook", "--url", "https://example.com/h")
    unregistered, _ = make_key(f"{box.server.url}/_sandbox/token")
    key = tmp_path / "forged.json"
    key.write_text(json.dumps(unregistered))
    result = cli("failover", "set", hook_id, "--bucket", BUCKET, "--credentials", str(key))
    assert result.exit_code == 1
    assert "was revoked (invalid_grant)" in result.stderr
    assert "clock" not in result.stderr
    assert "failover_config" not in box.server.state.app_json("emit-key")["event_hooks"][0]


@pytest.mark.usefixtures("box")
def test_emit_refuses_unknown_types(cli: Cli) -> None:
    result = cli("sandbox", "emit", "message.created")
    assert result.exit_code == 2
    assert "did you mean message.new" in result.stderr


@pytest.mark.slow
def test_demo_tells_the_outage_story_and_leaves_nothing_running(tmp_path: Path) -> None:
    """Checks only the demo's own process group, so other hookctl or fake-gcs-server
    processes on the machine cannot make it fail (or pass)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAM_", "HOOKCTL_"))}
    out, err = tmp_path / "demo.out", tmp_path / "demo.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        demo = Group(
            [sys.executable, "-m", "hookctl", "demo"], stdout=stdout, stderr=stderr, env=env
        )
    try:
        seen = demo.wait_while_watching(timeout=120)
        left = demo.wait_for_group_exit(timeout=2) or demo.members() or ["(no /proc)"]
    finally:
        demo.kill()
    stdout_text, stderr_text = out.read_text(), err.read_text()
    assert demo.proc.returncode == 0, stderr_text[-2000:]
    assert "10 × message.new: 10 would deliver, 10 failed over" in stdout_text + stderr_text
    assert "✓ 10 events failed over, 10 listed, 10 replayed" in stdout_text
    assert "nothing pending in the window (10 delivered)" in stdout_text + stderr_text
    assert "0 delivered, 0 failed of 0 selected" not in stdout_text + stderr_text
    if Path("/proc").is_dir():  # what the group held while the demo ran: its own GCS server
        assert any("fake-gcs-server" in command for command in seen), seen
    assert left is True, f"still running in the demo's process group: {left}"
