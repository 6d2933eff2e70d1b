"""Failover setup: offline key checks, probes against fake-gcs-server, set/show/clear."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hookctl.sandbox.gcs import create_bucket
from tests.conftest import Cli, SandboxApp
from tests.gcs import ec_pem, fake_gcs_server, service_account_key, token_server


@pytest.fixture(scope="session")
def gcs() -> Iterator[str]:
    with fake_gcs_server() as url:
        create_bucket(url, "stream-failover")
        yield url


@pytest.fixture
def token() -> Iterator[str]:
    with token_server() as url:
        yield url


def validate(
    cli: Cli, key: Path, endpoint: str, *extra: str, bucket: str = "stream-failover"
) -> Any:
    """`hookctl failover validate` with a key file against a GCS endpoint."""
    return cli(
        "failover",
        "validate",
        "--bucket",
        bucket,
        "--credentials",
        str(key),
        "--gcs-endpoint",
        endpoint,
        *extra,
    )


def write_key(tmp_path: Path, key: Any, name: str = "key.json") -> Path:
    path = tmp_path / name
    path.write_text(key if isinstance(key, str) else json.dumps(key))
    return path


def test_validate_writes_and_reads_a_probe(cli: Cli, gcs: str, token: str, tmp_path: Path) -> None:
    key = write_key(tmp_path, service_account_key(token))
    result = validate(cli, key, gcs, "--path", "/stream//failed-events/", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert [(c["permission"], c["status"]) for c in report["checks"]] == [
        ("storage.objects.create", "ok"),
        ("storage.objects.get", "ok"),
    ]
    assert (
        "gs://stream-failover/stream/failed-events/.hookctl-probe-" in report["checks"][0]["detail"]
    )
    assert "testIamPermissions" in result.stderr  # fake-gcs-server lacks it: said, not hidden
    replay = validate(cli, key, gcs, "--for", "replay")
    assert replay.exit_code == 0, replay.stderr


def test_bucket_not_found(cli: Cli, gcs: str, token: str, tmp_path: Path) -> None:
    key = write_key(tmp_path, service_account_key(token))
    result = validate(cli, key, gcs, bucket="no-such-bucket")
    assert result.exit_code == 1
    assert "bucket no-such-bucket does not exist" in result.stderr


@pytest.mark.parametrize(
    "bound",
    [
        pytest.param(1.0, id="bound-1s"),
        pytest.param(None, id="shipped-bound", marks=pytest.mark.slow),
    ],
)
def test_unreachable_token_endpoint_fails_in_seconds(
    cli: Cli, gcs: str, tmp_path: Path, bound: float | None
) -> None:
    """The default run passes --timeout 1 (same code path, a shorter wait); the slow
    run waits out the shipped default."""
    import socket

    silent = socket.socket()  # accepts connections, never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    key = write_key(
        tmp_path, service_account_key(f"http://127.0.0.1:{silent.getsockname()[1]}/token")
    )
    started = time.monotonic()
    if bound is None:
        result = validate(cli, key, gcs)
    else:
        args = ["failover", "validate", "--bucket", "stream-failover", "--credentials", str(key)]
        result = cli("--timeout", str(bound), *args, "--gcs-endpoint", gcs)
    elapsed = time.monotonic() - started
    silent.close()
    assert result.exit_code == 1
    assert "token" in result.stderr
    assert elapsed < (40 if bound is None else 8), elapsed  # the library's default: ~120 s


def test_invalid_grant_is_explained(cli: Cli, gcs: str, tmp_path: Path) -> None:
    answer = {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
    with token_server(answer, status=400) as url:
        key = write_key(tmp_path, service_account_key(url))
        result = validate(cli, key, gcs)
    assert result.exit_code == 1
    assert "deleted, disabled, or the key was revoked" in result.stderr


MALFORMED: list[tuple[Any, str]] = [
    ("", "is empty"),
    ("{not json", "is not JSON"),
    ("[1, 2]", "is JSON but not an object"),
    ({"type": "authorized_user", "client_id": "x", "refresh_token": "y"}, "is a user credential"),
    ({"type": "external_account", "audience": "x"}, "workload-identity-federation"),
    ({"private_key": "x"}, 'has no "type" field'),
    ({"type": "impersonated_service_account"}, "impersonation config"),
    ({"type": "gdch_service_account"}, "has type 'gdch_service_account'"),
    ("missing:project_id", "is missing 'project_id'"),
    ("missing:private_key_id", "is missing 'private_key_id'"),
    ("missing:private_key", "is missing 'private_key'"),
    ("missing:client_email", "is missing 'client_email'"),
    ("missing:token_uri", "is missing 'token_uri'"),
    ("field:private_key=not a pem", "private_key is not a PEM block"),
    (
        "field:private_key=-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "does not parse as a PEM private key",
    ),
    ("ec", "is not an RSA key"),
    ("field:client_email=alice@example.com", "is not a service-account address"),
    ("field:token_uri=ftp://oauth2.googleapis.com/token", "is not an https URL"),
]


@pytest.mark.parametrize(("key", "message"), MALFORMED)
def test_malformed_keys(cli: Cli, tmp_path: Path, key: Any, message: str) -> None:
    google = "https://oauth2.googleapis.com/token"
    if isinstance(key, str) and key.startswith("missing:"):
        key = {k: v for k, v in service_account_key(google).items() if k != key[8:]}
    elif isinstance(key, str) and key.startswith("field:"):
        name, _, value = key[6:].partition("=")
        key = {**service_account_key(google), name: value}
    elif key == "ec":
        key = service_account_key("https://oauth2.googleapis.com/token", private_key=ec_pem())
    path = write_key(tmp_path, key)
    result = cli("failover", "validate", "--bucket", "stream-failover", "--credentials", str(path))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    assert "BEGIN PRIVATE KEY-----\nMII" not in result.output


@pytest.mark.parametrize(
    ("bucket", "message"),
    [
        ("gs://b/x", "includes the gs:// scheme"),
        ("ab", "3 to 63"),
        ("My_Bucket", "naming rules"),
        ("192.168.1.10", "IP address"),
        ("google-events", "google"),
        ("a..b", "dotted"),
    ],
)
def test_bad_bucket_names(cli: Cli, bucket: str, message: str) -> None:
    result = cli("failover", "validate", "--bucket", bucket, "--credentials", "nope.json")
    assert result.exit_code == 2
    assert message in result.stderr


def test_set_show_clear(
    cli: Cli,
    sandbox: SandboxApp,
    gcs: str,
    token: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = service_account_key(token)
    path = write_key(tmp_path, key)
    hook_id = cli("hooks", "add", "webhook", "--url", "https://e.io").stdout.strip()
    result = cli(
        "failover",
        "set",
        hook_id,
        "--bucket",
        "stream-failover",
        "--path",
        "stream/failed-events/",
        "--credentials",
        str(path),
        "--gcs-endpoint",
        gcs,
    )
    assert result.exit_code == 0, result.stderr
    config = sandbox.hooks()[0]["failover_config"]
    assert config == {
        "type": "gcs",
        "gcs_bucket": "stream-failover",
        "gcs_path": "stream/failed-events",
        "gcs_credentials": path.read_text(),
    }
    outputs = [result.output]
    for args in (
        ["failover", "show"],
        ["failover", "show", "--json"],
        ["hooks", "list"],
        ["hooks", "list", "--json"],
        ["hooks", "show", hook_id],
        ["hooks", "show", hook_id, "--json"],
    ):
        r = cli(*args)
        assert r.exit_code == 0
        outputs.append(r.output)
    shown = json.loads(cli("failover", "show", "--json").stdout)
    assert shown[0]["client_email"] == key["client_email"]
    assert shown[0]["private_key_id"] == key["private_key_id"]
    assert "gs://stream-failover/stream/failed-events" in outputs[3]
    private_body = key["private_key"].splitlines()[1]
    assert all(private_body not in out for out in outputs)

    # env source; no --path keeps the existing path, --path "" is the bucket root
    monkeypatch.setenv("GCS_KEY", json.dumps(key))
    args = ["failover", "set", hook_id, "--bucket", "stream-failover", "--credentials-env"]
    kept = cli(*args, "GCS_KEY", "--skip-probe")
    assert kept.exit_code == 0
    assert "keeping the path 'stream/failed-events'" in kept.stderr
    assert sandbox.hooks()[0]["failover_config"]["gcs_path"] == "stream/failed-events"
    moved = cli(*args, "GCS_KEY", "--skip-probe", "--path", "")
    assert moved.exit_code == 2  # failed events would go elsewhere: asks, like every write
    assert "Change where failed events of webhook hook" in moved.stderr
    assert cli(*args, "GCS_KEY", "--skip-probe", "--path", "", "--yes").exit_code == 0
    assert "gcs_path" not in sandbox.hooks()[0]["failover_config"]

    assert cli("failover", "clear", hook_id).exit_code == 2  # needs --yes off a terminal
    assert cli("failover", "clear", hook_id, "--yes").exit_code == 0
    assert "failover_config" not in sandbox.hooks()[0]


def test_failover_only_on_webhook_hooks(
    cli: Cli, sandbox: SandboxApp, token: str, tmp_path: Path
) -> None:
    path = write_key(tmp_path, service_account_key(token))
    pm = cli("hooks", "add", "pending-message", "--url", "https://e.io", "--timeout-ms", "10")
    result = cli(
        "failover",
        "set",
        pm.stdout.strip(),
        "--bucket",
        "stream-failover",
        "--credentials",
        str(path),
        "--skip-probe",
    )
    assert result.exit_code == 2
    assert "failover on webhook hooks only" in result.stderr
    assert "failover_config" not in sandbox.hooks()[0]


def test_sandbox_rejects_bad_failover_configs(sandbox: SandboxApp) -> None:
    from hookctl.sandbox.state import RejectedUpdate

    bad = [
        {
            "hook_type": "webhook",
            "webhook_url": "https://e.io",
            "failover_config": {"type": "s3", "gcs_bucket": "b", "gcs_credentials": "{}"},
        },
        {
            "hook_type": "webhook",
            "webhook_url": "https://e.io",
            "failover_config": {"type": "gcs", "gcs_bucket": "bucket", "gcs_credentials": "{}"},
        },
        {
            "hook_type": "sqs",
            "sqs_queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
            "sqs_auth_type": "resource",
            "failover_config": {
                "type": "gcs",
                "gcs_bucket": "bucket",
                "gcs_credentials": json.dumps(
                    service_account_key("https://oauth2.googleapis.com/token")
                ),
            },
        },
    ]
    for hook in bad:
        with pytest.raises(RejectedUpdate):
            sandbox.set_hooks([hook])
    assert sandbox.hooks() == []


@pytest.mark.parametrize(
    ("refuse", "code", "fragments"),
    [
        ({"create"}, 1, ["storage.objects.create\tmissing", "roles/storage.objectCreator"]),
        (
            {"get", "delete"},
            1,
            [
                "storage.objects.get\tmissing",
                "grants storage.objects.create only",
                "roles/storage.objectViewer",
                "could not delete the probe object",
            ],
        ),
        (set(), 0, ["storage.objects.create\tok", "storage.objects.get\tok"]),
    ],
)
def test_permission_failures_each_have_their_fix(
    cli: Cli, token: str, tmp_path: Path, refuse: set[str], code: int, fragments: list[str]
) -> None:
    from tests.gcs import gcs_refusing

    key = write_key(tmp_path, service_account_key(token))
    with gcs_refusing(refuse) as url:
        result = validate(cli, key, url)
    assert result.exit_code == code, result.output
    for fragment in fragments:
        assert fragment in result.output


def test_401_from_storage_is_reported(cli: Cli, token: str, tmp_path: Path) -> None:
    from tests.gcs import gcs_refusing

    key = write_key(tmp_path, service_account_key(token))
    with gcs_refusing({"auth"}) as url:
        result = validate(cli, key, url)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error: ")
    assert "unexpected failure" not in result.stderr
    assert "Cloud Storage refused the token" in result.stderr
    assert "401" in result.stderr
