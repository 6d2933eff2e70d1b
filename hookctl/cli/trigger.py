"""``hookctl trigger EVENT --to URL``: many sample events, as Stream would send them."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.context import app_context
from hookctl.cli.deliver import (
    AttemptTimeout,
    DataFile,
    Deadline,
    MaxAttempts,
    Sets,
    build_payload,
    credentials,
    policy,
    render_result,
)


def trigger(
    ctx: typer.Context,
    event: Annotated[str, typer.Argument(help="Event type, e.g. message.new.")],
    to: Annotated[str, typer.Option("--to", help="The endpoint to POST to.")],
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many events.")] = 1,
    sets: Sets = None,
    data: DataFile = None,
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", min=1)] = 16,
    rate: Annotated[
        float | None, typer.Option("--rate", min=0.01, help="Events per second.")
    ] = None,
    max_attempts: MaxAttempts = None,
    attempt_timeout: AttemptTimeout = 6.0,
    deadline: Deadline = 15.0,
    as_json: O.Json = False,
) -> None:
    """Deliver COUNT sample events of a type to a URL, as Stream would.

    Example: hookctl trigger message.new --to http://127.0.0.1:8787 --set message.text=hi --count 10
    """
    import time

    from hookctl.delivery import Delivery, deliver_sync
    from hookctl.events import one_event_type
    from hookctl.validate import check_url

    actx = app_context(ctx)
    check_url(to, what="--to")
    event_type = one_event_type(event)
    body = build_payload(event_type, sets, data)
    key, secret = credentials(actx)
    started = time.monotonic()
    results = deliver_sync(
        key,
        secret,
        [Delivery(to, body, event_type) for _ in range(count)],
        policy=policy(max_attempts, attempt_timeout, deadline),
        concurrency=concurrency,
        rate=rate,
    )
    elapsed = time.monotonic() - started
    failed = [r for r in results if not r.ok]
    latencies = sorted(r.latency_ms for r in results)
    summary = {
        "event_type": event_type,
        "url": to,
        "sent": len(results),
        "delivered": len(results) - len(failed),
        "failed": len(failed),
        "retried": sum(1 for r in results if len(r.attempts) > 1),
        "seconds": round(elapsed, 3),
        "per_second": round(len(results) / elapsed, 1),
        "p50_ms": round(latencies[len(latencies) // 2], 1),
        "failures": [r.as_json() for r in failed[:100]],
    }
    if count == 1 and not as_json:
        render_result(actx, results[0], as_json=False)
    elif as_json:
        actx.console.json(summary)
    else:
        actx.console.say(
            f"{summary['delivered']} of {count} delivered, {len(failed)} failed, "
            f"{summary['retried']} retried, {summary['per_second']}/s, "
            f"p50 {summary['p50_ms']} ms"
        )
        for r in failed[:5]:
            actx.console.error(f"{r.delivery.webhook_id}: {r.error}")
    raise typer.Exit(0 if not failed else 1)
