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
    hook = H.get(live, hook_id)  # a prefix is resolved once, here, before the prompt
    full_id = str(hook.get("id"))
    edit = H.remove_edit(full_id)
    write_edit(
        actx,
        edit,
        flags,
        question=f"Remove {hook.get('hook_type')} hook {full_id} ({H.target(hook)})?",
        expect=H.diff(live, edit.apply(live)),
        done=f"removed hook {full_id}",
    )
