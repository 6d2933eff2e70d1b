"""Profiles, the config file's permissions, and the precedence of settings."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from hookctl.base.errors import UsageError
from hookctl.config.settings import (
    ConfigFile,
    Profile,
    gcs_endpoint_setting,
    resolve,
    settle_setting,
    shard_setting,
    timeout_setting,
)
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
    assert r.sources["profile"].startswith("default_profile in ")

    r = resolve(env={**env, "HOOKCTL_PROFILE": "other"}, config=config)
    assert (r.api_key, r.api_secret, r.base_url) == (
        "env-key",
        "other-secret",
        "https://chat.stream-io-api.com",
    )
    assert r.sources["base_url"] == "default"
    assert r.sources["profile"] == "env HOOKCTL_PROFILE"

    r = resolve(flag_profile="other", env=env, config=config)  # a named profile beats env
    assert r.api_key == "other-key"
    assert r.sources["api_key"] == "profile other (flag --profile)"
    assert r.sources["profile"] == "flag --profile"

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


# ---------------------------------------------------------------- one settings object


def test_config_show_sources_names_every_setting_and_its_origin(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert cli("config", "add", "prod", "--api-key", "k1", "--secret-env", "HOME").exit_code == 0
    config = tmp_path / "config" / "config.toml"
    config.write_text(config.read_text() + 'lock_url = "gs://locks/prod"\n')
    monkeypatch.setenv("HOOKCTL_GCS_ENDPOINT", "127.0.0.1:4443")
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", "http://127.0.0.1:9999")
    monkeypatch.setenv("CLOUD_RUN_TASK_INDEX", "2")
    monkeypatch.setenv("CLOUD_RUN_TASK_COUNT", "8")
    shown = json.loads(cli("--timeout", "3", "config", "show", "--sources", "--json").stdout)
    assert shown["profile"] == {"value": "prod", "source": f"default_profile in {config}"}
    assert shown["api_key"] == {"value": "k1", "source": "profile prod (default)"}
    assert shown["api_secret"]["value"].startswith("****")
    assert shown["timeout"] == {"value": 3, "source": "flag --timeout"}
    assert shown["gcs_endpoint"] == {
        "value": "http://127.0.0.1:4443",
        "source": "env HOOKCTL_GCS_ENDPOINT",
    }
    assert shown["shard"] == {
        "value": "2/8",
        "source": "env CLOUD_RUN_TASK_INDEX/CLOUD_RUN_TASK_COUNT",
    }
    assert shown["lock_url"] == {"value": "gs://locks/prod", "source": "profile prod (default)"}
    assert shown["data_dir"]["source"] == "env HOOKCTL_DATA_DIR"
    assert shown["config_path"] == {"value": str(config), "source": "env HOOKCTL_CONFIG"}

    monkeypatch.setenv("HOOKCTL_LOCK_URL", "gs://locks/env")
    monkeypatch.setenv("HOOKCTL_TIMEOUT", "25")
    table = cli("config", "show", "--sources")
    assert table.exit_code == 0, table.stderr
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in table.stdout.splitlines()}
    assert rows["lock_url"] == ["gs://locks/env", "env HOOKCTL_LOCK_URL"]
    assert rows["timeout"] == ["25", "env HOOKCTL_TIMEOUT"]
    assert rows["profile"] == ["prod", f"default_profile in {config}"]


def test_the_profile_row_says_why_there_is_none(cli: Cli) -> None:
    shown = json.loads(cli("config", "show", "--sources", "--json").stdout)
    assert shown["profile"]["value"] is None
    assert "HOOKCTL_PROFILE" in shown["profile"]["source"]


def test_a_bad_timeout_variable_is_a_usage_error(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    for bad in ("soon", "0", "nan", "-1"):
        monkeypatch.setenv("HOOKCTL_TIMEOUT", bad)
        result = cli("config", "show")
        assert result.exit_code == 2, (bad, result.output)
        assert "HOOKCTL_TIMEOUT" in result.stderr
        assert "Traceback" not in result.stderr


def test_gcs_endpoint_precedence() -> None:
    env = {"HOOKCTL_GCS_ENDPOINT": "http://a:1", "STORAGE_EMULATOR_HOST": "b:2"}
    assert gcs_endpoint_setting("http://flag:3", env) == ("http://flag:3", "flag --gcs-endpoint")
    assert gcs_endpoint_setting(None, env) == ("http://a:1", "env HOOKCTL_GCS_ENDPOINT")
    assert gcs_endpoint_setting(None, {"STORAGE_EMULATOR_HOST": "b:2"}) == (
        "http://b:2",
        "env STORAGE_EMULATOR_HOST",
    )
    assert gcs_endpoint_setting(None, {}) == (None, "")


def test_shard_precedence_and_errors() -> None:
    cloud_run = {"CLOUD_RUN_TASK_INDEX": "1", "CLOUD_RUN_TASK_COUNT": "4"}
    assert shard_setting("0/2", None, cloud_run) == ((0, 2), "flag --shard")
    assert shard_setting(None, None, cloud_run)[0] == (1, 4)
    assert shard_setting(None, 3, {"JOB_COMPLETION_INDEX": "2"})[0] == (2, 3)
    assert shard_setting(None, None, {}) == (None, "")
    with pytest.raises(UsageError, match="number of shards is unknown"):
        shard_setting(None, None, {"JOB_COMPLETION_INDEX": "2"})
    with pytest.raises(UsageError, match="needs JOB_COMPLETION_INDEX"):
        shard_setting(None, 3, {})
    with pytest.raises(UsageError, match="CLOUD_RUN_TASK_INDEX"):
        shard_setting(None, None, {"CLOUD_RUN_TASK_INDEX": "9", "CLOUD_RUN_TASK_COUNT": "4"})


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"CLOUD_RUN_TASK_INDEX": "", "CLOUD_RUN_TASK_COUNT": "4"}, "CLOUD_RUN_TASK_INDEX"),
        ({"CLOUD_RUN_TASK_INDEX": "1", "CLOUD_RUN_TASK_COUNT": ""}, "CLOUD_RUN_TASK_COUNT"),
        ({"CLOUD_RUN_TASK_INDEX": " ", "CLOUD_RUN_TASK_COUNT": "4"}, "CLOUD_RUN_TASK_INDEX"),
        ({"JOB_COMPLETION_INDEX": ""}, "JOB_COMPLETION_INDEX"),
    ],
)
def test_an_empty_shard_variable_is_an_error_never_no_shard(
    env: dict[str, str], named: str
) -> None:
    """Every task of a job whose index came through empty replayed the whole backlog."""
    with pytest.raises(UsageError, match=f"^{named} is set but empty$"):
        shard_setting(None, 4 if "JOB_COMPLETION_INDEX" in env else None, env)
    assert shard_setting("1/4", None, env) == ((1, 4), "flag --shard")  # the flag still wins


def test_timeout_precedence() -> None:
    assert timeout_setting(2.5, {"HOOKCTL_TIMEOUT": "30"}) == (2.5, "flag --timeout")
    assert timeout_setting(None, {"HOOKCTL_TIMEOUT": "30"}) == (30.0, "env HOOKCTL_TIMEOUT")
    assert timeout_setting(None, {}) == (10.0, "default")


SETTING_VARIABLES = {
    "STREAM_API_KEY",
    "STREAM_API_SECRET",
    "STREAM_BASE_URL",
    "HOOKCTL_PROFILE",
    "HOOKCTL_TIMEOUT",
    "HOOKCTL_SETTLE_SECONDS",
    "HOOKCTL_GCS_ENDPOINT",
    "STORAGE_EMULATOR_HOST",
    "CLOUD_RUN_TASK_INDEX",
    "CLOUD_RUN_TASK_COUNT",
    "JOB_COMPLETION_INDEX",
    "HOOKCTL_LOCK_URL",
    "HOOKCTL_DATA_DIR",
    "HOOKCTL_CONFIG",
}
# Modules that name these variables only to *set* them for a child process.
SETS_FOR_CHILDREN = {"demo.py", "sandbox/run.py", "sandbox/emit.py", "sandbox/server.py"}
# STREAM_*/HOOKCTL_* names that are not settings: a switch for the docs generator and
# tests (which help path to take), and the secret handed to a detached sandbox.
NOT_SETTINGS = {"HOOKCTL_NO_FAST_HELP", "HOOKCTL_SANDBOX_SECRET"}
OURS = re.compile(r"(STREAM|HOOKCTL)_[A-Z0-9_]+")


def setting_names_in(source: str) -> list[str]:
    """Environment variable names a module spells out: every known setting's variable,
    and any STREAM_*/HOOKCTL_* name (a new setting is caught before anyone lists it)."""
    import ast

    return [
        f"{node.lineno} {node.value}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and (
            node.value in SETTING_VARIABLES
            or (OURS.fullmatch(node.value) and node.value not in NOT_SETTINGS)
        )
    ]


def test_the_variable_check_sees_a_setting_read_through_a_constant() -> None:
    """How HOOKCTL_SETTLE_SECONDS was once read in writer.py, past this check: through
    a module constant, a name no list held yet."""
    old_writer = (
        'SETTLE_ENV = "HOOKCTL_SETTLE_SECONDS"\n'
        'raw = os.environ.get(SETTLE_ENV, "")\n'
        'other = os.environ.get("HOOKCTL_SOMETHING_NEW")\n'
    )
    assert setting_names_in(old_writer) == [
        "1 HOOKCTL_SETTLE_SECONDS",
        "3 HOOKCTL_SOMETHING_NEW",
    ]
    assert setting_names_in('x = "_HOOKCTL_COMPLETE"; y = "hookctl_data"') == []


def test_only_settings_reads_the_setting_variables() -> None:
    """Precedence lives in one place: no other module names a setting's variable
    as a string of its own (help texts mention them inside longer strings)."""
    import hookctl

    root = Path(hookctl.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if rel in ("config/settings.py", "config/envvars.py", *SETS_FOR_CHILDREN):
            continue
        offenders += [f"{rel}:{hit}" for hit in setting_names_in(path.read_text("utf-8"))]
    assert not offenders, offenders


def test_settle_seconds_precedence_and_errors() -> None:
    assert settle_setting(False, {}) == (0.5, "default (0 with a shared lock)")
    assert settle_setting(True, {}) == (0.0, "default (0 with a shared lock)")
    env = {"HOOKCTL_SETTLE_SECONDS": "2"}
    assert settle_setting(True, env) == (2.0, "env HOOKCTL_SETTLE_SECONDS")
    for bad in ("soon", "-1", "61", "nan"):
        with pytest.raises(UsageError, match="HOOKCTL_SETTLE_SECONDS"):
            settle_setting(False, {"HOOKCTL_SETTLE_SECONDS": bad})


def test_the_writer_waits_the_settle_delay_the_settings_carry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hookctl.cli.context import AppContext
    from hookctl.cli.output import Console

    monkeypatch.setenv("STREAM_API_KEY", "key")
    monkeypatch.setenv("STREAM_API_SECRET", "secret-for-settle-test")
    monkeypatch.setenv("STREAM_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("HOOKCTL_SETTLE_SECONDS", "2.5")
    actx = AppContext(Console.from_environment())
    try:
        assert actx.settings().settle_seconds == 2.5
        assert actx.writer().settle == 2.5  # passed down; the writer reads no variable
    finally:
        actx.close()


def test_config_show_sources_shows_the_settle_delay(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = json.loads(cli("config", "show", "--sources", "--json").stdout)
    assert shown["settle_seconds"] == {"value": 0, "source": "env HOOKCTL_SETTLE_SECONDS"}
    monkeypatch.delenv("HOOKCTL_SETTLE_SECONDS")
    monkeypatch.setenv("HOOKCTL_LOCK_URL", "gs://locks/env")
    shown = json.loads(cli("config", "show", "--sources", "--json").stdout)
    assert shown["settle_seconds"] == {"value": 0, "source": "default (0 with a shared lock)"}
    monkeypatch.delenv("HOOKCTL_LOCK_URL")
    table = cli("config", "show", "--sources")
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in table.stdout.splitlines()}
    assert rows["settle_seconds"] == ["0.5", "default (0 with a shared lock)"]
    monkeypatch.setenv("HOOKCTL_SETTLE_SECONDS", "later")
    result = cli("config", "show")
    assert result.exit_code == 2
    assert "HOOKCTL_SETTLE_SECONDS='later'" in result.stderr
