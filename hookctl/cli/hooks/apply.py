"""``hookctl hooks apply``: make the live hooks match a reviewed TOML file."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import typer

from hookctl.base.errors import ExitStatus
from hookctl.base.plaintext import plural
from hookctl.cli import options as O
from hookctl.cli.common import confirm_plan
from hookctl.cli.context import app_context
from hookctl.cli.hooks.diff import (
    CreateMissing,
    FileArg,
    Inline,
    Prune,
    StrictSecrets,
    plan_file,
    show_plan,
)


def apply(
    ctx: typer.Context,
    path: FileArg,
    prune: Prune = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="CI drift gate: exit 0 in sync, 1 drift, 2 invalid file."),
    ] = False,
    allow_inline_secrets: Inline = False,
    strict_secrets: StrictSecrets = False,
    create_missing: CreateMissing = False,
    yes: O.Yes = False,
    dry_run: O.DryRun = False,
    as_json: O.Json = False,
) -> None:
    """Make the live hooks match the file, in one safe write (idempotent). Asks first
    when the plan removes, disables, redirects or narrows a live hook (--yes in scripts).

    Example: hookctl hooks apply stream-hooks.toml --prune --yes
    """
    from hookctl.hooks import array as H
    from hookctl.hooks.plan import plan, shown_changes
    from hookctl.hooks.views import touched_hooks

    actx = app_context(ctx)
    # --check and --dry-run only compare: an unset secret variable is reported, not fatal
    result, changes, file_hooks, live = plan_file(
        actx,
        path,
        prune=prune,
        inline=allow_inline_secrets,
        require_secrets=strict_secrets or not (check or dry_run),
        create_missing=create_missing,
    )
    if check or dry_run or not changes:
        show_plan(actx, result, changes, as_json=as_json)
        if dry_run and not check and not as_json:
            actx.console.say("dry run: nothing was written")  # as every other write says
        raise typer.Exit(ExitStatus.of(not (check and changes)))
    # removing, disabling, redirecting or narrowing a live hook asks (the one rule)
    show = partial(shown_changes, plan=result)
    expect = confirm_plan(actx, live, result.hooks, yes=yes, show=show)
    edit = H.Edit(
        f"apply {path.name}",
        lambda live: plan(live, file_hooks, prune=prune, create_missing=create_missing).hooks,
    )
    write = actx.writer().write(edit, expect=expect)
    touched = touched_hooks(write.live, write.changes, write.new_ids) if as_json else None
    show_plan(actx, result, changes, as_json=as_json, touched=touched)
    snapshot = f" (previous array saved as snapshot {write.snapshot.id})" if write.snapshot else ""
    actx.console.success(f"applied {path}: {plural(len(write.changes), 'change')}{snapshot}")
