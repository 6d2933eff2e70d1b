"""``hookctl hooks enable`` and ``hooks disable``."""

from __future__ import annotations

import typer

from hookctl.cli import options as O
from hookctl.cli.common import write_edit
from hookctl.cli.context import app_context


def _set_enabled(ctx: typer.Context, hook_id: str, enabled: bool, flags: O.Confirmed) -> None:
    """Disabling asks (the one rule, in ``write_edit``); enabling never does."""
    from hookctl.hooks import array as H

    actx = app_context(ctx)
    live = actx.client().get_hooks()
    hook_id = str(H.get(live, hook_id).get("id"))  # a prefix is resolved once, here
    verb = "enabled" if enabled else "disabled"
    write_edit(
        actx,
        H.update_edit(hook_id, {"enabled": enabled}, summary=f"{verb[:-1]} hook {hook_id}"),
        flags,
        done=f"{verb} hook {hook_id}",
        live=live,
    )


def enable_hook(
    ctx: typer.Context, hook_id: O.HookId, as_json: O.Json = False, dry_run: O.DryRun = False
) -> None:
    """Enable a hook.

    Example: hookctl hooks enable 3f2a
    """
    _set_enabled(ctx, hook_id, True, O.Confirmed(as_json=as_json, dry_run=dry_run))


@O.grouped
def disable_hook(
    ctx: typer.Context,
    hook_id: O.HookId,
    *,
    flags: O.Confirmed,
) -> None:
    """Disable a hook (asks first; --yes in scripts).

    Example: hookctl hooks disable 3f2a --yes
    """
    _set_enabled(ctx, hook_id, False, flags)
