"""Hooks as code: export, diff, apply and --check against the sandbox."""

from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hookctl.base.redact import split_url_password
from hookctl.hooks.array import comparable
from hookctl.sandbox.server import SandboxServer
from tests.conftest import Cli, SandboxApp
from tests.gcs import service_account_key

SQS_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/stream-events"
SNS_ARN = "arn:aws:sns:us-east-1:123456789012:stream-events"


def add(cli: Cli, *args: str) -> str:
    result = cli("hooks", "add", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def export(cli: Cli, *args: str) -> str:
    result = cli("hooks", "export", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def setup_app(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("SQS_S", "sqs-secret-value")
    sqs = add(
        cli,
        "sqs",
        "--queue-url",
        SQS_URL,
        "--auth",
        "keys",
        "--key",
        "AKIA1",
        "--secret-env",
        "SQS_S",
        "--events",
        "message.new",
    )
    web = add(
        cli,
        "webhook",
        "--url",
        "https://example.com/hook",
        "--events",
        "message.new,message.updated",
    )
    key = tmp_path / "key.json"
    key.write_text(json.dumps(service_account_key("https://oauth2.googleapis.com/token")))
    done = cli(
        "failover",
        "set",
        web,
        "--bucket",
        "my-failover",
        "--path",
        "stream/failed",
        "--credentials",
        str(key),
        "--skip-probe",
    )
    assert done.exit_code == 0, done.stderr
    return {"sqs": sqs, "web": web, "key": str(key)}


def write_file(tmp_path: Path, text: str, env: pytest.MonkeyPatch) -> Path:
    """The exported file with the GCS key as a file: reference, secrets in env."""
    gcs_ref = re.search(r'gcs_credentials = "env:(\w+)"', text)
    assert gcs_ref is not None
    text = text.replace(f"env:{gcs_ref[1]}", "file:key.json")
    for var in re.findall(r'"env:(\w+)"', text):
        env.setenv(var, "sqs-secret-value")
    path = tmp_path / "stream-hooks.toml"
    path.write_text(text)
    return path


@pytest.mark.usefixtures("sandbox")
def test_export_is_deterministic_and_holds_no_secret(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup_app(cli, tmp_path, monkeypatch)
    first, second = export(cli), export(cli)
    assert first == second
    assert "sqs-secret-value" not in first
    assert "PRIVATE KEY" not in first
    assert 'sqs_secret = "env:SQS_SECRET_' in first
    assert "[hook.failover_config]" in first
    as_json = json.loads(export(cli, "--format", "json"))
    assert [h["hook_type"] for h in as_json["hook"]] == ["sqs", "webhook"]


def test_export_then_apply_on_an_empty_app_reproduces_it(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup_app(cli, tmp_path, monkeypatch)
    original = sandbox.hooks()
    path = write_file(tmp_path, export(cli), monkeypatch)
    other = f"key-{uuid.uuid4().hex[:8]}"
    sandbox.server.state.add_app(other, sandbox.api_secret)
    monkeypatch.setenv("STREAM_API_KEY", other)
    result = cli("hooks", "apply", str(path), "--create-missing")
    assert result.exit_code == 0, result.stderr
    copied = sandbox.server.state.app_json(other)["event_hooks"]
    # secrets resolved from env and the key file
    assert [comparable(h) for h in copied] == [comparable(h) for h in original]


def test_diff_shows_exactly_the_changed_fields_and_apply_writes_once(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = setup_app(cli, tmp_path, monkeypatch)
    text = export(cli).replace('"message.updated"', '"reaction.new"')
    path = write_file(tmp_path, text, monkeypatch)
    shown = cli("hooks", "diff", str(path), "--json")
    changes = json.loads(shown.stdout)["changes"]
    assert [(c["op"], c["id"], sorted(c["fields"])) for c in changes] == [
        ("update", ids["web"], ["event_types"])
    ]
    assert cli("hooks", "apply", str(path), "--check").exit_code == 1  # drift

    def history() -> int:
        return len(json.loads(cli("hooks", "history", "--json").stdout))

    before = history()
    narrowing = cli("hooks", "apply", str(path))  # message.updated stops: asks first
    assert narrowing.exit_code == 2
    assert history() == before
    assert cli("hooks", "apply", str(path), "--yes").exit_code == 0
    assert cli("hooks", "apply", str(path)).exit_code == 0  # idempotent: no second write
    assert history() == before + 1
    assert cli("hooks", "apply", str(path), "--check").exit_code == 0
    assert sandbox.hooks()[1]["event_types"] == ["message.new", "reaction.new"]


def test_hooks_without_id_match_by_target_and_prune_removes_only_unmanaged(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path
) -> None:
    web = add(cli, "webhook", "--url", "https://example.com/keep")
    stray = add(
        cli,
        "sns",
        "--topic-arn",
        SNS_ARN,
        "--auth",
        "role",
        "--role-arn",
        "arn:aws:iam::123456789012:role/r",
    )
    path = tmp_path / "hooks.toml"
    path.write_text(
        '[[hook]]\nname = "main"\nhook_type = "webhook"\nenabled = false\n'
        'webhook_url = "https://example.com/keep"\n\n'
        '[[hook]]\nhook_type = "webhook"\nwebhook_url = "https://example.com/new"\n'
        'enabled = true\nevent_types = ["message.new"]\n'
    )
    kept = cli("hooks", "apply", str(path), "--yes")  # disables "main": asks
    assert kept.exit_code == 0, kept.stderr
    assert f"unmanaged: sns hook {stray}" in kept.stderr
    hooks = sandbox.hooks()
    assert [h["id"] for h in hooks[:2]] == [web, stray]
    assert hooks[0]["enabled"] is False
    assert hooks[2]["webhook_url"] == "https://example.com/new"
    refused = cli("hooks", "apply", str(path), "--prune")
    assert refused.exit_code == 2
    assert "--yes" in refused.stderr
    pruned = cli("hooks", "apply", str(path), "--prune", "--yes")
    assert pruned.exit_code == 0, pruned.stderr
    assert [h["id"] for h in sandbox.hooks()] == [web, hooks[2]["id"]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '[[hook]]\nhook_type = "webhook"\nwebhook_url = "https://x.io/h"\n'
            'event_types = ["message.created"]\n',
            ":4: hook 1: unknown event type",
        ),
        (
            '[[hook]]\nhook_type = "sqs"\nsqs_queue_url = "'
            + SQS_URL
            + '"\nsqs_auth_type = "keys"\n'
            'sqs_key = "K"\nsqs_secret = "literal-secret"\n',
            ":6: hook 1: sqs_secret holds a literal",
        ),
        (
            '[[hook]]\nhook_type = "sqs"\nsqs_queue_url = "'
            + SQS_URL
            + '"\nsqs_auth_type = "keys"\n'
            'sqs_key = "K"\nsqs_secret = "env:NOT_SET_ANYWHERE"\n',
            "$NOT_SET_ANYWHERE, which is not set",
        ),
        ('[[hook]]\nhook_type = "webhook"\nwebhook_url = "ftp://x"\n', ":3: hook 1: webhook_url"),
        ('[[hook]]\nhook_type = "webhook"\nwebhook_url = \n', "not valid TOML"),
    ],
)
def test_an_invalid_file_changes_nothing_and_names_the_line(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path, body: str, message: str
) -> None:
    add(cli, "webhook", "--url", "https://example.com/live")
    before = sandbox.hooks()
    path = tmp_path / "bad.toml"
    path.write_text(body)
    runs = [["apply"], ["apply", "--check"], ["diff"]]
    if "NOT_SET_ANYWHERE" in body:  # comparing without a secret is allowed unless strict
        runs = [["apply"], ["apply", "--check", "--strict-secrets"], ["diff", "--strict-secrets"]]
    for args in runs:
        result = cli("hooks", *args, str(path))
        assert result.exit_code == 2, result.output
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    assert sandbox.hooks() == before


webhooks = st.builds(
    lambda n, types, enabled, password: {
        "hook_type": "webhook",
        "webhook_url": f"https://{f'u:{password}@' if password else ''}h{n}.example.com/x",
        "event_types": types,
        "enabled": enabled,
    },
    st.integers(0, 10_000),
    st.lists(st.sampled_from(["message.new", "reaction.new", "call.created"]), unique=True),
    st.booleans(),
    st.none()  # a userinfo password as written in a URL (percent-encoded)
    | st.lists(st.sampled_from([*"abcf019~!*", "%40", "%2F", "%25"]), min_size=4, max_size=12).map(
        "".join
    ),
)
sqs_hooks = st.builds(
    lambda secret, enabled: {
        "hook_type": "sqs",
        "sqs_queue_url": SQS_URL,
        "sqs_auth_type": "keys",
        "sqs_key": "AKIA",
        "sqs_secret": secret,
        "enabled": enabled,
    },
    st.text("abcdef0123456789", min_size=4, max_size=20),
    st.booleans(),
)


hook_lists = st.lists(st.one_of(webhooks, sqs_hooks), max_size=5)


@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hooks=hook_lists)
def test_export_apply_export_is_a_fixed_point(
    cli: Cli, sandbox_server: SandboxServer, hooks: list[dict[str, Any]], tmp_path: Path
) -> None:
    check_fixed_point(cli, sandbox_server, hooks, tmp_path)


@pytest.mark.slow
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hooks=hook_lists)
def test_export_apply_export_is_a_fixed_point_over_more_examples(
    cli: Cli, sandbox_server: SandboxServer, hooks: list[dict[str, Any]], tmp_path: Path
) -> None:
    check_fixed_point(cli, sandbox_server, hooks, tmp_path)


def check_fixed_point(
    cli: Cli, sandbox_server: SandboxServer, hooks: list[dict[str, Any]], tmp_path: Path
) -> None:
    """Exporting an app, applying the file to an empty app and exporting again gives the
    same file, and secrets come back from their environment variables."""
    source, target = (f"key-{uuid.uuid4().hex[:10]}" for _ in range(2))
    secret = "property-secret"
    for key in (source, target):
        sandbox_server.state.add_app(key, secret)
    for hook in hooks:
        hook["id"] = str(uuid.uuid4())
    sandbox_server.state.update(source, {"event_hooks": hooks})
    saved = dict(os.environ)
    try:
        os.environ.update(
            {
                "STREAM_BASE_URL": sandbox_server.url,
                "STREAM_API_SECRET": secret,
                "STREAM_API_KEY": source,
            }
        )
        text = export(cli)
        for hook in hooks:
            if hook["hook_type"] == "sqs":
                os.environ[f"SQS_SECRET_{hook['id'][:8].upper()}"] = hook["sqs_secret"]
            password = split_url_password(hook.get("webhook_url", ""))[1]
            if password:  # exported as webhook_url_password = "env:…"
                os.environ[f"WEBHOOK_URL_PASSWORD_{hook['id'][:8].upper()}"] = password
        path = tmp_path / f"{source}.toml"
        path.write_text(text)
        os.environ["STREAM_API_KEY"] = target
        result = cli("hooks", "apply", str(path), "--create-missing")
        assert result.exit_code == 0, result.stderr
        assert export(cli) == text
        copied = sandbox_server.state.app_json(target)["event_hooks"]
        assert [h.get("sqs_secret") for h in copied] == [h.get("sqs_secret") for h in hooks]
        assert [h.get("webhook_url") for h in copied] == [h.get("webhook_url") for h in hooks]
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_diff_without_secrets_compares_the_rest_and_says_what_it_skipped(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = setup_app(cli, tmp_path, monkeypatch)
    text = export(cli)
    secret_vars = re.findall(r'sqs_secret = "env:(\w+)"', text)
    assert secret_vars
    path = write_file(tmp_path, text, monkeypatch)
    for var in secret_vars:  # a pull-request job has no production secrets
        monkeypatch.delenv(var)
    in_sync = cli("hooks", "diff", str(path))
    assert in_sync.exit_code == 0, in_sync.stderr
    assert f"sqs_secret not compared ({secret_vars[0]} unset)" in in_sync.stderr
    assert "in sync" in in_sync.stderr
    assert cli("hooks", "apply", str(path), "--check").exit_code == 0
    strict = cli("hooks", "diff", str(path), "--strict-secrets")
    assert strict.exit_code == 2
    assert "which is not set" in strict.stderr
    # the rest is still compared: drift is exit 1 without the secrets too
    drifted = path.read_text().replace('"message.updated"', '"reaction.new"')
    path.write_text(drifted)
    changes = json.loads(cli("hooks", "diff", str(path), "--json").stdout)
    assert [c["id"] for c in changes["changes"]] == [ids["web"]]
    assert changes["not_compared"]
    assert cli("hooks", "apply", str(path), "--check").exit_code == 1
    # a real apply needs every secret
    assert cli("hooks", "apply", str(path), "--yes").exit_code == 2
    assert sandbox.hooks()[1]["event_types"] == ["message.new", "message.updated"]


def test_a_file_id_with_no_live_hook_is_an_error_unless_create_missing(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = setup_app(cli, tmp_path, monkeypatch)
    text = export(cli).replace(ids["web"], "00000000-dead-beef-0000-000000000000")
    path = write_file(tmp_path, text, monkeypatch)
    before = sandbox.hooks()
    result = cli("hooks", "diff", str(path))
    assert result.exit_code == 2
    assert "id 00000000-dead-beef-0000-000000000000 matches no live hook" in result.stderr
    assert "--create-missing" in result.stderr
    assert cli("hooks", "apply", str(path), "--yes").exit_code == 2
    assert sandbox.hooks() == before
    created = cli("hooks", "diff", str(path), "--create-missing", "--json")
    assert created.exit_code == 0, created.stderr
    assert "add" in {c["op"] for c in json.loads(created.stdout)["changes"]}


def test_a_json_export_applies_like_the_toml_one(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup_app(cli, tmp_path, monkeypatch)
    original = sandbox.hooks()
    text = export(cli, "--format", "json")
    for var in re.findall(r'"env:(\w+)"', text):
        monkeypatch.setenv(var, "sqs-secret-value")
    gcs_ref = re.search(r'"gcs_credentials": "env:(\w+)"', text)
    assert gcs_ref is not None
    monkeypatch.setenv(gcs_ref[1], (tmp_path / "key.json").read_text())
    path = tmp_path / "stream-hooks.json"
    path.write_text(text)
    assert cli("hooks", "apply", str(path), "--check").exit_code == 0  # no drift
    other = f"key-{uuid.uuid4().hex[:8]}"
    sandbox.server.state.add_app(other, sandbox.api_secret)
    monkeypatch.setenv("STREAM_API_KEY", other)
    result = cli("hooks", "apply", str(path), "--create-missing")
    assert result.exit_code == 0, result.stderr
    copied = sandbox.server.state.app_json(other)["event_hooks"]
    assert [comparable(h) for h in copied] == [comparable(h) for h in original]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"hook": [', "not valid JSON"),
        ("[1, 2]", "an object with a `hook` list"),
        ('{"hook": [1]}', "hook 1 is not a table"),
        ('{"hook": [{"hook_type": null}]}', "hook_type"),
        ('{"hooks": []}', "unknown top-level key"),
    ],
)
def test_a_bad_json_hook_file_is_one_clear_error(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path, text: str, says: str
) -> None:
    before = sandbox.hooks()
    path = tmp_path / "hooks.json"
    path.write_text(text)
    result = cli("hooks", "apply", str(path), "--yes")
    assert result.exit_code == 2, result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert sandbox.hooks() == before


def test_a_hook_without_enabled_is_applied_enabled_and_check_is_clean(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path
) -> None:
    """A file's hook that leaves out `enabled` is on, as `hooks add` makes it: the server
    is never left to pick (the sandbox, like a Go zero value, stores an absent `enabled`
    as false), so apply creates a hook that fires and `--check` right after is clean."""
    path = tmp_path / "h.toml"
    path.write_text(
        '[[hook]]\nhook_type = "webhook"\nwebhook_url = "https://example.com/no-enabled"\n'
        'event_types = ["message.new"]\n'
    )
    plan = cli("hooks", "diff", str(path), "--json")
    assert plan.exit_code == 0, plan.stderr
    assert json.loads(plan.stdout)["changes"][0]["op"] == "add"
    applied = cli("hooks", "apply", str(path), "--yes")
    assert applied.exit_code == 0, applied.stderr
    made = [h for h in sandbox.hooks() if h.get("webhook_url", "").endswith("/no-enabled")]
    assert [h["enabled"] for h in made] == [True]
    check = cli("hooks", "apply", str(path), "--check")
    assert check.exit_code == 0, check.stdout + check.stderr
    # a hook disabled by hand is drift for a file that leaves `enabled` out
    assert cli("hooks", "disable", made[0]["id"], "--yes").exit_code == 0
    drift = cli("hooks", "apply", str(path), "--check")
    assert drift.exit_code == 1
    assert "enabled: false -> true" in drift.stdout
