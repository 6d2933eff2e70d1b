"""``hookctl ping URL``: one signed Stream-style request."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.base.errors import ExitStatus
from hookctl.cli import options as O
from hookctl.cli.context import app_context
from hookctl.cli.deliver import DataFile, Gzip, Sets, build_payload, credentials, render_result


@O.grouped
def ping(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The endpoint to POST to.")],
    event: Annotated[
        str, typer.Option("--event", help="Event type of the sample.", autocompletion=O.event_types)
    ] = "message.new",
    sets: Sets = None,
    data: DataFile = None,
    *,
    retries: O.Retries,
    gzip: Gzip = False,
    as_json: O.Json = False,
) -> None:
    """Send one signed Stream-style request to URL and report status, latency and answer.

    Example: hookctl ping https://example.com/stream --event message.new
    """
    from hookctl.base.validate import check_url
    from hookctl.events.catalog import one_event_type
    from hookctl.webhooks.delivery import Delivery, deliver_sync

    actx = app_context(ctx)
    check_url(url)
    event_type = one_event_type(event)
    body = build_payload(event_type, sets, data)
    key, secret = credentials(actx)
    [result] = deliver_sync(
        key,
        secret,
        [Delivery(url, body, event_type, compress=gzip)],
        policy=retries.policy(),
    )
    render_result(actx, result, as_json=as_json)
    raise typer.Exit(ExitStatus.of(result.ok))
