"""The hooks noun's shape: one module per verb, registered by the noun itself, logic below.

A contributor adding a verb writes hookctl/cli/hooks/<verb>.py and registers it in
hookctl/cli/hooks/__init__.py; these tests fail when a verb module is left unregistered,
or when a hooks verb is mounted from elsewhere (that the core never imports the CLI stack
is an import-linter contract in pyproject.toml).
"""

from __future__ import annotations

import pkgutil
from pathlib import Path

import typer

import hookctl
from hookctl.cli import hooks

HOOKCTL = Path(hookctl.__file__).parent
NOT_VERBS = {"flags"}  # options shared by the verbs


def _commands(app: typer.Typer, prefix: str = "") -> dict[str, str]:
    """Command path -> the module its function lives in."""
    found = {
        prefix + (c.name or ""): c.callback.__module__
        for c in app.registered_commands
        if c.callback is not None
    }
    for group in app.registered_groups:
        assert group.typer_instance is not None
        found.update(_commands(group.typer_instance, f"{prefix}{group.name} "))
    return found


def test_every_hooks_verb_lives_in_its_own_module_of_the_package() -> None:
    commands = _commands(hooks.app)
    assert {
        "list",
        "show",
        "update",
        "enable",
        "disable",
        "remove",
        "history",
        "restore",
        "test",
        "export",
        "diff",
        "apply",
        "add webhook",
        "add sqs",
        "add sns",
        "add pending-message",
        "events add",
        "events remove",
        "events set",
    } == set(commands)
    assert all(module.startswith("hookctl.cli.hooks.") for module in commands.values())
    modules = {m.name for m in pkgutil.iter_modules(hooks.__path__)} - NOT_VERBS
    used = {module.removeprefix("hookctl.cli.hooks.") for module in commands.values()}
    assert modules == used  # no verb module left unregistered


def test_hooks_verbs_are_registered_by_the_noun_not_the_root() -> None:
    root = (HOOKCTL / "cli" / "__init__.py").read_text()
    assert "hooks.app.command" not in root
    assert "hooks.app.add_typer" not in root


def test_the_package_keeps_its_shape() -> None:
    """The bounds issue 25 set: no module over 400 lines (a sign to split by
    responsibility), only entry points at the package root, and the CLI a thin share."""
    modules = sorted(HOOKCTL.rglob("*.py"))
    lines = {
        path.relative_to(HOOKCTL).as_posix(): len(path.read_text().splitlines()) for path in modules
    }
    assert {name: n for name, n in lines.items() if n > 400} == {}
    root = {path.name for path in HOOKCTL.glob("*.py")}
    assert root <= {"__init__.py", "__main__.py", "entry.py", "quick.py", "demo.py"}, root
    cli = sum(n for name, n in lines.items() if name.startswith("cli/"))
    assert cli <= 0.25 * sum(lines.values()), f"cli/ holds {cli} of {sum(lines.values())} lines"
