"""``hookctl completion show|install [SHELL]``, and the cheap dynamic completions.

Scripts come from Typer's completion machinery (the committed files under
completions/ are generated the same way by scripts/gen_docs.py). Dynamic
completion reads local files only — profile names from the config file, hook
ids from the cache in ``hookctl.hooks.idcache`` — never the network on Tab.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from hookctl.base.errors import UsageError
from hookctl.cli import options as O
from hookctl.cli.context import app_context

app = typer.Typer(
    help="Shell completion scripts (bash, zsh, fish, PowerShell).", no_args_is_help=True
)
SHELLS = ("bash", "zsh", "fish", "powershell")  # as hookctl.config.completion.SHELLS
Shell = Annotated[
    str | None,
    typer.Argument(help="bash, zsh, fish or powershell (default: from $SHELL)."),
]


def detect(shell: str | None) -> str:
    name = (shell or Path(os.environ.get("SHELL", "")).name or "").lower()
    name = {"pwsh": "powershell", "powershell.exe": "powershell"}.get(name, name)
    if name not in SHELLS:
        raise UsageError(
            f"cannot tell which shell to complete for ({name or 'no $SHELL'})",
            "name it: hookctl completion show bash|zsh|fish|powershell",
        )
    return name


# zsh's compinit registers a file on fpath only when `#compdef` is its FIRST line (Typer's
# script starts with a blank line), and runs an autoloaded file as the function's body:
# Typer's only defines the completer there, so the first Tab would complete nothing.
ZSH_FIRST_TAB = '[[ "${funcstack[1]}" == _hookctl ]] && _hookctl_completion "$@"\n'


def script(shell: str) -> str:
    """The completion script (Typer's, the committed completions/ files are this too)."""
    env = {**os.environ, "_HOOKCTL_COMPLETE": f"source_{shell}"}
    code = "import sys; sys.argv[0] = 'hookctl'; from hookctl.cli import main; main()"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if shell == "zsh" and out.stdout:
        return out.stdout.strip("\n") + "\n" + ZSH_FIRST_TAB
    return out.stdout


@app.command("show")
def show(ctx: typer.Context, shell: Shell = None) -> None:
    """Print the completion script for a shell on stdout.

    Example: hookctl completion show zsh > ~/.zfunc/_hookctl
    """
    app_context(ctx).console.out.write(script(detect(shell)))


@app.command("install")
def install(
    ctx: typer.Context, shell: Shell = None, yes: O.Yes = False, as_json: O.Json = False
) -> None:
    """Write the completion script where the shell looks for it, and check that a new
    shell will load it; if not, add the one line that does to the startup file (asks
    first; --yes in scripts) or print that line.

    Example: hookctl completion install bash --yes
    """
    from hookctl.base.fsutil import write_atomic
    from hookctl.config.completion import add_line, setup

    actx = app_context(ctx)
    console = actx.console
    name = detect(shell)
    found = setup(name)
    found.script.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(found.script, script(name).encode(), mode=0o644)
    added = False
    if not found.loads and found.rc is not None and found.line is not None:
        console.warn(f"a new {name} will not load {found.script}: {found.why}")
        asked = f"Add `{found.line}` to {found.rc}?"
        if yes or (not as_json and console.can_prompt() and console.ask(asked)):
            add_line(found)
            added = True
    if as_json:
        console.json({**found.as_json(), "loads": found.loads or added, "line_added": added})
        return
    console.line(str(found.script))
    if found.loads:
        console.success(
            f"{name} completion written to {found.script} ({found.why}); open a new shell"
        )
    elif added:
        console.success(f"added `{found.line}` to {found.rc}; open a new shell")
    else:
        console.say(f"to load it, add this line to {found.rc} (or run again with --yes):")
        console.talk(str(found.line))


# ---------------------------------------------------------------- dynamic values


def profile_names(incomplete: str) -> list[str]:
    try:
        from hookctl.config.settings import load_config

        names = sorted(load_config().profiles)
    except Exception:  # completion must never fail loudly
        return []
    return [n for n in names if n.startswith(incomplete)]
