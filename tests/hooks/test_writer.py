"""Honest write outcomes, read-back by content, plans that cannot change after a prompt,
and no secret in any message: through a proxy in front of the sandbox that misbehaves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hookctl.hooks.readback import read_back
from tests.conftest import Cli, SandboxApp
from tests.proxy import Behaviour, proxy

SQS_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/stream-events"
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"


def webhook(hook_id: str, url: str, **extra: Any) -> dict[str, Any]:
    return {"id": hook_id, "hook_type": "webhook", "webhook_url": url, "enabled": True, **extra}


def via(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("STREAM_BASE_URL", url)


# ---------------------------------------------------------------- read-back by content


def test_read_back_recognises_our_new_hook_by_content_not_by_count() -> None:
    base = [webhook("a", "https://a.io")]
    ours = {"hook_type": "webhook", "webhook_url": "https://ours.io", "enabled": True}
    after = [*base, ours]
    teammate = webhook("t", "https://teammate.io")
    # Our add was overwritten; a teammate's hook is new: it must not be taken for ours.
    check = read_back(base, after, [*base, teammate])
    assert check.new_ids == []
    assert check.problems
    check = read_back(base, after, [*base, teammate, webhook("n", "https://ours.io")])
    assert check.new_ids == ["n"]
    assert not check.problems


def test_read_back_sees_an_undone_removal_and_a_carried_hook_gone() -> None:
    base = [webhook("a", "https://a.io"), webhook("b", "https://b.io")]
    after = [base[1]]  # remove a
    assert read_back(base, after, base).problems == [
        "webhook hook a (https://a.io) is still there (its removal was undone)"
    ]
    check = read_back(base, after, [])
    assert check.problems == []
    assert check.gone == ["b"]


# ---------------------------------------------------------------- lost responses


def test_a_patch_that_landed_but_lost_its_answer_reports_success_once(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    with proxy(sandbox.url, Behaviour(patch_reply=lambda _n: "forward-502")) as url:
        via(monkeypatch, url)
        result = cli("hooks", "add", "webhook", "--url", "https://example.com/x")
    assert result.exit_code == 0, result.output
    assert "nothing was changed" not in result.output
    assert "got no answer" in result.stderr
    assert "it is live" in result.stderr
    [stored] = sandbox.hooks()
    assert result.stdout.strip() == stored["id"]


def test_a_patch_that_never_landed_says_so_and_what_is_live(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.set_hooks([webhook("a", "https://a.io")])
    with proxy(sandbox.url, Behaviour(patch_reply=lambda _n: "502")) as url:
        via(monkeypatch, url)
        result = cli("hooks", "remove", "a", "--yes")
    assert result.exit_code == 1, result.output
    assert "nothing was changed" not in result.output
    assert "is not live" in result.stderr
    assert "still there" in result.stderr
    assert "✓" not in result.output
    assert [h["id"] for h in sandbox.hooks()] == ["a"]


def test_a_dropped_connection_after_the_patch_is_judged_by_reading_back(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.set_hooks([webhook("a", "https://a.io")])
    with proxy(sandbox.url, Behaviour(patch_reply=lambda _n: "forward-drop")) as url:
        via(monkeypatch, url)
        result = cli("hooks", "update", "a", "--url", "https://b.io", "--yes")
    assert result.exit_code == 0, result.output
    assert "got no answer" in result.stderr
    assert sandbox.hooks()[0]["webhook_url"] == "https://b.io"


# ---------------------------------------------------------------- concurrent writers


def test_a_change_undone_by_a_stale_writer_is_rewritten(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    teammate = webhook("t", "https://teammate.io")

    def before(method: str, n: int) -> None:
        if method == "GET" and n == 2:  # our read-back: a stale writer overwrote our add
            sandbox.set_hooks([teammate])

    with proxy(sandbox.url, Behaviour(before=before)) as url:
        via(monkeypatch, url)
        result = cli("hooks", "add", "webhook", "--url", "https://ours.io")
    assert result.exit_code == 0, result.output
    assert "re-applied" in result.stderr
    urls = sorted(h["webhook_url"] for h in sandbox.hooks())
    assert urls == ["https://ours.io", "https://teammate.io"]
    ours = next(h for h in sandbox.hooks() if h["webhook_url"] == "https://ours.io")
    assert result.stdout.strip() == ours["id"]


def test_a_change_undone_every_time_is_exit_1_naming_it(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def before(method: str, n: int) -> None:
        if method == "GET" and n >= 2:  # every read-back: someone wrote the old array
            sandbox.set_hooks([])

    with proxy(sandbox.url, Behaviour(before=before)) as url:
        via(monkeypatch, url)
        result = cli("hooks", "add", "webhook", "--url", "https://ours.io")
    assert result.exit_code == 1, result.output
    assert "✓" not in result.output
    assert result.stdout == ""
    assert "undone by concurrent writers" in result.stderr
    assert "https://ours.io" in result.stderr


# ---------------------------------------------------------------- plans confirmed


def test_apply_prune_aborts_when_a_hook_appeared_after_the_prompt(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sandbox.set_hooks([webhook("keep", "https://keep.io"), webhook("old", "https://old.io")])
    path = tmp_path / "hooks.toml"
    path.write_text(
        '[[hook]]\nid = "keep"\nhook_type = "webhook"\nwebhook_url = "https://keep.io"\n'
        "enabled = true\n"
    )

    def before(method: str, n: int) -> None:
        if method == "GET" and n == 2:  # after the prompt, before the write
            sandbox.set_hooks([*sandbox.hooks(), webhook("new", "https://new.io")])

    with proxy(sandbox.url, Behaviour(before=before)) as url:
        via(monkeypatch, url)
        result = cli("hooks", "apply", str(path), "--prune", "--yes")
    assert result.exit_code == 1, result.output
    assert "changed after you confirmed" in result.stderr
    assert sorted(h["id"] for h in sandbox.hooks()) == ["keep", "new", "old"]


def test_remove_by_prefix_removes_only_the_hook_it_confirmed(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.set_hooks([webhook("abcd1111", "https://one.io")])

    def before(method: str, n: int) -> None:
        if method == "GET" and n == 2:  # someone swaps abcd1111 for abcd2222
            sandbox.set_hooks([webhook("abcd2222", "https://two.io")])

    with proxy(sandbox.url, Behaviour(before=before)) as url:
        via(monkeypatch, url)
        result = cli("hooks", "remove", "abcd", "--yes")
    assert result.exit_code == 1, result.output
    assert [h["id"] for h in sandbox.hooks()] == ["abcd2222"]


def test_restore_aborts_when_the_plan_changed(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.set_hooks([webhook("a", "https://a.io")])
    armed = []

    def before(method: str, n: int) -> None:
        if armed and method == "GET" and n == 2:
            sandbox.set_hooks([*sandbox.hooks(), webhook("c", "https://c.io")])

    behaviour = Behaviour(before=before)
    with proxy(sandbox.url, behaviour) as url:
        via(monkeypatch, url)
        assert cli("hooks", "add", "webhook", "--url", "https://b.io").exit_code == 0
        snap = json.loads(cli("hooks", "history", "--json").stdout)[0]["id"]
        armed.append(True)
        behaviour.counts.clear()
        result = cli("hooks", "restore", snap, "--yes")
    assert result.exit_code == 1, result.output
    assert "changed after you confirmed" in result.stderr
    assert len(sandbox.hooks()) == 3


def test_update_disable_asks_like_disable(cli: Cli, sandbox: SandboxApp) -> None:
    sandbox.set_hooks([webhook("a", "https://a.io")])
    result = cli("hooks", "update", "a", "--disable")
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert sandbox.hooks()[0]["enabled"] is True
    assert cli("hooks", "update", "a", "--disable", "--yes").exit_code == 0
    assert sandbox.hooks()[0]["enabled"] is False


# ---------------------------------------------------------------- no secret printed


@pytest.mark.parametrize(
    ("root", "flags"), [([], []), ([], ["--json"]), (["--debug"], []), (["--verbose"], [])]
)
def test_read_back_mismatch_never_prints_a_secret(
    cli: Cli,
    sandbox: SandboxApp,
    monkeypatch: pytest.MonkeyPatch,
    root: list[str],
    flags: list[str],
) -> None:
    sandbox.set_hooks(
        [
            {
                "id": "q",
                "hook_type": "sqs",
                "enabled": True,
                "sqs_queue_url": SQS_URL,
                "sqs_auth_type": "keys",
                "sqs_key": "AKIAEXAMPLE",
                "sqs_secret": "old-sqs-secret-123456",
            }
        ]
    )
    monkeypatch.setenv("NEW_SECRET", "new-sqs-secret-abcdef")

    def alter(body: Any) -> Any:  # every read shows other secrets than were written
        for hook in body["app"]["event_hooks"]:
            hook["sqs_secret"] = "live-sqs-secret-zyxwvu"
            hook["note"] = PEM
        return body

    with proxy(sandbox.url, Behaviour(alter_get=alter)) as url:
        via(monkeypatch, url)
        result = cli(*root, "hooks", "update", "q", "--secret-env", "NEW_SECRET", *flags)
    assert result.exit_code == 1, result.output
    for secret in (
        "old-sqs-secret-123456",
        "new-sqs-secret-abcdef",
        "live-sqs-secret-zyxwvu",
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
        sandbox.api_secret,
    ):
        assert secret not in result.output, secret
