"""A forgotten HOOKCTL_GCS_ENDPOINT is named at once, before any request (issue 24 item 8).

Reproduces: in a new shell without the variable, `failover list` against a sandbox
bucket waited ~9.5 s on storage.googleapis.com's DNS and then said "check network
access", when the key in use was the local sandbox's. Now nothing is sent: the
token server the key names sees no request, and the error names the variable and,
when the sandbox can say, its value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from hookctl.failover.emulator import on_this_machine
from hookctl.sandbox.gcs import create_bucket
from hookctl.sandbox.server import SandboxServer
from hookctl.sandbox.state import SandboxState
from tests.conftest import Cli, SandboxApp
from tests.gcs import fake_gcs_server, service_account_key
from tests.loopback import Loopback, Reply

BUCKET = "sandbox-failover"
PATH = "stream/failed-events"
HOOK = "0b7c5a1e-9d2f-4e8a-8c3b-5f6a7d8e9f01"


@pytest.fixture
def token_calls() -> Iterator[tuple[str, list[str]]]:
    """A token endpoint on loopback that counts what it is asked."""
    seen: list[str] = []

    def answer(request: object) -> Reply:
        seen.append(str(request))
        return Reply(200, {"access_token": "x", "expires_in": 3600, "token_type": "Bearer"})

    with Loopback() as server:
        yield server.route("POST", "/token", handler=answer), seen


def failover_hook(key: dict[str, object]) -> dict[str, object]:
    config = {"type": "gcs", "gcs_bucket": BUCKET, "gcs_path": PATH}
    config["gcs_credentials"] = json.dumps(key)
    return {
        "id": HOOK,
        "hook_type": "webhook",
        "webhook_url": "http://127.0.0.1:9/hooks",
        "enabled": True,
        "failover_config": config,
    }


def assert_names_the_variable(stderr: str) -> None:
    assert "error: HOOKCTL_GCS_ENDPOINT is not set" in stderr, stderr
    assert "HOOKCTL_GCS_ENDPOINT" in stderr.partition("hint:")[2], stderr
    assert "network" not in stderr, stderr
    assert "DNS" not in stderr, stderr


@pytest.mark.parametrize(
    "argv",
    [
        ("failover", "list", "--since", "1h"),
        ("failover", "list", "--since", "1h", "--summary"),
        ("failover", "replay", "--since", "1h", "--dry-run"),
        ("failover", "object", f"{PATH}/2026/04/03/1775217600-message.new-{HOOK}.json"),
        ("failover", "status", "--since", "1h"),
    ],
    ids=["list", "summary", "replay", "object", "status"],
)
def test_a_sandbox_key_without_the_variable_is_named_before_any_request(
    cli: Cli,
    sandbox: SandboxApp,
    token_calls: tuple[str, list[str]],
    argv: tuple[str, ...],
) -> None:
    token_uri, seen = token_calls
    sandbox.set_hooks([failover_hook(service_account_key(token_uri))])
    result = cli(*argv)
    assert result.exit_code == 2, result.output
    assert_names_the_variable(result.stderr)
    assert "local sandbox's key" in result.stderr
    assert token_uri in result.stderr  # why hookctl thinks so
    assert seen == []  # nothing was sent: no token, so no GCS request either


def test_validate_with_a_sandbox_key_names_the_variable(
    cli: Cli, token_calls: tuple[str, list[str]], tmp_path: Path
) -> None:
    token_uri, seen = token_calls
    key = tmp_path / "key.json"
    key.write_text(json.dumps(service_account_key(token_uri)))
    result = cli("failover", "validate", "--bucket", BUCKET, "--credentials", str(key))
    assert result.exit_code == 2, result.output
    assert_names_the_variable(result.stderr)
    assert seen == []


@pytest.fixture
def sandbox_with_gcs(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SandboxServer, str]]:
    """A sandbox that runs a local GCS (as `sandbox start --gcs` does), with STREAM_*
    pointing at it; (the server, its GCS endpoint)."""
    with fake_gcs_server() as gcs:
        create_bucket(gcs, BUCKET)
        server = SandboxServer(SandboxState(None), gcs_endpoint=gcs).start()
        try:
            server.state.add_app("gcs-key", "gcs-secret")
            # a key whose tokens come from Google: only the app says the bucket is local
            key = service_account_key("https://oauth2.googleapis.com/token")
            server.state.update("gcs-key", {"event_hooks": [failover_hook(key)]})
            monkeypatch.setenv("STREAM_BASE_URL", server.url)
            monkeypatch.setenv("STREAM_API_KEY", "gcs-key")
            monkeypatch.setenv("STREAM_API_SECRET", "gcs-secret")
            yield server, gcs
        finally:
            server.stop()


def test_a_sandbox_bucket_without_the_variable_names_the_sandbox_gcs(
    cli: Cli, sandbox_with_gcs: tuple[SandboxServer, str]
) -> None:
    server, gcs = sandbox_with_gcs
    url = server.url
    result = cli("failover", "list", "--since", "1h")
    assert result.exit_code == 2, result.output
    assert_names_the_variable(result.stderr)
    assert f"the hook is the local sandbox's ({url})" in result.stderr
    assert f"export HOOKCTL_GCS_ENDPOINT={gcs}" in result.stderr  # the value to paste


def test_with_the_variable_set_the_same_bucket_is_read(
    cli: Cli,
    sandbox_with_gcs: tuple[SandboxServer, str],
    token_calls: tuple[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, gcs = sandbox_with_gcs
    hook = failover_hook(service_account_key(token_calls[0]))  # the sandbox's kind of key
    server.state.update("gcs-key", {"event_hooks": [hook]})
    monkeypatch.setenv("HOOKCTL_GCS_ENDPOINT", gcs)
    result = cli("failover", "list", "--since", "1h", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["objects"] == []
    assert "HOOKCTL_GCS_ENDPOINT" not in result.stderr


def test_a_sandbox_without_gcs_is_not_blamed(cli: Cli, sandbox: SandboxApp) -> None:
    # the shared test sandbox runs no GCS: a Google-keyed hook is read from Google as
    # before (here it fails for want of credentials, not for a variable)
    sandbox.set_hooks([failover_hook(service_account_key("https://oauth2.googleapis.com/token"))])
    result = cli("failover", "list", "--since", "1h", "--timeout", "1")
    assert "HOOKCTL_GCS_ENDPOINT" not in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8790/_sandbox/token", True),
        ("http://[::1]:80/token", True),
        ("http://localhost:1/x", True),
        ("http://127.9.9.9/x", True),
        ("https://oauth2.googleapis.com/token", False),
        ("http://10.0.0.1/token", False),
        ("not a url", False),
        ("http://[::1", False),
    ],
)
def test_what_counts_as_this_machine(url: str, local: bool) -> None:
    assert on_this_machine(url) is local
