"""``hookctl hooks enable`` and ``hooks disable``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from hookctl.cli import options as O
from hookctl.cli.common import write_edit
from hookctl.cli.context import app_context

if TYPE_CHECKING:
    from hookctl.hooks.array import Hook


def disable_question(hook: Hook) -> str | None:
    """What to ask before turning a hook off (`hooks disable`, `hooks update --disable`);
    None when it is already off: nothing to warn about."""
    from hookctl.hooks import array as H

    if hook.get("enabled") is False:
        return None
    return (
        f"Disable {hook.get('hook_type')} hook {hook.get('id')} ({H.target(hook)})? "
        "Events for it will not be delivered."
    )


def _set_enabled(ctx: typer.Context, hook_id: str, enabled: bool, flags: O.Confirmed) -> None:
    from hookctl.hooks import array as H

    actx = app_context(ctx)
    question = None
    if not enabled and not flags.dry_run:
        hook = actx.live_hook(hook_id)
        question = disable_question(hook)
        hook_id = str(hook.get("id"))
    verb = "enabled" if enabled else "disabled"
    write_edit(
        actx,
        H.update_edit(hook_id, {"enabled": enabled}, summary=f"{verb[:-1]} hook {hook_id}"),
        flags,
        question=question,
        done=f"{verb} hook {hook_id}",
    )


def enable_hook(
    ctx: typer.Context, hook_id: O.HookId, as_json: O.Json = False, dry_run: O.DryRun = False
) -> None:
    """Enable a hook.

    Example: hookctl hooks enable 3f2a
    """
    _set_enabled(ctx, hook_id, True, O.Confirmed(yes=True, as_json=as_json, dry_run=dry_run))


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
