"""Where each shell looks for hookctl's completion script, and whether a new shell loads it.

``completion install bash`` once wrote its script and said "✓ open a new shell" where
nothing loads that file (bash without the bash-completion package: Tab then completed
file names). So each shell's set-up is read the way the shell itself loads completions:

- **bash** finds ``$XDG_DATA_HOME/bash-completion/completions/hookctl`` (or under
  ``BASH_COMPLETION_USER_DIR``) only through the bash-completion package's loader, and
  only when a startup file sources that package. Otherwise: ``source SCRIPT`` in ~/.bashrc.
- **zsh** autoloads ``~/.zfunc/_hookctl`` when ``~/.zfunc`` is on ``fpath`` before
  ``compinit`` runs in ``$ZDOTDIR/.zshrc``. Otherwise: the ``fpath``/``compinit`` line.
- **fish** always autoloads ``$XDG_CONFIG_HOME/fish/completions/hookctl.fish``.
- **PowerShell** runs ``$PROFILE``; the script loads when the profile dot-sources it.

A line already in the startup file counts as loading (installing twice adds nothing).
Standard library only; reads files, writes only in ``add_line``; never prints.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SHELLS = ("bash", "zsh", "fish", "powershell")
# where distributions and Homebrew put the bash-completion package's main script
BASH_COMPLETION = (
    "/usr/share/bash-completion/bash_completion",
    "/etc/bash_completion",
    "/usr/local/share/bash-completion/bash_completion",
    "/usr/local/etc/profile.d/bash_completion.sh",
    "/opt/homebrew/etc/profile.d/bash_completion.sh",
)
# startup files (besides ~/.bashrc) that commonly source it
BASH_STARTUP = ("/etc/bash.bashrc", "/etc/bashrc", "/etc/profile.d/bash_completion.sh")
MARK = "# hookctl shell completion"


@dataclass(frozen=True)
class Setup:
    """One shell's completion set-up: where the script goes and whether it will load."""

    shell: str
    script: Path
    loads: bool
    why: str  # what decides it, as a sentence fragment
    rc: Path | None = None  # the startup file to add ``line`` to, when it will not load
    line: str | None = None  # exactly the line that makes it load

    def as_json(self) -> dict[str, Any]:
        return {
            "shell": self.shell,
            "script": str(self.script),
            "loads": self.loads,
            "why": self.why,
            "rc_file": None if self.rc is None else str(self.rc),
            "line": self.line,
        }


def _home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or Path.home())


def _tilde(path: Path, home: Path) -> str:
    """``~/x`` for a path under home (what a person would type in a startup file)."""
    try:
        return "~/" + path.relative_to(home).as_posix()
    except ValueError:
        return str(path)


def _lines(path: Path) -> list[str]:
    """The uncommented lines of a startup file ([] when it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if not line.lstrip().startswith("#")]


def _has(lines: list[str], *words: str) -> bool:
    return any(all(w in line for w in words) for line in lines)


def _xdg(env: Mapping[str, str], name: str, default: str) -> Path:
    return Path(env.get(name) or _home(env) / default)


def _bash(env: Mapping[str, str], root: Path) -> Setup:
    home = _home(env)
    user_dir = env.get("BASH_COMPLETION_USER_DIR")
    base = (
        Path(user_dir)
        if user_dir
        else _xdg(env, "XDG_DATA_HOME", ".local/share") / "bash-completion"
    )
    script = base / "completions" / "hookctl"
    rc = home / ".bashrc"
    line = f"source {_tilde(script, home)}"
    if _has(_lines(rc), _tilde(script, home)) or _has(_lines(rc), str(script)):
        return Setup("bash", script, True, f"{_tilde(rc, home)} sources it")
    package = [p for p in BASH_COMPLETION if (root / p.lstrip("/")).is_file()]
    if not package:
        why = "the bash-completion package is not installed, so nothing loads that directory"
        return Setup("bash", script, False, why, rc, line)
    for startup in (rc, *(root / s.lstrip("/") for s in BASH_STARTUP)):
        if _has(_lines(startup), "bash_completion"):
            return Setup("bash", script, True, f"bash-completion is sourced from {startup}")
    why = f"bash-completion is installed ({package[0]}) but no startup file sources it"
    return Setup("bash", script, False, why, rc, line)


def _runs(line: str, command: str) -> bool:
    """Whether a shell line runs ``command`` (``autoload -Uz compinit && compinit``)."""
    for part in line.replace("&&", ";").replace("||", ";").split(";"):
        words = part.split()
        if words and words[0] == command:
            return True
    return False


def _zsh(env: Mapping[str, str]) -> Setup:
    home = _home(env)
    script = home / ".zfunc" / "_hookctl"
    rc = Path(env.get("ZDOTDIR") or home) / ".zshrc"
    line = "fpath+=(~/.zfunc); autoload -Uz compinit && compinit"
    lines = _lines(rc)
    on_fpath = [i for i, s in enumerate(lines) if "fpath" in s and ".zfunc" in s]
    calls = [i for i, s in enumerate(lines) if _runs(s, "compinit")]
    if on_fpath and calls and calls[-1] >= on_fpath[0]:
        why = f"{_tilde(rc, home)} puts ~/.zfunc on fpath, then runs compinit"
        return Setup("zsh", script, True, why)
    missing = "~/.zfunc is not on fpath" if not on_fpath else "compinit does not run after it"
    return Setup("zsh", script, False, f"in {_tilde(rc, home)}, {missing}", rc, line)


def _fish(env: Mapping[str, str]) -> Setup:
    script = _xdg(env, "XDG_CONFIG_HOME", ".config") / "fish" / "completions" / "hookctl.fish"
    return Setup("fish", script, True, "fish autoloads its completions directory")


def _powershell(env: Mapping[str, str], windows: bool) -> Setup:
    home = _home(env)
    script = home / ".config" / "powershell" / "hookctl.ps1"
    if windows:
        profile = home / "Documents" / "PowerShell" / "Microsoft.PowerShell_profile.ps1"
    else:
        config = _xdg(env, "XDG_CONFIG_HOME", ".config")
        profile = config / "powershell" / "Microsoft.PowerShell_profile.ps1"
    line = f'. "$HOME/{script.relative_to(home).as_posix()}"'
    lines = _lines(profile)
    if _has(lines, "hookctl.ps1"):
        return Setup("powershell", script, True, f"{profile} dot-sources it")
    return Setup("powershell", script, False, f"{profile} does not load it", profile, line)


def setup(shell: str, env: Mapping[str, str] | None = None, *, root: Path = Path("/")) -> Setup:
    """Where ``shell``'s script goes and whether a new shell will load it. ``root``: the
    file-system root the system files are read under (tests point it elsewhere)."""
    env = os.environ if env is None else env
    if shell == "bash":
        return _bash(env, root)
    if shell == "zsh":
        return _zsh(env)
    if shell == "fish":
        return _fish(env)
    return _powershell(env, sys.platform == "win32")


def add_line(found: Setup) -> None:
    """Append ``found.line`` (under a comment naming hookctl) to its startup file."""
    if found.rc is None or found.line is None:
        return
    found.rc.parent.mkdir(parents=True, exist_ok=True)
    try:
        before = found.rc.read_bytes()
    except FileNotFoundError:
        before = b""
    gap = b"" if not before else b"\n" if before.endswith(b"\n") else b"\n\n"
    with found.rc.open("ab") as rc:
        rc.write(gap + f"{MARK}\n{found.line}\n".encode())
