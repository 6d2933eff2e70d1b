"""``hookctl hooks diff``: what ``hooks apply`` would change (and the plan both share)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.context import AppContext, app_context

if TYPE_CHECKING:
    from hookctl.hooks.array import Change, Hook
    from hookctl.hooks.files import FileHook
    from hookctl.hooks.plan import Plan

FileArg = Annotated[
    Path,
    typer.Argument(
        help="The hook file (TOML, or JSON from export --format json), e.g. stream-hooks.toml."
    ),
]
Prune = Annotated[
    bool, typer.Option("--prune", help="Remove live hooks the file does not mention.")
]
Inline = Annotated[
    bool,
    typer.Option(
        "--allow-inline-secrets", help="Accept literal secrets in the file (not env:/file: refs)."
    ),
]

StrictSecrets = Annotated[
    bool,
    typer.Option(
        "--strict-secrets",
        help="Require every env: secret variable (default: an unset one is not compared).",
    ),
]
CreateMissing = Annotated[
    bool,
    typer.Option(
        "--create-missing", help="Create hooks whose file id matches no live hook (else an error)."
    ),
]


def plan_file(
    actx: AppContext,
    path: Path,
    *,
    prune: bool,
    inline: bool,
    require_secrets: bool = True,
    create_missing: bool = False,
) -> tuple[Plan, list[Change], list[FileHook], list[Hook]]:
    """The file's plan against the live hooks: the plan, its changes, the file's hooks
    and the live array it was made from."""
    from hookctl.hooks import array as H
    from hookctl.hooks.files import load
    from hookctl.hooks.plan import plan

    file_hooks = load(path, allow_inline_secrets=inline, require_secrets=require_secrets)
    live = actx.client().get_hooks()
    result = plan(live, file_hooks, prune=prune, create_missing=create_missing)
    return result, H.diff(live, result.hooks), file_hooks, live


def show_plan(
    actx: AppContext,
    result: Plan,
    changes: list[Change],
    *,
    as_json: bool,
    touched: list[Hook] | None = None,
) -> None:
    """The plan as a diff and notes, or ``--json`` (``touched``: the hooks as read back
    after a write; by default, as planned)."""
    from hookctl.hooks.array import render_diff
    from hookctl.hooks.plan import shown_changes
    from hookctl.hooks.views import plan_json, plan_notes

    changes = shown_changes(changes, result)
    if as_json:
        actx.console.json(plan_json(result, changes, touched))
        return
    for line in render_diff(changes):
        actx.console.line(line)
    for note in plan_notes(result, changes):
        actx.console.say(note)


def diff(
    ctx: typer.Context,
    path: FileArg,
    prune: Prune = False,
    allow_inline_secrets: Inline = False,
    strict_secrets: StrictSecrets = False,
    create_missing: CreateMissing = False,
    as_json: O.Json = False,
) -> None:
    """Show what `hooks apply` would change: + added, ~ changed (field by field), - removed.

    Example: hookctl hooks diff stream-hooks.toml
    """
    actx = app_context(ctx)
    result, changes, _, _ = plan_file(
        actx,
        path,
        prune=prune,
        inline=allow_inline_secrets,
        require_secrets=strict_secrets,
        create_missing=create_missing,
    )
    show_plan(actx, result, changes, as_json=as_json)
