"""One confirmation rule for every write (``hookctl.hooks.confirm``), as Terraform's plan/apply.

A write that removes, disables, redirects or narrows an existing hook (or its failover)
shows the plan and asks on a terminal; off one it needs ``--yes`` and otherwise exits 2
with the plan on stderr, the hooks untouched. Additions never ask; ``--dry-run`` never asks.
Tested as a user meets it: a real pseudo-terminal answering y or n, ``</dev/null``, and
every write command against the sandbox.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hookctl.hooks.array import diff
from hookctl.hooks.confirm import needs_confirmation, question
from tests.conftest import Cli, SandboxApp
from tests.gcs import service_account_key

URL = "https://example.com/a"


def webhook(hook_id: str = "h1", **fields: Any) -> dict[str, Any]:
    return {
        "id": hook_id,
        "hook_type": "webhook",
        "enabled": True,
        "webhook_url": URL,
        "event_types": ["message.new", "message.updated"],
        **fields,
    }


KEY = json.dumps(service_account_key("https://oauth2.googleapis.com/token"))
GCS = {"type": "gcs", "gcs_bucket": "bkt", "gcs_path": "p", "gcs_credentials": KEY}

# ---------------------------------------------------------------- the rule, pure


@pytest.mark.parametrize(
    ("after", "asks"),
    [
        ([], True),  # removed
        ([webhook(enabled=False)], True),  # disabled
        ([webhook(webhook_url="https://example.com/b")], True),  # redirected
        ([webhook(hook_type="pending_message")], True),  # another kind of target
        ([webhook(event_types=["message.new"])], True),  # narrowed
        ([webhook(event_types=[])], False),  # widened to all events
        ([webhook(event_types=["message.new", "message.updated", "x.y"])], False),  # widened
        ([webhook(product="video")], True),  # another product's events
        ([webhook(timeout_ms=900)], False),  # not where or what it delivers
        ([webhook(), webhook("h2")], False),  # an addition
        ([webhook(failover_config=GCS)], False),  # failover added
    ],
)
def test_the_rule_over_one_webhook(after: list[dict[str, Any]], asks: bool) -> None:
    assert needs_confirmation(diff([webhook()], after)) is asks


@pytest.mark.parametrize(
    ("before", "after", "asks"),
    [
        ({}, {"failover_config": GCS}, False),
        ({"failover_config": GCS}, {}, True),  # failed events would be lost
        ({"failover_config": GCS}, {"failover_config": {**GCS, "gcs_path": "q"}}, True),
        ({"failover_config": GCS}, {"failover_config": {**GCS, "gcs_credentials": "k2"}}, False),
        ({"event_types": []}, {"event_types": ["message.new"]}, True),
        ({"enabled": False}, {"enabled": True}, False),
        ({"should_send_custom_events": True}, {"should_send_custom_events": False}, True),
        ({"should_send_custom_events": False}, {"should_send_custom_events": True}, False),
    ],
)
def test_the_rule_over_fields(before: dict[str, Any], after: dict[str, Any], asks: bool) -> None:
    assert needs_confirmation(diff([webhook(**before)], [webhook(**after)])) is asks


def test_the_question_says_what_would_stop_or_move() -> None:
    changes = diff(
        [webhook("h1"), webhook("h2")],
        [webhook("h2", enabled=False, webhook_url="https://example.com/b")],
    )
    assert question(changes) == (
        f"Remove webhook hook h1 ({URL}); disable webhook hook h2 (https://example.com/b); "
        f"redirect webhook hook h2 from {URL} to https://example.com/b?"
    )


ids = st.lists(st.sampled_from("abcdef"), unique=True, max_size=4)


@given(kept=ids, added=ids)
def test_additions_never_ask_and_removals_always_do(kept: list[str], added: list[str]) -> None:
    live = [webhook(i) for i in kept]
    new = [webhook(f"new-{i}") for i in added]
    assert not needs_confirmation(diff(live, live + new))
    if live:
        assert needs_confirmation(diff(live, live[1:] + new))


# ---------------------------------------------------------------- through the CLI


def disabling_file(tmp_path: Path, hook_id: str) -> Path:
    path = tmp_path / "h.toml"
    path.write_text(
        f'[[hook]]\nid = "{hook_id}"\nhook_type = "webhook"\nenabled = false\n'
        f'webhook_url = "{URL}"\nevent_types = ["message.new", "message.updated"]\n'
    )
    return path


def run(*args: str, stdin: Any = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hookctl", *args],
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_apply_that_disables_from_dev_null_exits_2_with_the_plan(
    sandbox: SandboxApp, tmp_path: Path
) -> None:
    sandbox.set_hooks([webhook()])
    path = disabling_file(tmp_path, "h1")
    with open(os.devnull) as devnull:
        refused = run("hooks", "apply", str(path), stdin=devnull)
    assert refused.returncode == 2
    assert refused.stdout == ""
    lines = refused.stderr.splitlines()
    assert lines[:2] == [f"~ webhook h1 {URL}", "    enabled: true -> false"]
    assert lines[2].startswith("error: confirmation needed but stdin is not a terminal: ")
    assert f"Disable webhook hook h1 ({URL})?" in lines[2]
    assert lines[3] == "hint: pass --yes to confirm in scripts; nothing was changed"
    assert sandbox.hooks()[0]["enabled"] is True
    as_json = run("hooks", "apply", str(path), "--json")
    assert as_json.returncode == 2
    error = json.loads(as_json.stderr)
    assert error["plan"] == [f"~ webhook h1 {URL}", "    enabled: true -> false"]
    applied = run("hooks", "apply", str(path), "--yes")
    assert applied.returncode == 0, applied.stderr
    assert sandbox.hooks()[0]["enabled"] is False


def on_a_terminal(args: list[str], answer: str) -> subprocess.CompletedProcess[str]:
    """Run hookctl with stdin on a real pseudo-terminal and type ``answer`` (a line)."""
    main, child = pty.openpty()
    try:
        os.write(main, answer.encode() + b"\n")  # the terminal holds the line until read
        proc = subprocess.run(
            [sys.executable, "-m", "hookctl", *args],
            stdin=child,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        os.close(child)
        os.close(main)
    return proc


@pytest.mark.parametrize(("answer", "code", "enabled"), [("y", 0, False), ("n", 2, True)])
def test_on_a_terminal_the_plan_is_shown_and_the_answer_decides(
    sandbox: SandboxApp, tmp_path: Path, answer: str, code: int, enabled: bool
) -> None:
    sandbox.set_hooks([webhook()])
    path = disabling_file(tmp_path, "h1")
    proc = on_a_terminal(["hooks", "apply", str(path)], answer)
    assert proc.returncode == code, proc.stderr
    assert proc.stderr.startswith(f"~ webhook h1 {URL}\n    enabled: true -> false\n")
    assert f"Disable webhook hook h1 ({URL})? [y/N] " in proc.stderr
    assert sandbox.hooks()[0]["enabled"] is enabled
    if answer == "n":
        assert "error: cancelled" in proc.stderr
    disabled = on_a_terminal(["hooks", "remove", "h1"], answer)
    assert disabled.returncode == code
    assert len(sandbox.hooks()) == (0 if answer == "y" else 1)


def key_file(tmp_path: Path) -> str:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(service_account_key("https://oauth2.googleapis.com/token")))
    return str(path)


def writes(tmp_path: Path, snapshot: str) -> list[list[str]]:
    """Every write command, each making a change the rule asks about."""
    key = key_file(tmp_path)
    return [
        ["hooks", "apply", str(disabling_file(tmp_path, "h1"))],
        ["hooks", "restore", snapshot],  # the snapshot has no h1: removes it
        ["hooks", "update", "h1", "--url", "https://example.com/b"],
        ["hooks", "update", "h1", "--disable"],
        ["hooks", "disable", "h1"],
        ["hooks", "remove", "h1"],
        ["hooks", "events", "set", "h1", "message.new"],
        ["hooks", "events", "remove", "h1", "message.updated"],
        ["failover", "set", "h1", "--bucket", "other", "--credentials", key, "--skip-probe"],
        ["failover", "clear", "h1"],
    ]


def test_every_write_follows_the_one_rule(cli: Cli, sandbox: SandboxApp, tmp_path: Path) -> None:
    sandbox.set_hooks([])
    assert cli("hooks", "add", "webhook", "--url", URL).exit_code == 0  # additions never ask
    snapshot = json.loads(cli("hooks", "history", "--json").stdout)[0]["id"]  # the empty array
    for args in writes(tmp_path, snapshot):
        sandbox.set_hooks([webhook(failover_config=GCS)])
        live = sandbox.hooks()  # as stored (with the server's own fields)
        refused = cli(*args)
        assert refused.exit_code == 2, (args, refused.stderr)
        assert "~ webhook h1" in refused.stderr or "- webhook h1" in refused.stderr, args
        assert "pass --yes to confirm" in refused.stderr
        assert sandbox.hooks() == live, args
        dry = cli(*args, "--dry-run")  # never asks
        assert dry.exit_code == 0, (args, dry.stderr)
        assert "dry run: nothing was written" in dry.stderr
        assert sandbox.hooks() == live, args
        done = cli(*args, "--yes")
        assert done.exit_code == 0, (args, done.stderr)
        assert sandbox.hooks() != live, args


def test_writes_the_rule_does_not_ask_about_go_through_without_yes(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path
) -> None:
    sandbox.set_hooks([webhook(enabled=False)])
    key = key_file(tmp_path)
    calm = [
        ["hooks", "enable", "h1"],
        ["hooks", "update", "h1", "--custom-events"],
        ["hooks", "events", "add", "h1", "reaction.new"],
        ["hooks", "events", "set", "h1", "--all"],
        ["failover", "set", "h1", "--bucket", "bkt", "--credentials", key, "--skip-probe"],
    ]
    for args in calm:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert "[y/N]" not in result.stderr
    [hook] = sandbox.hooks()
    assert hook["enabled"] is True
    assert hook["event_types"] == []
    assert hook["failover_config"]["gcs_bucket"] == "bkt"


def test_a_narrowed_filter_names_what_stops() -> None:
    dropped = diff([webhook()], [webhook(event_types=["message.new"])])
    assert question(dropped) == f"Stop sending message.updated to webhook hook h1 ({URL})?"
    narrowed = diff([webhook(event_types=[])], [webhook(event_types=["message.new"])])
    assert question(narrowed) == f"Narrow webhook hook h1 ({URL}) from all events to 1 event type?"
