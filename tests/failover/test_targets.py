"""Where replay may send (issue 14, item 1): the app decides, never the bucket.

Reproduces the signing oracle: an object whose ``original_webhook_url`` named an
attacker's URL got its payload POSTed there, signed with the app's secret. Now
an event goes only to the current ``webhook_url`` of its ``original_hook_id``,
read from the live app (the sandbox here), or to ``--to``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hookctl.failover.layout import envelope, object_name
from hookctl.webhooks.receiver import Receiver
from tests.conftest import Cli, SandboxApp
from tests.gcs import fake_gcs_server, write_object

BUCKET = "failover"
PATH = "stream/failed-events"
# `failover replay` over the one day every test here writes its objects in
REPLAY_DAY = ["failover", "replay", "--bucket", BUCKET, "--path", PATH]
REPLAY_DAY += ["--since", "2026-06-01", "--until", "2026-06-01"]
DAY = datetime(2026, 6, 1, 9, tzinfo=UTC)


@pytest.fixture
def receivers(sandbox: SandboxApp) -> Iterator[tuple[Receiver, Receiver]]:
    """(the hooks' receiver, an attacker's server that records what reaches it)."""
    good = Receiver([sandbox.api_secret], keep_bodies=True).start()
    attacker = Receiver([sandbox.api_secret], keep_bodies=True).start()
    yield good, attacker
    good.stop()
    attacker.stop()


def put(
    data: Path,
    minute: int,
    hook: str,
    url: str,
    payload: dict[str, Any],
    event_type: str = "message.new",
) -> str:
    when = DAY + timedelta(minutes=minute)
    name = object_name(PATH, when, event_type, hook)
    write_object(
        data,
        BUCKET,
        name,
        envelope(
            hook_id=hook,
            url=url,
            event_type=event_type,
            error="HTTP 500",
            failed_at=when,
            payload=payload,
        ),
    )
    return name


def add_hook(cli: Cli, url: str) -> str:
    result = cli("hooks", "add", "webhook", "--url", url)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.usefixtures("sandbox")
def test_replay_sends_only_to_the_hooks_current_url(
    cli: Cli, receivers: tuple[Receiver, Receiver], tmp_path: Path
) -> None:
    good, attacker = receivers
    hook = add_hook(cli, f"{good.url}/hook")
    templated = add_hook(cli, f"{good.url}/by-type/{{{{.EventType}}}}")
    data = tmp_path / "data"
    names = {
        "ok": put(data, 0, hook, f"{good.url}/hook", {"type": "message.new", "n": "ok"}),
        "template": put(
            data,
            1,
            templated,
            f"{good.url}/by-type/message.new",
            {"type": "message.new", "n": "template"},
        ),
        "forged": put(
            data, 2, hook, f"{attacker.url}/attacker-chosen", {"type": "message.new", "n": "forged"}
        ),
        "gone": put(
            data,
            3,
            "hook-that-was-removed",
            f"{good.url}/hook",
            {"type": "message.new", "n": "gone"},
        ),
        "mistyped": put(
            data, 4, hook, f"{good.url}/hook", {"type": "user.deleted", "n": "mistyped"}
        ),
    }
    failures = tmp_path / "failures.ndjson"
    args = [*REPLAY_DAY, "--json"]
    with fake_gcs_server(data) as gcs:
        result = cli(*args, "--gcs-endpoint", gcs, "--failures", str(failures))
        dry = cli(*args, "--gcs-endpoint", gcs, "--dry-run")
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    assert attacker.stats.requests == 0  # the signing oracle is closed
    assert sorted(json.loads(b)["n"] for b in good.bodies.values()) == ["ok", "template"]
    assert report["counts"]["delivered"] == 2
    assert report["counts"]["refused"] == 2
    refused = {f["name"]: f for f in report["failures"]}
    assert set(refused) == {names["forged"], names["gone"]}
    assert all(f["refused"] and f["attempts"] == 0 for f in refused.values())
    assert "not hook" in refused[names["forged"]]["error"]
    assert "current webhook_url" in refused[names["forged"]]["error"]
    assert "no longer exists" in refused[names["gone"]]["error"]
    [malformed] = report["malformed"]
    assert malformed["name"] == names["mistyped"]
    assert "disagrees with event_type" in malformed["reason"]
    lines = {
        json.loads(line)["name"]: json.loads(line) for line in failures.read_text().splitlines()
    }
    assert set(lines) == set(refused)
    assert all(line["refused"] for line in lines.values())
    assert dry.exit_code == 1  # the plan shows what would be refused, and sends nothing
    assert json.loads(dry.stdout)["counts"]["refused"] == 2
    assert attacker.stats.requests == 0
    assert good.stats.requests == 2


@pytest.mark.usefixtures("sandbox")
def test_to_sends_everything_to_the_operators_url(
    cli: Cli, receivers: tuple[Receiver, Receiver], tmp_path: Path
) -> None:
    good, attacker = receivers
    data = tmp_path / "data"
    put(data, 0, "any-hook", f"{attacker.url}/attacker-chosen", {"type": "message.new"})
    put(data, 1, "gone-hook", "https://example.invalid/x", {"type": "message.new"})
    with fake_gcs_server(data) as gcs:
        result = cli(
            *REPLAY_DAY,
            "--gcs-endpoint",
            gcs,
            "--to",
            good.url,
            "--json",
            "--no-journal",
        )
    assert result.exit_code == 0, result.stderr
    assert good.stats.accepted == 2
    assert attacker.stats.requests == 0
