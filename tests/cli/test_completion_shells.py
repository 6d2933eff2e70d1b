"""``completion install``: a real shell with a clean home loads what it writes, and Tab
completes commands, hook ids (from the local cache) and event types (from the catalog).

Reproduces: on a machine without the bash-completion package, ``completion install
bash`` printed ✓ "open a new shell" and Tab then completed file names. Here a real
interactive bash reads the clean home's ~/.bashrc, and its registered completion
function is called as bash calls it on Tab (COMP_WORDS/COMP_CWORD).
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hookctl.cli import app
from hookctl.config.completion import setup
from tests.conftest import SandboxApp

HOOK_ID = "7c1e9b2a-completion-test"

# Call the function `complete -p hookctl` names, with the words bash would pass on Tab.
TAB = r"""
spec=$(complete -p hookctl 2>/dev/null) || { echo "NOT LOADED"; exit 3; }
fn=${spec##* -F }; fn=${fn%% *}
tab() {
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    "$fn" hookctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf '%s\n' "${COMPREPLY[@]}"; echo "--"
}
tab hookctl fail
tab hookctl hooks show 7c1
tab hookctl hooks add webhook --events message.new,reaction.n
tab hookctl failover list -e channel.up
"""


def clean_home(tmp_path: Path, sandbox: SandboxApp) -> tuple[Path, dict[str, str]]:
    """A home with nothing in it, and hookctl on PATH as a user would have it."""
    home = tmp_path / "home"
    home.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    hookctl = bin_dir / "hookctl"
    hookctl.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m hookctl "$@"\n')
    hookctl.chmod(0o755)
    env = {
        "HOME": str(home),
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
        "TERM": "dumb",
        "NO_COLOR": "1",
        "HOOKCTL_SETTLE_SECONDS": "0",
        **sandbox.env(),
    }
    return home, env


def run(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    """``argv`` in a real process with only ``env``: the shells, and each Tab's hookctl."""
    return subprocess.run(
        argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120
    )


def hookctl(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``hookctl ARGS`` with only ``env`` (nothing else of this process's environment), run
    in this process: ``completion install`` and ``hooks list`` only write files under the
    clean home, so a process of their own would add ~0.3 CPU-s each and test nothing more.
    The shells, and the hookctl each Tab starts, are real processes (``run``)."""
    only: dict[str, str | None] = {name: None for name in os.environ}
    only.update(env)
    result = CliRunner().invoke(app, list(args), env=only, catch_exceptions=False)
    return subprocess.CompletedProcess(
        ["hookctl", *args], result.exit_code, result.stdout, result.stderr
    )


def replies(stdout: str) -> list[list[str]]:
    """The COMPREPLY of each `tab` call, in order."""
    blocks = stdout.split("--\n")[:-1]
    return [[line for line in block.splitlines() if line] for block in blocks]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_loads_what_install_writes_and_tab_completes(
    sandbox: SandboxApp, tmp_path: Path
) -> None:
    sandbox.set_hooks(
        [{"id": HOOK_ID, "hook_type": "webhook", "webhook_url": "https://e.io/h", "enabled": True}]
    )
    home, env = clean_home(tmp_path, sandbox)
    found = setup("bash", env)
    if found.loads:  # pragma: no cover - depends on the machine's bash-completion
        pytest.skip(f"bash-completion loads completions here ({found.why})")

    # Without --yes and no terminal: the script is written, nothing says ✓, and the
    # one line that would load it is printed, exactly.
    plain = hookctl(env, "completion", "install", "bash")
    assert plain.returncode == 0, plain.stderr
    assert "✓" not in plain.stderr
    assert "will not load" in plain.stderr
    assert (
        plain.stderr.splitlines()[-1] == "source ~/.local/share/bash-completion/completions/hookctl"
    )
    assert not (home / ".bashrc").exists()
    assert "NOT LOADED" in run(env, "bash", "-i", "-c", TAB).stdout  # as a user found it

    installed = hookctl(env, "completion", "install", "bash", "--yes")
    assert installed.returncode == 0, installed.stderr
    assert "✓ added `source ~/.local/share/bash-completion/completions/hookctl`" in (
        installed.stderr
    )
    rc = (home / ".bashrc").read_text()
    assert rc.count("source ~/.local/share/bash-completion/completions/hookctl") == 1
    again = hookctl(env, "completion", "install", "bash", "--yes")
    assert "✓ bash completion written" in again.stderr  # now it loads: nothing added twice
    assert (home / ".bashrc").read_text() == rc

    assert hookctl(env, "hooks", "list").returncode == 0  # fills the id cache
    shell = run(env, "bash", "-i", "-c", TAB)
    assert shell.returncode == 0, shell.stdout + shell.stderr
    commands, ids, events, failover_events = replies(shell.stdout)
    assert commands == ["failover"]
    assert ids == [HOOK_ID]
    assert "message.new,reaction.new" in events
    assert all(e.startswith("message.new,reaction.n") for e in events)
    assert "channel.updated" in failover_events


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_loads_what_install_writes(sandbox: SandboxApp, tmp_path: Path) -> None:
    home, env = clean_home(tmp_path, sandbox)
    loaded = "(( ${+_comps[hookctl]} )) && print LOADED || print NOT-LOADED"
    told = json.loads(hookctl(env, "completion", "install", "zsh", "--json").stdout)
    assert told["loads"] is False
    assert told["line"] == "fpath+=(~/.zfunc); autoload -Uz compinit && compinit"
    assert run(env, "zsh", "-i", "-c", loaded).stdout.strip() == "NOT-LOADED"
    installed = hookctl(env, "completion", "install", "zsh", "--yes")
    assert installed.returncode == 0, installed.stderr
    assert run(env, "zsh", "-i", "-c", loaded).stdout.strip() == "LOADED"
    assert (home / ".zfunc" / "_hookctl").is_file()
    # The first Tab autoloads _hookctl and must complete already: run it as zsh would
    # (words, CURRENT), with _arguments printing what it was given.
    first = "_arguments() { print -r -- $@ }; words=(hookctl fail); CURRENT=2; _hookctl"
    tabbed = run(env, "zsh", "-i", "-c", first)
    assert '"failover":"GCS failover' in tabbed.stdout, tabbed.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completes_from_what_install_writes(sandbox: SandboxApp, tmp_path: Path) -> None:
    _, env = clean_home(tmp_path, sandbox)
    sandbox.set_hooks(
        [{"id": HOOK_ID, "hook_type": "webhook", "webhook_url": "https://e.io/h", "enabled": True}]
    )
    installed = hookctl(env, "completion", "install", "fish")
    assert installed.returncode == 0, installed.stderr
    assert "✓ fish completion written" in installed.stderr
    assert hookctl(env, "hooks", "list").returncode == 0

    def tab(line: str) -> list[str]:
        out = run(env, "fish", "-c", f"complete -C '{line}'").stdout
        return [row.split("\t")[0] for row in out.splitlines()]

    assert "failover" in tab("hookctl fail")
    assert tab("hookctl hooks show 7c1") == [HOOK_ID]
    assert "message.updated" in tab("hookctl hooks add webhook --events message.up")


@pytest.mark.parametrize("answer", ["y", "n"])
def test_on_a_terminal_install_asks_before_touching_the_startup_file(
    sandbox: SandboxApp, tmp_path: Path, answer: str
) -> None:
    home, env = clean_home(tmp_path, sandbox)
    main, child = pty.openpty()
    try:
        os.write(main, f"{answer}\n".encode())  # the terminal holds the line until read
        proc = subprocess.run(
            ["hookctl", "completion", "install", "zsh"],
            env=env,
            stdin=child,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.close(child)
        os.close(main)
    line = "fpath+=(~/.zfunc); autoload -Uz compinit && compinit"
    assert proc.returncode == 0, proc.stderr
    assert f"Add `{line}` to {home / '.zshrc'}? [y/N] " in proc.stderr
    if answer == "y":
        assert (home / ".zshrc").read_text() == f"# hookctl shell completion\n{line}\n"
        assert "✓ added" in proc.stderr
    else:
        assert not (home / ".zshrc").exists()
        assert "✓" not in proc.stderr
        assert proc.stderr.splitlines()[-1] == line  # exactly the line, to add by hand
