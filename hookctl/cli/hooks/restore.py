"""``hookctl hooks restore``."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.common import confirm_plan, render_write
from hookctl.cli.context import app_context


def restore(
    ctx: typer.Context,
    snapshot: Annotated[
        str, typer.Argument(help="Snapshot id from `hooks history` (or a prefix, or 'latest').")
    ],
    yes: O.Yes = False,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Put a snapshot's hooks back exactly (through the same safe write). Asks first when
    that removes, disables, redirects or narrows a live hook (--yes in scripts).

    Example: hookctl hooks restore 20261123-101500-123456 --dry-run
    """
    from hookctl.hooks import array as H

    actx = app_context(ctx)
    writer = actx.writer()
    snap = writer.history.load(snapshot)
    expect = None
    if not dry_run:  # removing, disabling, redirecting or narrowing asks (the one rule)
        expect = confirm_plan(actx, actx.client().get_hooks(), snap.hooks, yes=yes)
    result = writer.write(
        H.replace_all_edit(snap.hooks, f"restore {snap.id}"), dry_run=dry_run, expect=expect
    )
    render_write(actx, result, as_json=as_json, done=f"restored snapshot {snap.id}")
