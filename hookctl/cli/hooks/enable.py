"""``hookctl hooks enable`` and ``hooks disable``."""

from __future__ import annotations

from typing import Any

import typer

from hookctl.cli import options as O
from hookctl.cli.common import render_write
from hookctl.cli.context import AppContext, app_context


def confirm_disable(actx: AppContext, hook: dict[str, Any], *, yes: bool) -> None:
    """Ask before turning a hook off (`hooks disable`, `hooks update --disable`)."""
    from hookctl import hooks as H

    if hook.get("enabled") is False:
        return  # already off: nothing to warn about
    actx.console.require_confirmation(
        f"Disable {hook.get('hook_type')} hook {hook.get('id')} ({H.target(hook)})? "
        "Events for it will not be delivered.",
        yes=yes,
    )


def _set_enabled(
    ctx: typer.Context, hook_id: str, enabled: bool, *, yes: bool, dry_run: bool, as_json: bool
) -> None:
    from hookctl import hooks as H

    actx = app_context(ctx)
    if not enabled and not dry_run:
        hook = actx.live_hook(hook_id)
        confirm_disable(actx, hook, yes=yes)
        hook_id = str(hook.get("id"))
    verb = "enabled" if enabled else "disabled"
    edit = H.update_edit(hook_id, {"enabled": enabled}, summary=f"{verb[:-1]} hook {hook_id}")
    result = actx.writer().write(edit, dry_run=dry_run)
    render_write(actx, result, as_json=as_json, done=f"{verb} hook {hook_id}")


def enable_hook(
    ctx: typer.Context, hook_id: O.HookId, as_json: O.Json = False, dry_run: O.DryRun = False
) -> None:
    """Enable a hook.

    Example: hookctl hooks enable 3f2a
    """
    _set_enabled(ctx, hook_id, True, yes=True, dry_run=dry_run, as_json=as_json)


def disable_hook(
    ctx: typer.Context,
    hook_id: O.HookId,
    yes: O.Yes = False,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Disable a hook (asks first; --yes in scripts).

    Example: hookctl hooks disable 3f2a --yes
    """
    _set_enabled(ctx, hook_id, False, yes=yes, dry_run=dry_run, as_json=as_json)
