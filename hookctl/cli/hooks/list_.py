"""``hookctl hooks list``."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.context import app_context


def list_hooks(
    ctx: typer.Context,
    hook_type: Annotated[
        str | None, typer.Option("--type", help="Only hooks of this type.")
    ] = None,
    as_json: O.Json = False,
    jsonl: O.Jsonl = False,
    show_secrets: O.ShowSecrets = False,
) -> None:
    """List the app's hooks: id, type, enabled, target, event filter, failover.

    Example: hookctl hooks list --json | jq '.[].id'
    """
    from hookctl.hooks.show import type_filter
    from hookctl.hooks.views import hook_listing

    actx = app_context(ctx)
    actx.console.show_secrets = show_secrets
    # a typo is exit 2 before any request, not an empty list
    wanted = type_filter(hook_type) if hook_type is not None else None
    client = actx.client()
    app = client.get_app()
    listing = hook_listing(app, client.hooks_of(app), wanted, show_secrets=show_secrets)
    if listing.warning:
        actx.console.warn(listing.warning)
    if jsonl:
        for hook in listing.shown:
            actx.console.jsonl(hook)
        return
    if as_json:
        actx.console.json(listing.shown)
        return
    actx.console.table(listing.columns, listing.rows)
    if listing.empty:
        actx.console.say(listing.empty)
