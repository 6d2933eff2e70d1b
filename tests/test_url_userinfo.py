"""A webhook URL with userinfo (``https://user:pass@host/``) keeps working, but its
password is masked in every display (hooks list/show, --json, diffs, messages) and by
the one redaction; a masked URL is never written back over the real one."""

from __future__ import annotations

import json

from hookctl.redact import redact
from tests.conftest import Cli, SandboxApp

PASSWORD = "pa55-w0rd-for-basic-auth"


def test_userinfo_passwords_are_masked_everywhere_they_are_shown(
    cli: Cli, sandbox: SandboxApp
) -> None:
    url = f"http://alice:{PASSWORD}@127.0.0.1:9/hook"
    added = cli("hooks", "add", "webhook", "--url", url)
    assert added.exit_code == 0, added.stderr
    hook_id = added.stdout.strip()
    assert sandbox.hooks()[0]["webhook_url"] == url  # stored as given: the hook still works
    outputs = [
        added,
        cli("hooks", "list"),
        cli("hooks", "list", "--json"),
        cli("hooks", "show", hook_id),
        cli("hooks", "show", hook_id, "--json"),
        cli("hooks", "update", hook_id, "--events", "message.new", "--dry-run"),
        cli("events", "route", "message.new"),
    ]
    for result in outputs:
        assert result.exit_code == 0, result.stderr
        assert PASSWORD not in result.stdout + result.stderr
    assert "alice:********@127.0.0.1:9/hook" in outputs[1].stdout
    assert json.loads(outputs[4].stdout)["webhook_url"] == "http://alice:********@127.0.0.1:9/hook"
    shown = cli("hooks", "show", hook_id, "--show-secrets")
    assert PASSWORD in shown.stdout  # asked for


def test_redaction_masks_url_passwords_and_a_masked_url_is_not_written_back() -> None:
    text = f"delivery to https://bob:{PASSWORD}@example.com/x failed; see http://example.com/a@b"
    assert redact(text) == (
        "delivery to https://bob:********@example.com/x failed; see http://example.com/a@b"
    )
    from hookctl.hooks import masked_secrets

    masked = [{"id": "h1", "webhook_url": "https://bob:********@example.com/x"}]
    assert masked_secrets(masked) == [("h1", "webhook_url's password")]
