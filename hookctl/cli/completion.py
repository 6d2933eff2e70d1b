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
from hookctl.cli.context import app_context

app = typer.Typer(
    help="Shell completion scripts (bash, zsh, fish, PowerShell).", no_args_is_help=True
)
SHELLS = ("bash", "zsh", "fish", "powershell")
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


def script(shell: str) -> str:
    env = {**os.environ, "_HOOKCTL_COMPLETE": f"source_{shell}"}
    code = "import sys; sys.argv[0] = 'hookctl'; from hookctl.cli import main; main()"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return out.stdout


TARGETS = {
    "bash": ("~/.local/share/bash-completion/completions/hookctl", "open a new shell"),
    "zsh": (
        "~/.zfunc/_hookctl",
        "add `fpath+=~/.zfunc; autoload -Uz compinit; compinit` to ~/.zshrc",
    ),
    "fish": ("~/.config/fish/completions/hookctl.fish", "open a new shell"),
    "powershell": (
        "~/.config/powershell/hookctl.ps1",
        "add `. ~/.config/powershell/hookctl.ps1` to your $PROFILE",
    ),
}


@app.command("show")
def show(ctx: typer.Context, shell: Shell = None) -> None:
    """Print the completion script for a shell on stdout.

    Example: hookctl completion show zsh > ~/.zfunc/_hookctl
    """
    app_context(ctx).console.out.write(script(detect(shell)))


@app.command("install")
def install(ctx: typer.Context, shell: Shell = None) -> None:
    """Write the completion script where the shell looks for it, and say what else to do.

    Example: hookctl completion install bash
    """
    actx = app_context(ctx)
    name = detect(shell)
    where, then = TARGETS[name]
    path = Path(where).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    from hookctl.base.fsutil import write_atomic

    write_atomic(path, script(name).encode(), mode=0o644)
    actx.console.line(str(path))
    actx.console.success(f"{name} completion written to {path}; {then}")


# ---------------------------------------------------------------- dynamic values


def profile_names(incomplete: str) -> list[str]:
    try:
        from hookctl.config.settings import load_config

        names = sorted(load_config().profiles)
    except Exception:  # completion must never fail loudly
        return []
    return [n for n in names if n.startswith(incomplete)]
