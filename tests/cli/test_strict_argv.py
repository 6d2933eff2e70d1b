"""Every value checked where it enters (issue 23, item 3), for every command at once.

Walks the whole command tree: for each single-value option, an empty value, the
option given twice, and (for number options) ``1_0`` and Arabic-Indic ``١٢`` are
exit 2 with one ``error:`` line naming the option, before the command runs. Click
took the last of a repeated option, Typer read ``1_0`` as 10, and an empty value
was "not given" to the code below.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from hookctl.cli import app
from tests.conftest import Cli


def _walk(command: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
    yield path, command
    for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
        if not getattr(sub, "hidden", False):
            yield from _walk(sub, [*path, name])


def _options() -> list[tuple[list[str], Any]]:
    found = []
    for path, command in _walk(typer.main.get_command(app), []):
        for param in command.params:
            if param.param_type_name != "option" or param.hidden or param.is_eager:
                continue
            found.append((path, param))
    return found


OPTIONS = _options()
VALUED = [(p, o) for p, o in OPTIONS if not o.is_flag and not o.count]
SINGLE = [(p, o) for p, o in OPTIONS if not o.multiple and not o.count]


def _kind(param: Any) -> str | None:
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if annotation in (int, int | None):
        return "int"
    if annotation in (float, float | None):
        return "float"
    return None


NUMBERS = [(p, o) for p, o in VALUED if _kind(o)]


def _id(case: tuple[list[str], Any]) -> str:
    return " ".join([*case[0], max(case[1].opts, key=len)])


def _refused(result: Any, option: str, says: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    first = result.stderr.splitlines()[0]
    if first.startswith("{"):  # under --json the error is JSON too (the output contract)
        first = "error: " + json.loads(first)["error"]
    assert first.startswith("error: "), result.stderr
    assert option in first, result.stderr
    assert says in first, result.stderr
    assert "Traceback" not in result.output


def test_the_walk_finds_the_options_the_issue_names() -> None:
    ids = {_id(c) for c in SINGLE}
    for wanted in (
        "hooks update --url",
        "failover list --bucket",
        "failover list --until",
        "failover replay --journal",
        "sandbox start --host",
        "listen --status",
        "sandbox start --port",
        "--timeout",
    ):
        assert wanted in ids, wanted
    assert len(NUMBERS) >= 15


# --path "" is the bucket root; an empty --events has its own sentence (test_widening.py)
@pytest.mark.parametrize(
    "case", [c for c in VALUED if c[1].name not in ("path", "events")], ids=_id
)
def test_an_empty_value_is_refused_never_not_given(cli: Cli, case: tuple[list[str], Any]) -> None:
    path, param = case
    option = max(param.opts, key=len)
    _refused(cli(*path, option, ""), option, "is empty")


@pytest.mark.parametrize("case", SINGLE, ids=_id)
def test_a_repeated_single_value_option_is_refused(cli: Cli, case: tuple[list[str], Any]) -> None:
    path, param = case
    option = max(param.opts, key=len)
    given = [option] if param.is_flag else [option, "1"]
    _refused(cli(*path, *given, *given), option, "is given 2 times")


@pytest.mark.parametrize("case", NUMBERS, ids=_id)
@pytest.mark.parametrize(("value", "says"), [("1_0", "'_'"), ("١٢", "non-ASCII digits")])
def test_numbers_are_ascii_digits_only(
    cli: Cli, case: tuple[list[str], Any], value: str, says: str
) -> None:
    path, param = case
    option = max(param.opts, key=len)
    _refused(cli(*path, option, value), option, says)


def test_path_may_be_empty_it_names_the_bucket_root() -> None:
    assert any(o.name == "path" for _, o in VALUED)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["failover", "object", ""], "NAME is empty"),
        (["failover", "set", "", "--bucket", "abc"], "HOOK_ID is empty"),
        (["hooks", "show", ""], "is empty"),
        (["failover", "object", "gs://my-bucket"], "names a bucket, not an object"),
        (["failover", "object", "gs://my-bucket/"], "names a bucket, not an object"),
        (["sandbox", "start", "--host", "bad host"], "--host"),
        (["listen", "--status", "-1"], "--status"),
        (["listen", "--status", "600"], "--status"),
        (["listen", "--status", "99"], "--status"),
        (["trigger", "message.new", "--to", "http://127.0.0.1:9/", "--set", "a..b=1"], "a..b"),
        (["trigger", "message.new", "--to", "http://127.0.0.1:9/", "--set", ".a=1"], "empty key"),
        (["hooks", "add", "webhook", "--url", "https://-bad-.com/"], "invalid host"),
        (["hooks", "add", "webhook", "--url", "https://ex.com/%zz"], "percent escape"),
        (["hooks", "update", "h1", "--url", "https://a.io/", "--url", "https://b.io/"],
         "--url is given 2 times"),
    ],
)  # fmt: skip
def test_values_the_passes_found_accepted(cli: Cli, args: list[str], says: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: "), result.stderr
    assert says in result.stderr.splitlines()[0], result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("HOOKCTL_GCS_ENDPOINT", "ftp://gcs.example"),
        ("HOOKCTL_GCS_ENDPOINT", "file:///etc/passwd"),
        ("HOOKCTL_GCS_ENDPOINT", "http://[::1"),
        ("HOOKCTL_GCS_ENDPOINT", "http://127.0.0.1:99999"),
        ("HOOKCTL_GCS_ENDPOINT", "user:p@ss@host"),
        ("HOOKCTL_GCS_ENDPOINT", "notaurl"),
        ("STORAGE_EMULATOR_HOST", "ftp://gcs.example"),
        ("STORAGE_EMULATOR_HOST", "127.0.0.1:99999"),
    ],
)
def test_the_gcs_endpoint_passes_the_one_url_validator(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    result = cli("failover", "list", "--bucket", "my-bucket", "--since", "1h")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {variable} "), result.stderr
    assert "p@ss" not in result.output
    flag = cli(
        "failover", "list", "--bucket", "my-bucket", "--since", "1h", "--gcs-endpoint", value
    )
    assert flag.exit_code == 2, flag.output
    assert flag.stderr.startswith("error: --gcs-endpoint "), flag.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("HOOKCTL_TIMEOUT", "1_0"), ("HOOKCTL_TIMEOUT", "١٢"), ("HOOKCTL_SETTLE_SECONDS", "1_0")],
)
def test_numbers_from_the_environment_are_ascii_too(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    result = cli("config", "show", "--sources")
    assert result.exit_code == 2, result.output
    assert variable in result.stderr


@pytest.mark.usefixtures("sandbox")
@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ('id = ""\nhook_type = "webhook"\nwebhook_url = "https://a.io/x"\n', "id"),
        (
            'hook_type = "webhook"\nwebhook_url = "https://a.io/x"\n'
            'event_types = ["message.new", "message.new"]\n',
            "more than once",
        ),
        (
            'hook_type = "pending_message"\nwebhook_url = "https://a.io/x"\ntimeout_ms = -5\n',
            "timeout_ms",
        ),
        (
            'hook_type = "pending_message"\nwebhook_url = "https://a.io/x"\n'
            "timeout_ms = 100000000000000000000\n",
            "timeout_ms",
        ),
        ('hook_type = "webhook"\nwebhook_url = "https://-bad-.com/x"\n', "invalid host"),
    ],
)
def test_hook_files_take_the_ranges_and_names_flags_take(
    cli: Cli, tmp_path: Path, fields: str, says: str
) -> None:
    hook_file = tmp_path / "hooks.toml"
    hook_file.write_text("[[hook]]\n" + fields)
    result = cli("hooks", "apply", str(hook_file), "--check")
    assert result.exit_code == 2, result.output
    assert says in result.stderr.splitlines()[0], result.stderr


@pytest.mark.parametrize(
    "env",
    [
        {"CLOUD_RUN_TASK_INDEX": "", "CLOUD_RUN_TASK_COUNT": "4"},
        {"CLOUD_RUN_TASK_INDEX": "2", "CLOUD_RUN_TASK_COUNT": ""},
        {"JOB_COMPLETION_INDEX": ""},
    ],
)
def test_an_empty_shard_variable_stops_the_replay(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    """Before, an empty index was "no shard": every task replayed the whole backlog."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = cli(
        "failover", "replay", "--bucket", "my-bucket", "--to", "http://127.0.0.1:9/",
        "--since", "1h", "--dry-run", "--gcs-endpoint", "http://127.0.0.1:9",
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    empty = next(name for name, value in env.items() if not value)
    assert result.stderr.startswith(f"error: {empty} is set but empty\n"), result.stderr
    assert result.stdout == ""
