"""``hookctl hooks remove``."""

from __future__ import annotations

import typer

from hookctl.cli import options as O
from hookctl.cli.common import write_edit
from hookctl.cli.context import app_context


@O.grouped
def remove(
    ctx: typer.Context,
    hook_id: O.HookId,
    *,
    flags: O.Confirmed,
) -> None:
    """Remove one hook; every other hook is kept (asks first; --yes in scripts).

    Example: hookctl hooks remove 3f2a --yes
    """
    from hookctl.hooks import array as H

    actx = app_context(ctx)
    live = actx.client().get_hooks()
    full_id = str(H.get(live, hook_id).get("id"))  # a prefix is resolved once, here
    write_edit(actx, H.remove_edit(full_id), flags, done=f"removed hook {full_id}", live=live)
