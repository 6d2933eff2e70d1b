"""``hookctl failover show [HOOK_ID]``: a hook's failover settings, never the private key.

``failover show OBJECT`` (an argument with a ``/`` or ending in ``.json``) still
prints that object, with a deprecation note: use ``failover object NAME``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.context import app_context
from hookctl.cli.failover.object import show_object

OLD = "For the deprecated `failover show OBJECT`: see `failover object`."


def looks_like_object(target: str) -> bool:
    """The old way ``show`` told an object from a hook id."""
    return "/" in target or target.endswith(".json")


def show(
    ctx: typer.Context,
    hook_id: Annotated[
        str | None,
        typer.Argument(
            metavar="HOOK_ID",
            help="A hook (default: every hook with failover).",
        ),
    ] = None,
    hook: Annotated[str | None, typer.Option("--hook", hidden=True, help=OLD)] = None,
    bucket: Annotated[str | None, typer.Option("--bucket", hidden=True, help=OLD)] = None,
    credentials: Annotated[str | None, typer.Option("--credentials", hidden=True, help=OLD)] = None,
    credentials_env: Annotated[
        str | None, typer.Option("--credentials-env", hidden=True, help=OLD)
    ] = None,
    gcs_endpoint: Annotated[
        str | None, typer.Option("--gcs-endpoint", hidden=True, help=OLD)
    ] = None,
    as_json: O.Json = False,
    show_secrets: O.ShowSecrets = False,
) -> None:
    """Show failover settings: bucket, path, service account, key id — never the private key.

    To see one failed event in the bucket, use `hookctl failover object NAME`.

    Example: hookctl failover show 3f2a --json
    """
    actx = app_context(ctx)
    actx.console.show_secrets = show_secrets
    if hook_id and looks_like_object(hook_id):
        actx.console.warn(
            "`failover show OBJECT` is deprecated and will be removed; "
            f"use `hookctl failover object {hook_id}`"
        )
        show_object(
            actx,
            hook_id,
            hook=hook,
            bucket=bucket,
            credentials=credentials,
            credentials_env=credentials_env,
            gcs_endpoint=gcs_endpoint,
            as_json=as_json,
        )
        return
    from hookctl.failover.hookconfig import summaries
    from hookctl.hooks.views import failover_line, failover_rows

    rows = summaries(actx.client().get_hooks(), hook_id, show_secrets=show_secrets)
    if as_json:
        actx.console.json(rows)
        return
    actx.console.table(["hook", "location", "service account", "key id"], failover_rows(rows))
    said = failover_line(rows, hook_id)
    if said:
        actx.console.say(said)
