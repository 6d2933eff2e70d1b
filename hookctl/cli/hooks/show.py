"""``hookctl hooks show``."""

from __future__ import annotations

import typer

from hookctl.cli import options as O
from hookctl.cli.context import app_context


def show(
    ctx: typer.Context,
    hook_id: O.HookId,
    as_json: O.Json = False,
    show_secrets: O.ShowSecrets = False,
) -> None:
    """Show every field of one hook (secrets masked).

    Example: hookctl hooks show 3f2a --json
    """
    from hookctl.hooks import show as V

    actx = app_context(ctx)
    actx.console.show_secrets = show_secrets
    hook = actx.live_hook(hook_id)
    shown = hook if show_secrets else V.mask_hook(hook)
    if as_json:
        actx.console.json(shown)
        return
    actx.console.fields(V.show_fields(hook, show_secrets=show_secrets))
