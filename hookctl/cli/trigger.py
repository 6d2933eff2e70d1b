"""``hookctl trigger EVENT --to URL``: many sample events, as Stream would send them."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.base.errors import ExitStatus
from hookctl.cli import options as O
from hookctl.cli.context import app_context
from hookctl.cli.deliver import DataFile, Gzip, Sets, build_payload, credentials, render_result


@O.grouped
def trigger(
    ctx: typer.Context,
    event: Annotated[
        str, typer.Argument(help="Event type, e.g. message.new.", autocompletion=O.event_types)
    ],
    to: Annotated[str, typer.Option("--to", help="The endpoint to POST to.")],
    count: Annotated[
        int,
        typer.Option("--count", "-n", min=1, max=10_000, help="How many events (at most 10,000)."),
    ] = 1,
    sets: Sets = None,
    data: DataFile = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", min=1, help="Deliveries in flight at once.")
    ] = 16,
    rate: Annotated[
        float | None,
        typer.Option(
            "--rate", parser=O.Finite(0.01, 1_000_000, "per second"), help="Events per second."
        ),
    ] = None,
    *,
    retries: O.Retries,
    gzip: Gzip = False,
    as_json: O.Json = False,
) -> None:
    """Deliver COUNT sample events of a type to a URL, as Stream would.

    Example: hookctl trigger message.new --to http://127.0.0.1:8787 --set message.text=hi --count 10
    """
    from hookctl.base.validate import check_url
    from hookctl.events.catalog import one_event_type
    from hookctl.webhooks import pinging as P
    from hookctl.webhooks.delivery import Delivery

    actx = app_context(ctx)
    check_url(to, what="--to")
    event_type = one_event_type(event)
    body = build_payload(event_type, sets, data)
    key, secret = credentials(actx)
    report = P.trigger(
        key,
        secret,
        [Delivery(to, body, event_type, compress=gzip) for _ in range(count)],
        retry=retries.policy(),
        concurrency=concurrency,
        rate=rate,
    )
    failed = report.failed
    if count == 1 and not as_json:
        render_result(actx, report.results[0], as_json=False)
    elif as_json:
        actx.console.json(report.as_json())
    else:
        actx.console.say(
            f"{count - len(failed)} of {count} delivered, {len(failed)} failed, "
            f"{report.retried} retried, {report.per_second}/s, p50 {report.p50_ms} ms"
        )
        for r in failed[:5]:
            actx.console.error(f"{r.delivery.webhook_id}: {r.error}")
    raise typer.Exit(ExitStatus.of(not failed))
