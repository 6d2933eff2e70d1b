"""``hookctl failover object NAME``: one failed event's envelope, payload pretty-printed."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.base.errors import ExitStatus
from hookctl.cli import options as O
from hookctl.cli.context import AppContext, app_context
from hookctl.cli.failover.common import source_from
from hookctl.cli.failover.options import Credentials, CredentialsEnv, Endpoint, Reading

Name = Annotated[
    str,
    typer.Argument(
        metavar="NAME",
        help="The object's name in the bucket, gs://BUCKET/NAME, or the OBJECT column of "
        "`failover list` (the end of the name, e.g. 1775217600-message.new-3f2a9c1d).",
    ),
]
ObjectHook = Annotated[
    str | None,
    typer.Option(
        "--hook",
        help="The hook whose failover bucket holds the object.",
        autocompletion=O.hook_ids,
    ),
]
ObjectBucket = Annotated[
    str | None, typer.Option("--bucket", help="Read this bucket directly (or give gs://BUCKET/…).")
]


def object_command(
    ctx: typer.Context,
    name: Name,
    hook: ObjectHook = None,
    bucket: ObjectBucket = None,
    credentials: Credentials = None,
    credentials_env: CredentialsEnv = None,
    gcs_endpoint: Endpoint = None,
    as_json: O.Json = False,
) -> None:
    """Show one failed event in the failover bucket: its envelope, payload pretty-printed.

    Example: hookctl failover object 1775217600-message.new-3f2a9c1d
    """
    show_object(
        app_context(ctx),
        name,
        hook=hook,
        bucket=bucket,
        credentials=credentials,
        credentials_env=credentials_env,
        gcs_endpoint=gcs_endpoint,
        as_json=as_json,
    )


def show_object(
    actx: AppContext,
    name: str,
    *,
    hook: str | None,
    bucket: str | None,
    credentials: str | None,
    credentials_env: str | None,
    gcs_endpoint: str | None,
    as_json: bool,
) -> None:
    import json

    from hookctl.failover.objects import fetch_object, split_gs_url
    from hookctl.failover.select import TIME_LABELS, time_text
    from hookctl.failover.shortname import hook_for, parse_short, resolve

    bucket, name = split_gs_url(name, bucket)
    short = parse_short(name)
    if short is not None and hook is None and bucket is None:  # the name says which hook
        client = actx.client()
        hook = hook_for(short, [str(h.get("id")) for h in client.hooks_of(client.get_app())])
    where = Reading(
        hook=hook,
        bucket=bucket,
        credentials_file=credentials,
        credentials_env=credentials_env,
        gcs_endpoint=gcs_endpoint,
    )
    found = source_from(actx, where)
    view = fetch_object(found, resolve(found, name))
    if as_json:
        actx.console.json(view.as_json())
    item, envelope = view.item, view.envelope
    when, source = view.time
    time_field = [(TIME_LABELS[source], time_text(when))] if when else []
    if envelope is None:
        if not as_json:
            actx.console.fields(
                [
                    ("name", item.name),
                    ("size", item.size),
                    *time_field,
                    ("malformed", view.problem),
                ]
            )
            actx.console.line(view.excerpt)
        raise typer.Exit(ExitStatus.FAILED)
    if as_json:
        return
    actx.console.fields(
        [
            ("name", item.name),
            ("generation", item.generation),
            ("size", item.size),
            ("event_type", envelope.event_type),
            ("hook", envelope.original_hook_id),
            ("url", envelope.original_webhook_url),
            *time_field,
            ("error", envelope.error_message),
        ]
    )
    actx.console.line(json.dumps(envelope.payload, indent=2, ensure_ascii=False))
