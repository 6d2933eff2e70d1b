"""Options and rendering shared by ``ping``, ``trigger`` and ``hooks test`` (their logic is
in ``hookctl.webhooks.pinging``; the retry options are in ``cli/options.py``, shared with replay)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hookctl.cli.context import AppContext
from hookctl.webhooks.pinging import build_payload as build_payload

if TYPE_CHECKING:
    from hookctl.webhooks.delivery import DeliveryResult

Sets = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Override a payload field, e.g. message.text=hello "
        "(values parse as JSON when they can).",
    ),
]
DataFile = Annotated[
    Path | None,
    typer.Option("--data", help="A JSON file to send as the whole body (its `type` is kept)."),
]
Gzip = Annotated[
    bool,
    typer.Option(
        "--gzip",
        help="Gzip the body with Content-Encoding: gzip, as Stream does for an app with "
        "enable_hook_payload_compression (the signature covers the uncompressed JSON).",
    ),
]


def credentials(actx: AppContext) -> tuple[str, str]:
    from hookctl.config.settings import require_credentials

    return require_credentials(actx.settings())


def render_result(actx: AppContext, result: DeliveryResult, *, as_json: bool) -> None:
    if as_json:
        actx.console.json(result.as_json())
        return
    for attempt in result.attempts:
        what = str(attempt.status) if attempt.status is not None else attempt.error
        actx.console.say(f"attempt {attempt.number}: {what} ({attempt.latency_ms:.0f} ms)")
    excerpt = result.response_excerpt.strip().replace("\n", " ")[:200]
    if result.ok:
        actx.console.success(
            f"delivered {result.delivery.event_type} to {result.delivery.url}: "
            f"{result.status} in {result.latency_ms:.0f} ms"
        )
    else:
        actx.console.error(
            f"delivery of {result.delivery.event_type} to {result.delivery.url} "
            f"failed: {result.error}",
            result.hint(),
        )
    if excerpt:
        actx.console.say(f"response: {excerpt}")
