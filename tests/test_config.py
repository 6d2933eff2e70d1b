"""Profiles, the config file's permissions, and the precedence of settings."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from hookctl.settings import ConfigFile, Profile, resolve
from tests.conftest import Cli, SandboxApp


def config_file() -> Path:
    return Path(os.environ["HOOKCTL_CONFIG"])


def test_profiles_add_list_show_use_remove(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S1", "secret-one-abcdef")
    assert cli("config", "add", "prod", "--api-key", "key1", "--secret-env", "S1").exit_code == 0
    result = cli(
        "config",
        "add",
        "staging",
        "--api-key",
        "key2",
        "--secret-stdin",
        "--base-url",
        "http://127.0.0.1:1/",
        input="secret-two-ghijkl\n",
    )
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(config_file().stat().st_mode) == 0o600

    rows = json.loads(cli("config", "list", "--json").stdout)
    assert [(r["name"], r["default"]) for r in rows] == [("prod", True), ("staging", False)]
    assert all("secret-" not in r["api_secret"] for r in rows)

    shown = json.loads(cli("config", "show", "staging", "--json").stdout)
    assert shown["base_url"] == "http://127.0.0.1:1"
    assert shown["api_secret"].startswith("****")
    revealed = json.loads(cli("config", "show", "staging", "--json", "--show-secrets").stdout)
    assert revealed["api_secret"] == "secret-two-ghijkl"

    assert cli("config", "use", "staging").exit_code == 0
    effective = json.loads(cli("config", "show", "--sources", "--json").stdout)
    assert effective["api_key"] == {"value": "key2", "source": "profile staging (default)"}

    dup = cli("config", "add", "prod", "--api-key", "x", "--secret-env", "S1")
    assert dup.exit_code == 2
    assert "--force" in dup.stderr
    assert cli("config", "remove", "staging").exit_code == 2  # needs --yes off a terminal
    assert cli("config", "remove", "staging", "--yes").exit_code == 0
    assert [r["name"] for r in json.loads(cli("config", "list", "--json").stdout)] == ["prod"]


def test_secret_is_never_required_on_argv(cli: Cli) -> None:
    result = cli("config", "add", "p", "--api-key", "k")  # no tty, no env, no stdin
    assert result.exit_code == 2
    assert "--secret-env VAR or --secret-stdin" in result.stderr
    assert not config_file().exists()


def test_precedence_flag_env_profile_default(tmp_path: Path) -> None:
    config = ConfigFile(
        tmp_path / "c.toml",
        "main",
        {
            "main": Profile("main", "main-key", "main-secret", "http://main"),
            "other": Profile("other", "other-key", "other-secret", None),
        },
    )
    env = {"STREAM_API_KEY": "env-key"}
    r = resolve(env=env, config=config)
    assert (r.api_key, r.api_secret, r.base_url) == ("env-key", "main-secret", "http://main")
    assert r.sources["api_key"] == "env STREAM_API_KEY"
    assert r.sources["api_secret"] == "profile main (default)"

    r = resolve(env={**env, "HOOKCTL_PROFILE": "other"}, config=config)
    assert (r.api_key, r.api_secret, r.base_url) == (
        "env-key",
        "other-secret",
        "https://chat.stream-io-api.com",
    )
    assert r.sources["base_url"] == "default"

    r = resolve(flag_profile="other", env=env, config=config)  # a named profile beats env
    assert r.api_key == "other-key"
    assert r.sources["api_key"] == "profile other (flag --profile)"

    r = resolve(
        flag_api_key="flag-key",
        flag_base_url="http://flag/",
        flag_profile="other",
        env=env,
        config=config,
    )
    assert (r.api_key, r.base_url) == ("flag-key", "http://flag")


def test_profile_is_used_against_the_sandbox(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("STREAM_BASE_URL", "STREAM_API_KEY", "STREAM_API_SECRET"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("SB_SECRET", sandbox.api_secret)
    assert (
        cli(
            "config",
            "add",
            "sb",
            "--api-key",
            sandbox.api_key,
            "--base-url",
            sandbox.url,
            "--secret-env",
            "SB_SECRET",
        ).exit_code
        == 0
    )
    assert cli("hooks", "list", "--json").stdout.strip() == "[]"
    assert cli("--profile", "sb", "hooks", "add", "webhook", "--url", "https://e.io").exit_code == 0
    assert len(sandbox.hooks()) == 1
