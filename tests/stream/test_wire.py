"""hookctl speaks Stream's wire as the official SDKs do (issue 16)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest

from hookctl.sandbox.server import SandboxServer
from hookctl.stream.client import StreamClient
from tests.capture import fake_stream
from tests.conftest import Cli, SandboxApp

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
        ("hooks", "update", "aaaa", "--url", "https://b.example.com/hook", "--yes"),
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


# ---------------------------------------------------------------- S3 failover configs (item 3)

S3_SECRET = "s3-secret-Zq8w1x"
S3_API_KEY = "s3-apikey-Ab12Cd"
S3_CONFIG = {
    "type": "s3",
    "s3_bucket": "stream-failover",
    "s3_path": "failed/events",
    "s3_region": "eu-west-1",
    "s3_api_key": S3_API_KEY,
    "s3_secret": S3_SECRET,
}


@pytest.fixture
def s3_hook(sandbox: SandboxApp) -> str:
    hook = {
        "hook_type": "webhook",
        "enabled": True,
        "webhook_url": "https://a.example.com/hook",
        "failover_config": dict(S3_CONFIG),
    }
    with StreamClient(sandbox.url, sandbox.api_key, sandbox.api_secret) as client:
        client.update_hooks([hook])  # the sandbox accepts the array and stores the config
    [stored] = sandbox.hooks()
    assert stored["failover_config"] == S3_CONFIG
    return str(stored["id"])


@pytest.mark.usefixtures("sandbox")
def test_s3_secrets_are_masked_everywhere(cli: Cli, s3_hook: str) -> None:
    outputs = {}
    for args in (
        ("hooks", "list"),
        ("hooks", "list", "--json"),
        ("hooks", "list", "--jsonl"),
        ("hooks", "show", s3_hook),
        ("hooks", "show", s3_hook, "--json"),
        ("hooks", "export"),
        ("hooks", "export", "--format", "json"),
        ("failover", "show"),
        ("failover", "show", s3_hook, "--json"),
        ("hooks", "update", s3_hook, "--url", "https://b.example.com/x", "--dry-run"),
        ("hooks", "disable", s3_hook, "--yes", "--json"),
        ("hooks", "history", "--json"),
    ):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
        outputs[args] = result.output
    for args, out in outputs.items():
        assert S3_SECRET not in out, args
        assert S3_API_KEY not in out, args
    assert "s3://stream-failover/failed/events" in outputs[("hooks", "list")]
    assert "s3://stream-failover/failed/events" in outputs[("failover", "show")]
    shown = json.loads(outputs[("failover", "show", s3_hook, "--json")])
    assert shown[0]["location"] == "s3://stream-failover/failed/events"
    assert shown[0]["type"] == "s3"
    exported = outputs[("hooks", "export")]
    assert 's3_secret = "env:S3_SECRET_' in exported
    assert 's3_api_key = "env:S3_API_KEY_' in exported
    revealed = cli("failover", "show", s3_hook, "--json", "--show-secrets")
    assert json.loads(revealed.stdout)[0]["s3_secret"] == S3_SECRET


def test_edits_of_an_s3_hook_carry_the_config_unchanged(
    cli: Cli, sandbox: SandboxApp, s3_hook: str
) -> None:
    result = cli("hooks", "update", s3_hook, "--url", "https://b.example.com/x", "--yes")
    assert result.exit_code == 0, result.output
    assert cli("hooks", "disable", s3_hook, "--yes").exit_code == 0
    [stored] = sandbox.hooks()
    assert stored["webhook_url"] == "https://b.example.com/x"
    assert stored["enabled"] is False
    assert stored["failover_config"] == S3_CONFIG


def test_a_masked_s3_secret_is_never_written_back(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fake_stream(
        {
            "event_hooks": [
                {
                    "id": "s3-1",
                    "hook_type": "webhook",
                    "enabled": True,
                    "webhook_url": "https://a.example.com/hook",
                    "failover_config": {**S3_CONFIG, "s3_secret": "********"},
                }
            ]
        }
    ) as fake:
        _env(monkeypatch, fake.url)
        result = cli("hooks", "disable", "s3-1", "--yes")
        assert fake.writes() == []
    assert result.exit_code == 1
    assert "failover_config.s3_secret looks masked" in result.stderr


@pytest.mark.usefixtures("sandbox")
@pytest.mark.parametrize("verb", ["list", "replay"])
def test_failover_list_and_replay_refuse_s3_clearly(cli: Cli, s3_hook: str, verb: str) -> None:
    extra = ("--to", "http://127.0.0.1:9/x", "--yes") if verb == "replay" else ()
    result = cli("failover", verb, "--since", "1h", "--hook", s3_hook, *extra)
    assert result.exit_code == 2, result.output
    assert "s3://stream-failover/failed/events" in result.stderr
    assert "not supported yet" in result.stderr
    assert "Traceback" not in result.output
    no_hook = cli("failover", verb, "--since", "1h", *extra)
    assert no_hook.exit_code == 2
    assert "not supported yet" in no_hook.stderr


# ---------------------------------------------------------------- legacy apps (item 4)

LEGACY = {
    "use_hook_v2": False,
    "webhook_url": "https://legacy.example.com/stream",
    "webhook_events": ["message.new"],
    "sqs_url": "https://sqs.us-east-1.amazonaws.com/123456789012/legacy",
    "sqs_key": "AKIALEGACY",
    "sqs_secret": "legacy-sqs-secret-9x",
}


@pytest.fixture
def legacy_app(sandbox_server: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> SandboxApp:
    key = f"legacy-{uuid.uuid4().hex[:8]}"
    sandbox_server.state.add_app(key, "legacy-secret", settings=dict(LEGACY))
    app = SandboxApp(sandbox_server.url, key, "legacy-secret", sandbox_server)
    for name, value in app.env().items():
        monkeypatch.setenv(name, value)
    return app


@pytest.mark.usefixtures("legacy_app")
def test_legacy_app_is_listed_read_only(cli: Cli) -> None:
    table = cli("hooks", "list")
    assert table.exit_code == 0, table.output
    assert "https://legacy.example.com/stream" in table.stdout
    assert "https://sqs.us-east-1.amazonaws.com/123456789012/legacy" in table.stdout
    assert "no hooks yet" not in table.output
    assert "not on hooks v2 (use_hook_v2 is false)" in table.stderr
    as_json = cli("hooks", "list", "--json")
    assert json.loads(as_json.stdout) == []
    assert "not on hooks v2" in as_json.stderr
    for out in (table.output, as_json.output):
        assert "legacy-sqs-secret-9x" not in out


def test_legacy_warning_on_the_quick_hooks_list_path(legacy_app: SandboxApp) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hookctl", "hooks", "list", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, **legacy_app.env()},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []
    assert "not on hooks v2" in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("hooks", "add", "webhook", "--url", "https://new.example.com/x"),
        (
            "hooks",
            "add",
            "sns",
            "--topic-arn",
            "arn:aws:sns:us-east-1:123456789012:t",
            "--auth",
            "role",
            "--role-arn",
            "arn:aws:iam::123456789012:role/stream",
        ),
    ],
)
def test_every_write_to_a_legacy_app_refuses_unless_forced(
    cli: Cli, legacy_app: SandboxApp, args: tuple[str, ...]
) -> None:
    refused = cli(*args)
    assert refused.exit_code == 2, refused.output
    assert "not on hooks v2" in refused.stderr
    assert "multi_event_hooks" in refused.stderr
    assert "--force-v2" in refused.stderr
    assert legacy_app.hooks() == []
    forced = cli("--force-v2", *args)
    assert forced.exit_code == 0, forced.output
    assert len(legacy_app.hooks()) == 1


def test_legacy_detected_by_fields_when_the_flag_is_absent(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = {k: v for k, v in LEGACY.items() if k != "use_hook_v2"}
    with fake_stream({**app, "event_hooks": []}) as fake:
        _env(monkeypatch, fake.url)
        refused = cli("hooks", "add", "webhook", "--url", "https://new.example.com/x")
        listed = cli("hooks", "list")
        assert fake.writes() == []
    assert refused.exit_code == 2
    assert "legacy fields" in refused.stderr
    assert "legacy webhook fields and no event_hooks" in listed.stderr


def test_sandbox_get_app_has_id_use_hook_v2_and_legacy_start(sandbox: SandboxApp) -> None:
    from hookctl.sandbox.run import build

    with StreamClient(sandbox.url, sandbox.api_key, sandbox.api_secret) as client:
        app = client.get_app()
    assert isinstance(app["id"], int)
    assert app["use_hook_v2"] is True
    server = build("127.0.0.1", 0, None, "legacy-key", "legacy-secret", legacy=True)
    try:
        assert server.state.app_json("legacy-key")["use_hook_v2"] is False
    finally:
        server._server.server_close()


def test_sandbox_errors_say_whether_they_are_unrecoverable(sandbox: SandboxApp) -> None:
    request = urllib.request.Request(f"{sandbox.url}/api/v2/app?api_key={sandbox.api_key}")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)
    body = json.loads(caught.value.read())
    assert body["unrecoverable"] is True
    assert body["StatusCode"] == 401


# ---------------------------------------------------------------- the live event list (item 5)


@pytest.mark.usefixtures("sandbox")
def test_events_list_live_fetches_caches_and_falls_back(cli: Cli) -> None:
    bundled = cli("events", "list", "--json")
    assert bundled.exit_code == 0
    assert "live" not in bundled.stderr
    live = cli("events", "list", "--live", "--json")
    assert live.exit_code == 0, live.output
    assert "live event list from" in live.stderr
    assert "fetched now" in live.stderr
    assert {e["name"] for e in json.loads(live.stdout)} == {
        e["name"] for e in json.loads(bundled.stdout)
    }
    cached = cli("events", "list", "--live")
    assert "cached" in cached.stderr
    assert "ago" in cached.stderr
    refreshed = cli("events", "list", "--live", "--refresh")
    assert "fetched now" in refreshed.stderr
    # offline: the cached copy is used and says why
    cli_offline = cli("--base-url", "http://127.0.0.1:9", "events", "list", "--live")
    assert cli_offline.exit_code == 0
    assert "bundled catalog" in cli_offline.stderr
    assert "not available" in cli_offline.stderr


def test_validation_uses_the_cached_live_list(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    events = {"events": [{"name": "brand.new", "description": "d", "products": ["chat"]}]}
    hooks = {"use_hook_v2": True, "event_hooks": []}
    with fake_stream(hooks, extra={"/hook/events": events}) as fake:
        _env(monkeypatch, fake.url)
        before = cli("hooks", "add", "webhook", "--url", "https://x.example.com", "-e", "brand.new")
        assert before.exit_code == 2
        assert "unknown event type 'brand.new'" in before.stderr
        assert cli("events", "list", "--live").exit_code == 0
        after = cli("hooks", "add", "webhook", "--url", "https://x.example.com", "-e", "brand.new")
        assert after.exit_code == 0, after.output
        assert "checked against the live event list" in after.stderr
        assert fake.writes()[0]["event_hooks"][0]["event_types"] == ["brand.new"]
        paths = [r.path for r in fake.requests]
    assert paths.count("/hook/events") == 1  # writes never fetch the list themselves


def test_server_without_the_endpoint_falls_back(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_stream({"event_hooks": []}) as fake:
        _env(monkeypatch, fake.url)
        result = cli("events", "list", "--live", "--json")
    assert result.exit_code == 0
    assert "bundled catalog" in result.stderr
    assert "not found" in result.stderr
    assert len(json.loads(result.stdout)) > 100


# ---------------------------------------------------------------- custom events (item 7)


def test_route_honours_should_send_custom_events(cli: Cli, sandbox: SandboxApp) -> None:
    sandbox.set_hooks(
        [
            {
                "id": "on",
                "hook_type": "webhook",
                "enabled": True,
                "webhook_url": "https://a.io",
                "should_send_custom_events": True,
            },
            {"id": "off", "hook_type": "webhook", "enabled": True, "webhook_url": "https://b.io"},
        ]
    )
    routed = json.loads(cli("events", "route", "custom", "--json").stdout)
    receives = {h["id"]: h["receives"] for h in routed["hooks"]}
    assert receives == {"on": True, "off": False}
    normal = json.loads(cli("events", "route", "message.new", "--json").stdout)
    assert all(h["receives"] for h in normal["hooks"])


def test_hooks_test_on_a_role_auth_aws_hook_is_not_a_failure(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox.set_hooks(
        [
            {
                "id": "sqs-role",
                "hook_type": "sqs",
                "enabled": True,
                "sqs_queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                "sqs_auth_type": "role",
                "sqs_role_arn": "arn:aws:iam::123456789012:role/stream",
            }
        ]
    )
    plain = cli("hooks", "test", "sqs-role")
    assert plain.exit_code == 0, plain.output
    assert "not checked" in plain.stderr
    assert "not a failure of the hook" in plain.stderr
    assert "--key and --secret-env" in plain.stderr
    as_json = json.loads(cli("hooks", "test", "sqs-role", "--json").stdout)
    assert (as_json["ok"], as_json["status"]) == (None, "not_checked")
    monkeypatch.setenv("CHECK_SECRET", "lent-secret")
    lent = cli("hooks", "test", "sqs-role", "--key", "AKIALENT", "--secret-env", "CHECK_SECRET")
    assert lent.exit_code == 0
    assert "with the given key: ok" in lent.stderr
    assert "lent-secret" not in json.dumps(sandbox.hooks())  # used for the check only
    half = cli("hooks", "test", "sqs-role", "--key", "AKIALENT")
    assert half.exit_code == 2


def test_flags_for_custom_events_sns_group_id_and_callback_server_url(
    cli: Cli, sandbox: SandboxApp
) -> None:
    arn = "arn:aws:iam::123456789012:role/stream"
    sns = cli(
        "hooks",
        "add",
        "sns",
        "--topic-arn",
        "arn:aws:sns:us-east-1:123456789012:t.fifo",
        "--auth",
        "role",
        "--role-arn",
        arn,
        "--custom-events",
        "--sns-event-group-id",
    )
    assert sns.exit_code == 0, sns.output
    pending = cli(
        "hooks",
        "add",
        "pending-message",
        "--url",
        "https://p.example.com",
        "--timeout-ms",
        "500",
        "--callback-server-url",
        "https://cb.example.com/twirp",
    )
    assert pending.exit_code == 0, pending.output
    by_type = {h["hook_type"]: h for h in sandbox.hooks()}
    assert by_type["sns"]["should_send_custom_events"] is True
    assert by_type["sns"]["sns_event_based_message_group_id_enabled"] is True
    assert by_type["pending_message"]["callback"] == {
        "mode": "CALLBACK_MODE_REST",
        "server_url": "https://cb.example.com/twirp",
    }
    sns_id = by_type["sns"]["id"]
    changed = cli(
        "hooks", "update", sns_id, "--no-custom-events", "--no-sns-event-group-id", "--yes"
    )
    assert changed.exit_code == 0, changed.output
    [updated] = [h for h in sandbox.hooks() if h["id"] == sns_id]
    assert updated["should_send_custom_events"] is False
    assert updated["sns_event_based_message_group_id_enabled"] is False
    wrong = cli("hooks", "update", sns_id, "--callback-server-url", "https://x.example.com")
    assert wrong.exit_code == 2
    assert "--callback-server-url does not apply to a sns hook" in wrong.stderr


# ---------------------------------------------------------------- the unified SDK (Done when)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_official_getstream_sdk_works_against_the_sandbox(sandbox: SandboxApp) -> None:
    """getstream 7.0, unmodified: typed GET /app (id, use_hook_v2, integer-nanosecond
    timestamps, an S3 failover config) and an update_app that writes its own hooks back."""
    pytest.importorskip("getstream")  # absent only in scripts/lower_bounds.sh's venv
    from getstream import Stream
    from getstream.models import EventHook

    sandbox.set_hooks(
        [
            {
                "hook_type": "webhook",
                "enabled": True,
                "webhook_url": "https://a.example.com/hook",
                "failover_config": dict(S3_CONFIG),
            }
        ]
    )
    client = Stream(api_key=sandbox.api_key, api_secret=sandbox.api_secret, base_url=sandbox.url)
    app = client.get_app().data.app
    assert isinstance(app.id, int)
    assert app.use_hook_v2 is True
    [hook] = app.event_hooks
    assert hook.created_at is not None
    assert hook.failover_config.s3_bucket == "stream-failover"
    # what an SDK user does: read, append, write back (timestamps go back as ISO strings)
    added = EventHook(hook_type="webhook", enabled=True, webhook_url="https://b.example.com/x")
    client.update_app(event_hooks=[hook, added])
    stored = sandbox.hooks()
    assert [h["webhook_url"] for h in stored] == [
        "https://a.example.com/hook",
        "https://b.example.com/x",
    ]
    assert stored[0]["failover_config"]["s3_secret"] == S3_SECRET
    assert all(isinstance(h["created_at"], int) for h in stored)
