"""Regenerate docs/commands.md, completions/ and the root and group help texts from the Typer app.

Usage: python scripts/gen_docs.py [--check]   (--check: exit 1 if a file is stale)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHELLS = {
    "bash": "hookctl.bash",
    "zsh": "_hookctl",
    "fish": "hookctl.fish",
    "powershell": "hookctl.ps1",
}


def completion(shell: str) -> str:
    env = {**os.environ, "_HOOKCTL_COMPLETE": f"source_{shell}"}
    code = "import sys; sys.argv[0] = 'hookctl'; from hookctl.cli import main; main()"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if not out.stdout.strip():
        raise SystemExit(f"no completion script for {shell}: {out.stderr[-300:]}")
    return out.stdout


def typer_help(*args: str) -> str:
    """`hookctl ARGS --help` as Typer prints it at 80 columns (served by the entry point)."""
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "HOOKCTL_NO_FAST_HELP": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "hookctl", *args, "--help"], env=env, capture_output=True, text=True
    )
    if out.returncode != 0 or not out.stdout.strip():
        raise SystemExit(f"no help for {args}: {out.stderr[-300:]}")
    return out.stdout


def generated() -> dict[Path, str]:
    sys.path.insert(0, str(ROOT))
    from hookctl.cli.reference import markdown

    files = {
        ROOT / "docs" / "commands.md": markdown(),
        ROOT / "hookctl" / "data" / "help.txt": typer_help(),
    }
    from hookctl.entry import GROUPS

    for group in GROUPS:
        files[ROOT / "hookctl" / "data" / f"help-{group}.txt"] = typer_help(group)
    for shell, name in SHELLS.items():
        files[ROOT / "completions" / name] = completion(shell)
    return files


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = []
    for path, text in generated().items():
        if path.exists() and path.read_text() == text:
            continue
        stale.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    for path in stale:
        print(f"{'stale' if check else 'wrote'}: {path.relative_to(ROOT)}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
