"""Small things a user reads: flags shown only where they apply, honest ✓ lines, the
dry-run sentence every write prints, the error/hint form, and singular/plural."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli, SandboxApp

SQS_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/made-up-queue"
HOOKCTL = Path(__file__).resolve().parents[2] / "hookctl"


def test_sqs_help_does_not_offer_the_sns_only_flag(cli: Cli) -> None:
    sqs = cli("hooks", "add", "sqs", "--help")
    assert sqs.exit_code == 0
    assert "--sns-event-group-id" not in sqs.stdout
    assert "--sns-event-group-id" in cli("hooks", "add", "sns", "--help").stdout
    refused = cli("hooks", "add", "sqs", "--queue-url", SQS_URL, "--sns-event-group-id")
    assert refused.exit_code == 2


@pytest.mark.usefixtures("sandbox")
def test_the_sandbox_check_of_a_made_up_queue_says_aws_was_not_contacted(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SQS_S", "made-up-secret")
    add = cli(
        "hooks",
        "add",
        "sqs",
        "--queue-url",
        SQS_URL,
        "--key",
        "AKIAMADEUP",
        "--secret-env",
        "SQS_S",
    )
    assert add.exit_code == 0, add.stderr
    checked = cli("hooks", "test", add.stdout.strip())
    assert checked.exit_code == 0, checked.stderr
    assert "✓ check_sqs with the hook's key: ok" in checked.stderr
    assert "AWS not contacted" in checked.stderr
    as_json = json.loads(cli("hooks", "test", add.stdout.strip(), "--json").stdout)
    assert "AWS not contacted" in as_json["note"]


def test_apply_dry_run_says_nothing_was_written(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path
) -> None:
    path = tmp_path / "h.toml"
    path.write_text(
        '[[hook]]\nhook_type = "webhook"\nwebhook_url = "https://example.com/a"\n'
        'event_types = ["message.new"]\n'
    )
    dry = cli("hooks", "apply", str(path), "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "+ webhook (new) https://example.com/a" in dry.stdout
    assert "dry run: nothing was written" in dry.stderr
    assert sandbox.hooks() == []
    as_json = cli("hooks", "apply", str(path), "--dry-run", "--json")
    assert json.loads(as_json.stdout)["changes"]  # --json: data only, no talk
    assert as_json.stderr == ""


@pytest.mark.parametrize(
    ("args", "error", "hint"),
    [
        (["bogus"], "error: No such command 'bogus'", "hint: `hookctl --help` lists the commands"),
        (["fialover"], "error: No such command 'fialover'", "hint: did you mean 'failover'?"),
        (["hooks", "lst"], "error: No such command 'lst'", "`hookctl hooks --help` lists"),
    ],
)
def test_an_unknown_command_is_one_error_line_and_a_hint(
    args: list[str], error: str, hint: str
) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hookctl", *args], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    first, second = proc.stderr.splitlines()
    assert first == error
    assert second.startswith("hint: ")
    assert hint in second


@pytest.mark.usefixtures("sandbox")
def test_counts_read_as_english(cli: Cli) -> None:
    from hookctl.failover.views import chart

    added = cli(
        "hooks", "add", "webhook", "--url", "https://example.com/a", "--events", "message.new"
    )
    hook_id = added.stdout.strip()
    one = cli("hooks", "events", "add", hook_id, "reaction.new")
    assert one.exit_code == 0, one.stderr
    assert f"add 1 event type to hook {hook_id}" in one.stderr
    two = cli("hooks", "events", "add", hook_id, "reaction.deleted", "reaction.updated")
    assert f"add 2 event types to hook {hook_id}" in two.stderr
    assert "one column ≈ 1 event)" in chart("hour", [("2026-04-02T13:00Z", {"a": 3})], "type")[0]
    assert "one column ≈ 2 events)" in chart("hour", [("13:00", {"a": 100})], "type")[0]


def test_no_message_counts_with_a_parenthesised_plural() -> None:
    """Not "1 event type(s)": the source says "1 event type" / "2 event types"
    (``hookctl.base.plaintext.plural``); ``http(s)`` is a URL scheme, not a count."""
    found = [
        f"{path.relative_to(HOOKCTL.parent)}:{n}: {line.strip()}"
        for path in sorted(HOOKCTL.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\w\((s|es)\)", line.replace("http(s)", "")) and "never ``" not in line
    ]
    assert found == []
