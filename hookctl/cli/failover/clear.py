"""``hookctl failover clear``: turn failover off for a hook."""

from __future__ import annotations

import typer

from hookctl.cli import options as O
from hookctl.cli.common import write_edit
from hookctl.cli.context import app_context


@O.grouped
def clear(
    ctx: typer.Context,
    hook_id: O.HookId,
    *,
    flags: O.Confirmed,
) -> None:
    """Turn failover off for a hook (the hook is written without failover_config).

    Example: hookctl failover clear 3f2a --yes
    """
    from hookctl.failover.hookconfig import require_failover
    from hookctl.hooks import array as H

    actx = app_context(ctx)
    live = actx.client().get_hooks()
    hook = require_failover(H.get(live, hook_id))
    write_edit(
        actx,
        H.update_edit(
            str(hook["id"]),
            {},
            unset=("failover_config",),
            summary=f"clear failover of hook {hook['id']}",
        ),
        flags,
        done=f"failover cleared for hook {hook['id']}",
        live=live,
    )
