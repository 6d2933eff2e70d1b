"""No accidental widening: an empty or separator-only event list never means "all events"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli, SandboxApp

NARROW = {
    "id": "h1",
    "hook_type": "webhook",
    "webhook_url": "https://example.com/x",
    "enabled": True,
    "event_types": ["message.new"],
}


@pytest.mark.parametrize(
    "args",
    [
        ["hooks", "update", "h1", "--events", ""],
        ["hooks", "update", "h1", "--events", ","],
        ["hooks", "update", "h1", "--events", " , ,"],
        ["hooks", "events", "set", "h1", ""],
        ["hooks", "events", "set", "h1", ","],
        ["hooks", "events", "add", "h1", ""],
        ["hooks", "events", "remove", "h1", ","],
        ["hooks", "add", "webhook", "--url", "https://example.com/y", "--events", ""],
        ["hooks", "add", "webhook", "--url", "https://example.com/y", "--events", ","],
    ],
)
def test_empty_event_lists_are_usage_errors(cli: Cli, sandbox: SandboxApp, args: list[str]) -> None:
    sandbox.set_hooks([NARROW])
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "names no event type" in result.stderr
    [hook] = sandbox.hooks()
    assert hook["event_types"] == ["message.new"]


def test_all_events_only_on_purpose(cli: Cli, sandbox: SandboxApp) -> None:
    sandbox.set_hooks([NARROW])
    assert cli("hooks", "events", "set", "h1").exit_code == 2
    result = cli("hooks", "events", "set", "h1", "--all")
    assert result.exit_code == 0, result.output
    assert sandbox.hooks()[0]["event_types"] == []


def test_hook_file_without_event_types_does_not_widen(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path
) -> None:
    sandbox.set_hooks([NARROW])
    path = tmp_path / "hooks.toml"
    path.write_text(
        '[[hook]]\nid = "h1"\nhook_type = "webhook"\nwebhook_url = "https://example.com/x"\n'
        "enabled = false\n"
    )
    result = cli("hooks", "apply", str(path), "--yes")
    assert result.exit_code == 2, result.output
    assert "ALL events" in result.stderr
    assert sandbox.hooks()[0]["event_types"] == ["message.new"]
    path.write_text(path.read_text() + "event_types = []\n")
    result = cli("hooks", "apply", str(path), "--yes")
    assert result.exit_code == 0, result.output
    assert sandbox.hooks()[0]["event_types"] == []
