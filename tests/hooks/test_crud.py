"""Hook CRUD through the CLI against the sandbox over real HTTP."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli, SandboxApp

SQS_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/stream-events"
SNS_ARN = "arn:aws:sns:us-east-1:123456789012:stream-events"
ROLE_ARN = "arn:aws:iam::123456789012:role/stream-hooks"


def add(cli: Cli, *args: str) -> str:
    result = cli("hooks", "add", *args)
    assert result.exit_code == 0, result.stderr
    hook_id = result.stdout.strip()
    assert len(hook_id) == 36, result.stdout
    return hook_id


def test_webhook_lifecycle(cli: Cli, sandbox: SandboxApp) -> None:
    hook_id = add(
        cli,
        "webhook",
        "--url",
        "https://example.com/stream",
        "--events",
        "message.new,message.updated",
        "--events",
        "message.new",
    )
    [stored] = sandbox.hooks()
    assert stored["id"] == hook_id
    assert stored["webhook_url"] == "https://example.com/stream"
    assert stored["event_types"] == ["message.new", "message.updated"]
    assert stored["enabled"] is True

    shown = cli("hooks", "show", hook_id[:8], "--json")
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["webhook_url"] == "https://example.com/stream"

    updated = cli(  # a new target asks first (the one rule)
        "hooks", "update", hook_id, "--url", "https://example.com/v2", "--all-events", "--yes"
    )
    assert updated.exit_code == 0, updated.stderr
    assert "updated hook" in updated.stderr
    [stored] = sandbox.hooks()
    assert stored["webhook_url"] == "https://example.com/v2"
    assert stored["event_types"] == []

    assert cli("hooks", "disable", hook_id, "--yes").exit_code == 0
    assert sandbox.hooks()[0]["enabled"] is False
    assert cli("hooks", "enable", hook_id).exit_code == 0
    assert sandbox.hooks()[0]["enabled"] is True

    listed = cli("hooks", "list")
    assert listed.exit_code == 0
    header, row = listed.stdout.strip().splitlines()
    assert header.split("\t") == ["ID", "TYPE", "ENABLED", "TARGET", "EVENTS", "FAILOVER"]
    assert row.split("\t") == [
        hook_id,
        "webhook",
        "yes",
        "https://example.com/v2",
        "all events (incl. future)",
        "no",
    ]

    removed = cli("hooks", "remove", hook_id, "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert sandbox.hooks() == []


def test_sqs_lifecycle(cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SQS_SECRET", "sqs-secret-value-1")
    hook_id = add(
        cli,
        "sqs",
        "--queue-url",
        SQS_URL,
        "--auth",
        "keys",
        "--key",
        "AKIAEXAMPLE",
        "--secret-env",
        "SQS_SECRET",
        "--events",
        "message.new",
    )
    [stored] = sandbox.hooks()
    assert stored["sqs_secret"] == "sqs-secret-value-1"
    assert stored["sqs_auth_type"] == "keys"

    shown = cli("hooks", "show", hook_id)
    assert "sqs-secret-value-1" not in shown.output
    assert "sqs_secret\t********" in shown.stdout

    # switching to role auth drops the keys and needs a role ARN
    result = cli("hooks", "update", hook_id, "--auth", "role", "--role-arn", ROLE_ARN)
    assert result.exit_code == 0, result.stderr
    [stored] = sandbox.hooks()
    assert stored["sqs_auth_type"] == "role"
    assert stored["sqs_role_arn"] == ROLE_ARN
    assert "sqs_secret" not in stored
    assert "sqs_key" not in stored

    assert cli("hooks", "disable", hook_id, "--yes").exit_code == 0
    assert cli("hooks", "enable", hook_id).exit_code == 0
    assert cli("hooks", "remove", hook_id, "--yes").exit_code == 0
    assert sandbox.hooks() == []


def test_sns_lifecycle(cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch) -> None:
    hook_id = add(cli, "sns", "--topic-arn", SNS_ARN, "--auth", "role", "--role-arn", ROLE_ARN)
    [stored] = sandbox.hooks()
    assert stored["sns_topic_arn"] == SNS_ARN
    assert stored["sns_role_arn"] == ROLE_ARN
    monkeypatch.setenv("SNS_SECRET", "sns-secret-value-2")
    result = cli(
        "hooks",
        "update",
        hook_id,
        "--auth",
        "keys",
        "--key",
        "AKIA2",
        "--secret-env",
        "SNS_SECRET",
        "--events",
        "channel.created",
        "--yes",  # all events -> one type narrows the filter: asks
    )
    assert result.exit_code == 0, result.stderr
    [stored] = sandbox.hooks()
    assert stored["sns_secret"] == "sns-secret-value-2"
    assert "sns_role_arn" not in stored
    assert stored["event_types"] == ["channel.created"]
    assert cli("hooks", "disable", hook_id, "--yes").exit_code == 0
    assert sandbox.hooks()[0]["enabled"] is False
    assert cli("hooks", "remove", hook_id, "--yes").exit_code == 0
    assert sandbox.hooks() == []


def test_pending_message_lifecycle(cli: Cli, sandbox: SandboxApp) -> None:
    hook_id = add(
        cli,
        "pending-message",
        "--url",
        "https://example.com/pending",
        "--timeout-ms",
        "500",
        "--callback-mode",
        "rest",
    )
    [stored] = sandbox.hooks()
    assert stored["timeout_ms"] == 500
    assert stored["callback"] == {"mode": "CALLBACK_MODE_REST"}
    result = cli(
        "hooks", "update", hook_id, "--timeout-ms", "800", "--callback-mode", "twirp", "--yes"
    )
    assert result.exit_code == 0, result.stderr
    [stored] = sandbox.hooks()
    assert stored["timeout_ms"] == 800
    assert stored["callback"]["mode"] == "CALLBACK_MODE_TWIRP"
    # no URL is fine with callback mode none
    add(cli, "pending-message", "--timeout-ms", "300", "--callback-mode", "none")
    # a third pending-message hook is refused before writing
    third = cli(
        "hooks", "add", "pending-message", "--url", "https://example.com/p3", "--timeout-ms", "100"
    )
    assert third.exit_code == 2
    assert "at most 2 pending-message hooks" in third.stderr
    assert len(sandbox.hooks()) == 2
    assert cli("hooks", "disable", hook_id, "--yes").exit_code == 0
    assert cli("hooks", "enable", hook_id).exit_code == 0
    assert cli("hooks", "remove", hook_id, "--yes").exit_code == 0
    assert len(sandbox.hooks()) == 1


def test_update_refuses_flags_of_another_hook_type(cli: Cli, sandbox: SandboxApp) -> None:
    hook_id = add(cli, "webhook", "--url", "https://example.com/a")
    before = sandbox.hooks()
    result = cli("hooks", "update", hook_id, "--timeout-ms", "10")
    assert result.exit_code == 2
    assert "--timeout-ms does not apply to a webhook hook" in result.stderr
    assert sandbox.hooks() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["webhook", "--url", "ftp://example.com/x"], "is not an absolute http(s) URL"),
        (["webhook", "--url", "example.com/no-scheme"], "is not an absolute http(s) URL"),
        (["webhook", "--url", "https://x.io", "--events", "a", "--all-events"], "contradict"),
        (["webhook", "--url", "https://x.io", "--product", "games"], "product"),
        (
            [
                "sqs",
                "--queue-url",
                "https://example.com/q",
                "--auth",
                "role",
                "--role-arn",
                ROLE_ARN,
            ],
            "is not an SQS queue URL",
        ),
        (["sqs", "--queue-url", SQS_URL, "--auth", "keys"], "--auth keys needs --key"),
        (["sqs", "--queue-url", SQS_URL, "--auth", "role"], "--auth role needs --role-arn"),
        (["sqs", "--queue-url", SQS_URL, "--auth", "magic"], "is not one of keys, role, resource"),
        (
            ["sns", "--topic-arn", "arn:aws:sqs:us-east-1:123456789012:x", "--auth", "resource"],
            "is not an SNS ARN",
        ),
        (
            ["sns", "--topic-arn", SNS_ARN, "--auth", "role", "--role-arn", "nope"],
            "is not an IAM role ARN",
        ),
        (
            [
                "sns",
                "--topic-arn",
                SNS_ARN,
                "--auth",
                "keys",
                "--key",
                "K",
                "--secret-env",
                "UNSET_VAR_XYZ",
            ],
            "UNSET_VAR_XYZ is not set",
        ),
        (["pending-message", "--url", "https://x.io", "--timeout-ms", "0"], "--timeout-ms"),
        (
            ["pending-message", "--timeout-ms", "10", "--callback-mode", "rest"],
            "webhook_url is required unless callback.mode is CALLBACK_MODE_NONE",
        ),
        (
            [
                "pending-message",
                "--url",
                "https://x.io",
                "--timeout-ms",
                "10",
                "--callback-mode",
                "grpc",
            ],
            "is not one of none, rest, twirp",
        ),
    ],
)
def test_invalid_input_rejected_before_any_request(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    # Nothing listens on port 9: a request would fail with a connection error (exit 1).
    monkeypatch.setenv("STREAM_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("STREAM_API_KEY", "k")
    monkeypatch.setenv("STREAM_API_SECRET", "s")
    result = cli("hooks", "add", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    assert "connection" not in result.stderr


def test_unknown_fields_survive_an_edit_of_another_hook(cli: Cli, sandbox: SandboxApp) -> None:
    teammate = {
        "id": "teammate-hook",
        "hook_type": "webhook",
        "enabled": True,
        "webhook_url": "https://teammate.example.com/hook",
        "event_types": [],
        "x_future_field": {"nested": [1, 2.5, "three", None]},
        "should_send_custom_events": True,
    }
    sandbox.set_hooks([teammate])
    before = json.dumps(sandbox.hooks()[0], sort_keys=True)
    mine = add(cli, "webhook", "--url", "https://me.example.com/hook")
    assert cli("hooks", "update", mine, "--events", "message.new", "--yes").exit_code == 0
    assert cli("hooks", "disable", mine, "--yes").exit_code == 0
    assert cli("hooks", "remove", mine, "--yes").exit_code == 0
    [after] = sandbox.hooks()
    assert json.dumps(after, sort_keys=True) == before


def content(hooks: list[dict[str, object]]) -> str:
    """The array as JSON without the timestamps the server maintains itself."""
    return json.dumps(
        [{k: v for k, v in h.items() if k not in ("created_at", "updated_at")} for h in hooks],
        sort_keys=True,
    )


def test_history_restore_puts_back_the_exact_previous_array(cli: Cli, sandbox: SandboxApp) -> None:
    first = add(cli, "webhook", "--url", "https://example.com/1", "--events", "message.new")
    add(cli, "webhook", "--url", "https://example.com/2")
    sandbox.set_hooks(
        [
            *sandbox.hooks(),
            {
                "hook_type": "webhook",
                "webhook_url": "https://example.com/3",
                "enabled": False,
                "custom_field": "kept",
            },
        ]
    )
    exact = content(sandbox.hooks())
    assert cli("hooks", "remove", first, "--yes").exit_code == 0
    assert (
        cli(
            "hooks",
            "update",
            sandbox.hooks()[0]["id"],
            "--url",
            "https://example.com/changed",
            "--yes",
        ).exit_code
        == 0
    )

    history = cli("hooks", "history", "--json")
    snaps = json.loads(history.stdout)
    assert [s["operation"].split()[0] for s in snaps[:2]] == ["update", "remove"]
    snapshot = snaps[1]["id"]  # taken before the removal

    dry = cli("hooks", "restore", snapshot, "--dry-run")
    assert dry.exit_code == 0
    assert dry.stdout.startswith("~ webhook") or "+ webhook" in dry.stdout
    assert content(sandbox.hooks()) != exact

    refused = cli("hooks", "restore", snapshot)  # stdin is not a terminal
    assert refused.exit_code == 2
    assert "--yes" in refused.stderr
    as_json = cli("hooks", "restore", snapshot, "--json")
    assert as_json.exit_code == 2
    assert "--yes" in json.loads(as_json.stderr)["hint"]  # stderr is one JSON error, no diff

    restored = cli("hooks", "restore", snapshot, "--yes")
    assert restored.exit_code == 0, restored.stderr
    assert content(sandbox.hooks()) == exact


def test_remove_and_disable_ask_and_refuse_without_a_terminal(
    cli: Cli, sandbox: SandboxApp
) -> None:
    hook_id = add(cli, "webhook", "--url", "https://example.com/1")
    for verb in ("remove", "disable"):
        result = cli("hooks", verb, hook_id)
        assert result.exit_code == 2
        assert "pass --yes" in result.stderr
    assert sandbox.hooks()[0]["enabled"] is True


def test_dry_run_prints_a_diff_and_writes_nothing(cli: Cli, sandbox: SandboxApp) -> None:
    hook_id = add(cli, "webhook", "--url", "https://example.com/1")
    before = sandbox.hooks()
    result = cli("hooks", "update", hook_id, "--url", "https://example.com/2", "--dry-run")
    assert result.exit_code == 0
    assert f"~ webhook {hook_id}" in result.stdout
    assert 'webhook_url: "https://example.com/1" -> "https://example.com/2"' in result.stdout
    as_json = json.loads(cli("hooks", "remove", hook_id, "--dry-run", "--json").stdout)
    assert as_json["changes"][0]["op"] == "remove"
    assert cli("hooks", "add", "webhook", "--url", "https://e.io", "--dry-run").exit_code == 0
    assert sandbox.hooks() == before


@pytest.mark.usefixtures("sandbox")
def test_list_json_and_type_filter(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S", "topsecret-sqs")
    add(cli, "webhook", "--url", "https://example.com/1")
    add(cli, "sqs", "--queue-url", SQS_URL, "--key", "AKIA", "--secret-env", "S")
    hooks = json.loads(cli("hooks", "list", "--json").stdout)
    assert [h["hook_type"] for h in hooks] == ["webhook", "sqs"]
    assert hooks[1]["sqs_secret"] == "********"
    revealed = json.loads(cli("hooks", "list", "--json", "--show-secrets").stdout)
    assert revealed[1]["sqs_secret"] == "topsecret-sqs"
    only = json.loads(cli("hooks", "list", "--type", "sqs", "--json").stdout)
    assert [h["hook_type"] for h in only] == ["sqs"]


@pytest.mark.usefixtures("sandbox")
def test_an_unknown_type_is_a_usage_error_not_an_empty_app(cli: Cli) -> None:
    add(cli, "webhook", "--url", "https://example.com/1")
    for args in (["--type", "webhok"], ["--type", "webhok", "--json"]):
        result = cli("hooks", "list", *args)
        assert result.exit_code == 2, result.stderr
        assert "unknown hook type 'webhok'" in result.stderr
        assert "did you mean --type webhook?" in result.stderr
        assert "no hooks yet" not in result.stdout + result.stderr
    none_of_them = cli("hooks", "list", "--type", "sqs")
    assert none_of_them.exit_code == 0
    assert "no sqs hooks (1 of other types" in none_of_them.stderr


@pytest.mark.usefixtures("sandbox")
def test_show_secrets_adds_a_secrets_column_to_the_table(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("S", "topsecret-sqs")
    add(cli, "sqs", "--queue-url", SQS_URL, "--key", "AKIA", "--secret-env", "S")
    masked = cli("hooks", "list")
    assert "SECRETS" not in masked.stdout.upper().split("\n")[0]
    assert "topsecret-sqs" not in masked.stdout
    shown = cli("hooks", "list", "--show-secrets")
    assert shown.exit_code == 0
    assert "SECRETS" in shown.stdout.splitlines()[0].upper()
    assert "sqs_secret=topsecret-sqs" in shown.stdout


@pytest.mark.usefixtures("sandbox")
def test_failover_show_says_when_there_is_no_failover(cli: Cli) -> None:
    hook_id = add(cli, "webhook", "--url", "https://example.com/1")
    everyone = cli("failover", "show")
    assert everyone.exit_code == 0
    assert "no hook has failover configured" in everyone.stderr
    one = cli("failover", "show", hook_id)
    assert one.exit_code == 0
    assert f"hook {hook_id} has no failover configured" in one.stderr


def test_show_prints_yes_no_and_iso_timestamps_while_json_keeps_raw_values(
    cli: Cli, sandbox: SandboxApp
) -> None:
    hook_id = cli("hooks", "add", "webhook", "--url", "https://e.example/h").stdout.strip()
    ns = 1_795_704_824_228_485_352  # the sandbox's integer nanoseconds, made predictable
    sandbox.set_hooks([{**sandbox.hooks()[0], "should_send_custom_events": False}])
    with sandbox.server.state.lock:
        [stored] = sandbox.server.state.apps[sandbox.api_key].event_hooks
        stored["created_at"], stored["updated_at"] = ns, "2026-11-26T15:00:00Z"
    text = cli("hooks", "show", hook_id)
    assert text.exit_code == 0, text.stderr
    rows = dict(line.split("\t", 1) for line in text.stdout.splitlines())
    assert rows["enabled"] == "yes"
    assert rows["should_send_custom_events"] == "no"
    assert rows["created_at"] == "2026-11-26T14:53:44.228485Z"
    assert rows["updated_at"] == "2026-11-26T15:00:00Z"  # an RFC 3339 string as sent
    listed = cli("hooks", "list")
    assert f"{hook_id}\twebhook\tyes\t" in listed.stdout  # the words `hooks list` uses
    raw = json.loads(cli("hooks", "show", hook_id, "--json").stdout)
    assert raw["enabled"] is True
    assert raw["should_send_custom_events"] is False
    assert raw["created_at"] == ns
