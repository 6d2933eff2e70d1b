"""User errors give one clear line on stderr, the right exit code, and no traceback."""

from __future__ import annotations

import pytest

from tests.conftest import Cli, SandboxApp


def assert_clean_error(result: object, code: int, *fragments: str) -> None:
    exit_code, stderr, stdout = result.exit_code, result.stderr, result.stdout  # type: ignore[attr-defined]
    assert exit_code == code, (stdout, stderr)
    assert stderr.startswith("error: "), stderr
    assert "Traceback" not in stderr + stdout
    assert "unexpected failure" not in stderr
    for fragment in fragments:
        assert fragment in stderr


@pytest.mark.usefixtures("sandbox")
def test_wrong_secret(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_API_SECRET", "not-the-secret")
    result = cli("hooks", "list")
    assert_clean_error(
        result, 1, "authentication failed", "env STREAM_API_KEY", "signature is not valid"
    )
    assert "not-the-secret" not in result.output


@pytest.mark.usefixtures("sandbox")
def test_wrong_key_names_the_profile(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STREAM_API_KEY")
    monkeypatch.delenv("STREAM_API_SECRET")
    monkeypatch.setenv("S", "whatever")
    assert cli("config", "add", "prod", "--api-key", "nope", "--secret-env", "S").exit_code == 0
    result = cli("hooks", "list")
    assert_clean_error(result, 1, "authentication failed", "profile prod")


def test_sandbox_down(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("STREAM_API_KEY", "k")
    monkeypatch.setenv("STREAM_API_SECRET", "s")
    result = cli("hooks", "list")
    assert_clean_error(result, 1, "cannot reach Stream at http://127.0.0.1:9", "connection refused")
    assert "hookctl sandbox start" in result.stderr


def test_malformed_config_file(cli: Cli) -> None:
    import os
    from pathlib import Path

    path = Path(os.environ["HOOKCTL_CONFIG"])
    path.parent.mkdir(parents=True)
    path.write_text("[profiles.prod\napi_key = 1\n")
    assert_clean_error(cli("hooks", "list"), 2, "is not valid TOML", str(path))
    path.write_text("[profiles.prod]\napi_key = 1\n")
    assert_clean_error(cli("hooks", "list"), 2, "[profiles.prod].api_key must be a string")
    path.write_text('[profiles.prod]\napi_kee = "x"\n')
    assert_clean_error(cli("config", "list"), 2, "api_kee is not a known setting")
    path.write_text('default_profile = "gone"\n[profiles.prod]\napi_key = "x"\n')
    assert_clean_error(cli("hooks", "list"), 2, "names 'gone', which is not in [profiles]")


def test_unknown_profile(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_clean_error(cli("--profile", "nope", "hooks", "list"), 2, "unknown profile 'nope'")
    monkeypatch.setenv("HOOKCTL_PROFILE", "nope2")
    assert_clean_error(cli("hooks", "list"), 2, "unknown profile 'nope2'", "hookctl config")


@pytest.mark.usefixtures("sandbox")
def test_unknown_hook_id(cli: Cli) -> None:
    for args in (
        ["show", "zzz"],
        ["update", "zzz", "--url", "https://x.io"],
        ["remove", "zzz", "--yes"],
        ["enable", "zzz"],
        ["disable", "zzz", "--yes"],
    ):
        assert_clean_error(cli("hooks", *args), 1, "no hook with id 'zzz'")


def test_missing_credentials_says_how_to_provide_them(cli: Cli) -> None:
    result = cli("hooks", "list")
    assert_clean_error(result, 2, "no Stream api key and api secret configured")
    assert "STREAM_API_KEY" in result.stderr
    assert "hookctl config add" in result.stderr


@pytest.mark.usefixtures("sandbox")
@pytest.mark.parametrize(
    ("where", "key", "reason"),
    [
        ("flag", "x" * 100_000, "is 100,000 characters long"),
        ("env", "two words", "contains a space"),
        ("env", "ключ", "non-ASCII"),
    ],
)
def test_a_key_that_cannot_be_one_is_refused_before_any_request(
    cli: Cli,
    sandbox: SandboxApp,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    key: str,
    reason: str,
) -> None:
    """A pasted file as --api-key reached httpx ("URL component 'query' too long") as an
    unexpected failure; now the key is checked where it enters, whatever its source."""
    before = sandbox.hooks()
    if where == "flag":
        result = cli("--api-key", key, "hooks", "list")
    else:
        monkeypatch.setenv("STREAM_API_KEY", key)
        result = cli("hooks", "list")
    assert_clean_error(result, 2, f"the API key from {where}", reason)
    assert key not in result.stderr
    assert sandbox.hooks() == before


def test_a_config_file_others_can_read_is_warned_about(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ssh refuses a private key others can read; hookctl says so, once, and goes on."""
    import os

    monkeypatch.delenv("STREAM_API_SECRET")
    monkeypatch.delenv("STREAM_API_KEY")
    monkeypatch.setenv("S", sandbox.api_secret)
    add = cli("config", "add", "prod", "--api-key", sandbox.api_key, "--secret-env", "S")
    assert add.exit_code == 0, add.stderr
    assert "warning" not in cli("hooks", "list").stderr  # written 0600 by config add
    path = os.environ["HOOKCTL_CONFIG"]
    os.chmod(path, 0o644)
    result = cli("hooks", "list")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("readable by others (mode 0644)") == 1, result.stderr
    assert f"chmod 600 {path}" in result.stderr
    assert sandbox.api_secret not in result.output + result.stderr


@pytest.mark.usefixtures("sandbox")
def test_unknown_snapshot(cli: Cli) -> None:
    assert_clean_error(cli("hooks", "restore", "1999", "--yes"), 1, "no snapshot '1999'")


def test_rejected_by_server_is_reported_not_raised(cli: Cli, sandbox: SandboxApp) -> None:
    # a hook the server refuses (written behind hookctl's back) cannot be re-sent blindly:
    # the sandbox rejects an id used twice, and hookctl reports Stream's message.
    sandbox.server.state.apps[sandbox.api_key].event_hooks = [
        {"id": "dup", "hook_type": "webhook", "webhook_url": "https://a.io", "enabled": True},
        {"id": "dup", "hook_type": "webhook", "webhook_url": "https://b.io", "enabled": True},
    ]
    result = cli("hooks", "add", "webhook", "--url", "https://c.io")
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output
