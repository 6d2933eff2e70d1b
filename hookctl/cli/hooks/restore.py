"""``hookctl hooks restore``."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.common import render_write
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
    """Put a snapshot's hooks back exactly (through the same safe write).

    Example: hookctl hooks restore 20261123-101500-123456 --dry-run
    """
    from hookctl.hooks import array as H

    actx = app_context(ctx)
    writer = actx.writer()
    snap = writer.history.load(snapshot)
    expect = None
    if not dry_run:
        changes = H.diff(actx.client().get_hooks(), snap.hooks)
        if changes:
            if not as_json or (not yes and actx.console.can_prompt()):
                # shown for a person; under --json stderr stays one JSON error if it fails
                for line in H.render_diff(changes):
                    actx.console.say(line)
            removes = sum(1 for c in changes if c.op == "remove")
            actx.console.require_confirmation(
                f"Restore snapshot {snap.id} ({len(snap.hooks)} hooks; {len(changes)} change(s), "
                f"{removes} removal(s))?",
                yes=yes,
            )
            expect = changes  # the write aborts if the plan changed since the prompt
    result = writer.write(
        H.replace_all_edit(snap.hooks, f"restore {snap.id}"), dry_run=dry_run, expect=expect
    )
    render_write(actx, result, as_json=as_json, done=f"restored snapshot {snap.id}")
