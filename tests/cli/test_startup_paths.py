"""The start-up fast paths in ``hookctl.entry`` answer exactly what the Typer app would.

``--version`` and the ``--help`` of the root and of every command group are
served without building the command tree; here each is compared with Typer's
own answer (HOOKCTL_NO_FAST_HELP=1 turns the help files off) and checked to
import neither Typer nor the typing module. Timing lives in benchmarks/startup.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from hookctl.cli import COMMANDS
from hookctl.entry import GROUPS, help_file
from tests.conftest import Cli, SandboxApp

PROBE = (
    "import sys; sys.argv = ['hookctl', *sys.argv[1:]]\n"
    "from hookctl.entry import main\n"
    "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
    "sys.stdout.flush()\n"
    "import json; print(json.dumps([code, sorted(sys.modules)]), file=sys.stderr)"
)


def run(*args: str, typer_only: bool = False) -> tuple[int, str, set[str]]:
    code, out, _, modules = run_full(*args, typer_only=typer_only)
    return code, out, modules


def run_full(*args: str, typer_only: bool = False) -> tuple[int, str, str, set[str]]:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    if typer_only:
        env["HOOKCTL_NO_FAST_HELP"] = "1"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=60
    )
    *talk, last = proc.stderr.strip().splitlines()
    code, modules = json.loads(last)
    return code or 0, proc.stdout, "\n".join(talk), set(modules)


def test_every_typer_group_has_a_generated_help_file() -> None:
    groups = {name for name, thing in COMMANDS.items() if isinstance(thing, typer.Typer)}
    assert set(GROUPS) == groups
    assert help_file(["hooks", "--help"]) == "help-hooks.txt"
    assert help_file(["hooks", "list", "--help"]) is None  # leaves go to Typer
    assert help_file(["--json", "--help"]) is None


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["hooks", "--help"], ["config", "-h"]])
def test_fast_answers_equal_typers_and_skip_typer_and_typing(args: list[str]) -> None:
    code, out, modules = run(*args)
    typer_code, typer_out, typer_modules = run(*args, typer_only=True)
    assert (code, out) == (typer_code, typer_out)
    assert "typer" in typer_modules  # the comparison really ran the Typer app
    assert not {"typer", "typing", "click", "pydantic", "rich"} & modules


HOOKS = [
    {"id": "3f2a-web", "hook_type": "webhook", "webhook_url": "https://e.example/h", "x": "ü"},
    {
        "id": "7b7b-sqs",
        "hook_type": "sqs",
        "sqs_queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
        "sqs_auth_type": "keys",
        "sqs_key": "k",
        "sqs_secret": "s3",
    },
]


@pytest.mark.parametrize(
    "args",
    [["--json"], ["--jsonl"], ["--type", "sqs", "--json"], ["--json", "--show-secrets"]],
)
def test_hooks_list_quick_path_prints_what_the_typer_command_prints(
    args: list[str], sandbox: SandboxApp, cli: Cli, isolated_env: Path
) -> None:
    sandbox.set_hooks(HOOKS)
    code, out, modules = run("hooks", "list", *args)
    assert not {"typer", "pydantic", "httpx", "rich"} & modules
    cache = isolated_env / "data" / "cache" / "hook-ids.json"
    assert json.loads(cache.read_text()) == [["3f2a-web", "webhook"], ["7b7b-sqs", "sqs"]]
    expected = cli("hooks", "list", *args)
    assert (code, out) == (expected.exit_code, expected.stdout) == (0, expected.stdout)
    assert ("s3" in out) == ("--show-secrets" in args)


HOSTILE = [
    {
        "id": "9c9c-bad\u202e",
        "hook_type": "webhook",
        "webhook_url": "https://e.example/\x7f\x9b2J\u202egpj.exe\u2066/\u200f",
        "x": "\x1b[2J\x85\u200e",
    }
]


@pytest.mark.parametrize("args", [["--json"], ["--jsonl"]])
def test_hooks_list_quick_path_escapes_hostile_values_as_the_typer_command_does(
    args: list[str], sandbox: SandboxApp, cli: Cli
) -> None:
    with sandbox.server.state.lock:  # as a server might answer (the sandbox's own checks refuse it)
        sandbox.server.state.apps[sandbox.api_key].event_hooks = HOSTILE
    code, out, modules = run("hooks", "list", *args)
    assert "typer" not in modules  # the quick path answered
    expected = cli("hooks", "list", *args)
    assert (code, out) == (expected.exit_code, expected.stdout) == (0, expected.stdout)
    for raw in "\x7f\x9b\u202e\u2066\u200f\x1b\x85\u200e":
        assert raw not in out
    assert "\\u009b2J\\u202egpj.exe" in out  # escaped, the same data
    first = json.loads(out.splitlines()[0]) if args == ["--jsonl"] else json.loads(out)[0]
    assert first["webhook_url"] == HOSTILE[0]["webhook_url"]


@pytest.mark.usefixtures("sandbox")
def test_hooks_list_quick_path_leaves_errors_and_other_options_to_typer(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, modules = run("hooks", "list")  # the table: Typer's
    assert code == 0
    assert "typer" in modules
    monkeypatch.setenv("STREAM_API_SECRET", "wrong")
    code, out, err, modules = run_full("hooks", "list", "--json")
    expected = cli("hooks", "list", "--json")
    assert "typer" in modules
    assert (code, out, err) == (expected.exit_code, expected.stdout, expected.stderr.strip())
    assert code == 1
    assert "authentication failed" in err
