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

import pytest
import typer

from hookctl.cli import COMMANDS
from hookctl.entry import GROUPS, help_file

PROBE = (
    "import sys; sys.argv = ['hookctl', *sys.argv[1:]]\n"
    "from hookctl.entry import main\n"
    "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
    "sys.stdout.flush()\n"
    "import json; print(json.dumps([code, sorted(sys.modules)]), file=sys.stderr)"
)


def run(*args: str, typer_only: bool = False) -> tuple[int, str, set[str]]:
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    if typer_only:
        env["HOOKCTL_NO_FAST_HELP"] = "1"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=60
    )
    code, modules = json.loads(proc.stderr.strip().splitlines()[-1])
    return code or 0, proc.stdout, set(modules)


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
