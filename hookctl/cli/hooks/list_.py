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
    from hookctl import hooks as H
    from hookctl import legacy as L

    actx = app_context(ctx)
    # a typo is exit 2 before any request, not an empty list
    wanted = H.type_filter(hook_type) if hook_type is not None else None
    client = actx.client()
    app = client.get_app()
    hooks = client.hooks_of(app)
    legacy = L.legacy_hooks(app) if L.is_legacy(app) else []
    total = len(hooks) + len(legacy)
    if wanted is not None:
        hooks = [h for h in hooks if h.get("hook_type") == wanted]
        legacy = [h for h in legacy if h.get("hook_type") == wanted]
    if L.is_legacy(app):
        actx.console.warn(L.note(app))
    shown = [h if show_secrets else H.mask_hook(h) for h in hooks]
    if jsonl:
        for hook in shown:
            actx.console.jsonl(hook)
        return
    if as_json:
        actx.console.json(shown)
        return
    rows = [H.list_row(h, show_secrets=show_secrets) for h in [*hooks, *legacy]]
    if show_secrets:
        columns = (*H.LIST_COLUMNS, "secrets")
        rows = [[*row, H.secrets_text(h)] for row, h in zip(rows, [*hooks, *legacy], strict=True)]
        actx.console.table(columns, rows)
    else:
        actx.console.table(H.LIST_COLUMNS, rows)
    if not hooks and not legacy and total:
        actx.console.say(f"no {wanted} hooks ({total} of other types: drop --type to see them)")
    elif not hooks and not legacy:
        actx.console.say("no hooks yet: add one with `hookctl hooks add webhook --url URL`")
