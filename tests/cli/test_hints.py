"""Every hint is true: a hint never names a flag the command does not have.

Two checks. Statically, every ``--flag`` that an error or hint raised anywhere in
hookctl/ names must exist on some command (a renamed flag leaves no stale hint).
At run time, errors provoked on each command must only name that command's own
flags, the global options, or flags inside a backticked `hookctl OTHER …` suggestion.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
ERRORS = {
    "HookctlError",
    "UsageError",
    "ConfigError",
    "ValidationFailed",
    "NotFound",
    "ApiError",
    "OperationFailed",
    "Conflict",
}


def _strings(node: ast.AST) -> str:
    """The literal text of a str, f-string or concatenation (placeholders dropped)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_strings(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _strings(node.left) + _strings(node.right)
    return ""


@functools.cache
def _raise_texts() -> list[tuple[str, str]]:
    """(where, message + hint) of every ``raise SomeError("…", "…")`` in hookctl/.

    Read on first use, not at import: every xdist worker imports this module to collect
    it, and only the one that runs these tests needs the ~0.2 CPU-s parse of hookctl/."""
    found = []
    for path in sorted((ROOT / "hookctl").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in ERRORS and not name.endswith("Error"):
                continue
            text = " ".join(_strings(a) for a in node.exc.args)
            if text:
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", text))
    return found


def _all_flags() -> set[str]:
    from hookctl.cli.reference import commands

    flags = {"--help"}
    for _, command in commands():
        for param in command.params:
            flags.update(o for o in [*param.opts, *param.secondary_opts] if o.startswith("--"))
    return flags


def _command_flags(path: list[str]) -> set[str]:
    from hookctl.cli.reference import commands

    wanted = " ".join(["hookctl", *path])
    root_flags: set[str] = set()
    own: set[str] = set()
    for name, command in commands():
        opts = {o for p in command.params for o in [*p.opts, *p.secondary_opts]}
        if name == "hookctl":
            root_flags = opts
        if name == wanted:
            own = opts
    assert own or path == [], f"no command {wanted}"
    return own | root_flags | {"--help"}


def _command_path(args: list[str]) -> list[str]:
    """The sub-command words at the start of ``args`` (``hooks add webhook``)."""
    import typer.main

    from hookctl.cli import app

    command: Any = typer.main.get_command(app)
    path = []
    for word in args:
        sub = (getattr(command, "commands", None) or {}).get(word)
        if sub is None:
            break
        path.append(word)
        command = sub
    return path


def test_raise_sites_are_found() -> None:
    assert len(_raise_texts()) > 50
    assert any("--allow-unknown" in text for _, text in _raise_texts())


def test_every_flag_a_hint_names_exists() -> None:
    flags = _all_flags()
    stale = [
        f"{where}: {flag}"
        for where, text in _raise_texts()
        for flag in FLAG.findall(text)
        if flag not in flags
    ]
    assert not stale


def _named_flags(hint: str) -> set[str]:
    """Flags a message names for this command: not those inside `hookctl other …` spans."""
    own = re.sub(r"`hookctl [^`]*`", "", hint)
    return set(FLAG.findall(own))


CASES: list[tuple[list[str], Any]] = [
    (["ping", "--event", "message.nwe"], None),
    (["trigger", "message.nwe", "--to", "http://127.0.0.1:9"], None),
    (["events", "route", "message.nwe"], None),
    (["events", "route", "*.nope"], None),
    (["hooks", "add", "webhook", "--url", "https://e.io", "--events", "message.nwe"], None),
    (["hooks", "list", "--type", "webhok"], None),
    (["failover", "list", "--since", "yesterday-ish", "--bucket", "b"], None),
    (["sandbox", "emit", "message.nwe"], None),
]


@pytest.mark.usefixtures("sandbox")
@pytest.mark.parametrize(("args", "_unused"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_hints_name_only_the_commands_own_flags(cli: Cli, args: list[str], _unused: Any) -> None:
    result = cli(*args)
    assert result.exit_code != 0, result.stdout
    path = _command_path(args)
    extra = _named_flags(result.stderr) - _command_flags(path)
    assert not extra, f"{' '.join(path)} suggests {sorted(extra)}: {result.stderr}"


@pytest.mark.usefixtures("sandbox")
@pytest.mark.parametrize(
    "args",
    [
        ["ping", "--event", "message.nwe"],
        ["events", "route", "message.nwe"],
        ["hooks", "diff", "missing-file.toml"],
        ["hooks", "list", "--type", "webhok"],
    ],
)
def test_read_only_commands_never_say_nothing_was_written(cli: Cli, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code != 0
    assert "nothing was written" not in result.stderr


def test_a_detached_start_error_keeps_the_childs_hint_on_its_own_line() -> None:
    from hookctl.sandbox.run import _child_error

    log = "starting\nerror: cannot listen on 127.0.0.1:80: Permission denied\nhint: pick --port\n"
    assert _child_error(log) == ("cannot listen on 127.0.0.1:80: Permission denied", "pick --port")
    assert _child_error("boom\n") == ("boom", None)
    assert _child_error("") == ("no output", None)


def test_a_global_option_after_the_command_says_where_it_goes(cli: Cli) -> None:
    result = cli("hooks", "list", "--profile", "prod")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: No such option: --profile")
    assert "global options go before the command: hookctl --profile … hooks list" in result.stderr


def test_with_json_a_usage_error_is_the_json_error_object(cli: Cli) -> None:
    import json

    result = cli("hooks", "list", "--bogus", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stderr)
    assert error["error"] == "No such option: --bogus"
    assert "hookctl hooks list --help" in error["hint"]
    plain = cli("hooks", "list", "--bogus")
    assert plain.exit_code == 2
    assert "No such option: --bogus" in plain.stderr


@pytest.mark.usefixtures("sandbox")
def test_sandbox_emit_offers_allow_unknown_because_it_has_it(cli: Cli) -> None:
    result = cli("sandbox", "emit", "message.nwe")
    assert result.exit_code == 2
    assert "--allow-unknown" in result.stderr


def test_a_network_failure_that_is_not_a_timeout_does_not_say_raise_timeout(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket
    import threading

    # a server that accepts and closes at once: a transport error, not a timeout
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]

    def serve() -> None:
        for _ in range(5):
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    monkeypatch.setenv("STREAM_API_KEY", "k")
    monkeypatch.setenv("STREAM_API_SECRET", "s")
    try:
        result = cli("--base-url", f"http://127.0.0.1:{port}", "hooks", "list")
    finally:
        server.close()
    assert result.exit_code == 1, result.stderr
    assert "did not answer" in result.stderr
    assert "raise --timeout" not in result.stderr
    assert "check --base-url" in result.stderr
