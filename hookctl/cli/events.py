"""``hookctl events …``: the event-type catalog, and which hooks receive an event."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.context import app_context
from hookctl.errors import UsageError

app = typer.Typer(
    help="The event-type catalog, and which hooks receive an event.", no_args_is_help=True
)

Types = Annotated[
    list[str],
    typer.Argument(help="Event types, wire names, Feeds model names or patterns like 'message.*'."),
]


@app.command("list")
def list_events(
    ctx: typer.Context,
    product: Annotated[
        str | None, typer.Option("--product", help="chat, video, feeds or moderation.")
    ] = None,
    search_text: Annotated[
        str | None,
        typer.Option(
            "--search", "-s", help="Only types whose name, alias or description contains TEXT."
        ),
    ] = None,
    live: Annotated[
        bool,
        typer.Option(
            "--live",
            help="Ask the server for its current list (GET /hook/events, cached for a day); "
            "falls back to the bundled catalog.",
        ),
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="With --live: fetch again, ignoring the cache.")
    ] = False,
    as_json: O.Json = False,
    jsonl: O.Jsonl = False,
) -> None:
    """List the event types hookctl knows, with product and description.

    Example: hookctl events list --product feeds --search comment
    """
    from hookctl.events import PRODUCTS, search

    actx = app_context(ctx)
    if refresh and not live:
        raise UsageError("--refresh needs --live", "hookctl events list --live --refresh")
    choice = actx.catalog(live=live, refresh=refresh)
    catalog = choice.catalog
    if live or choice.source != "bundled":
        actx.console.say(f"event types: {choice.note}")
    if product and product not in PRODUCTS:
        raise UsageError(
            f"--product {product!r} is not one of {', '.join(PRODUCTS)}",
            "drop --product to list every event type",
        )
    found = search(product, search_text, catalog)
    if jsonl:
        for event in found:
            actx.console.jsonl(event.as_json())
        return
    if as_json:
        actx.console.json([e.as_json() for e in found])
        return
    actx.console.table(
        ["name", "product", "description", "aliases"],
        [[e.name, e.product, e.description, ", ".join(e.aliases)] for e in found],
    )
    actx.console.say(
        f"{len(found)} of {len(catalog.events)} event types (catalog of {catalog.date})"
    )


@app.command("route")
def route(
    ctx: typer.Context,
    event_type: Annotated[str, typer.Argument(help="An event type, e.g. message.new.")],
    as_json: O.Json = False,
) -> None:
    """Which hooks would receive an event, and why.

    Example: hookctl events route message.new
    """
    from hookctl import hooks as H
    from hookctl.events import one_event_type
    from hookctl.events import route as route_event

    actx = app_context(ctx)
    name = one_event_type(event_type)
    routes = route_event(name, actx.client().get_hooks())
    if as_json:
        actx.console.json({"event_type": name, "hooks": [r.as_json() for r in routes]})
        return
    actx.console.table(
        ["id", "type", "enabled", "receives", "why", "target"],
        [
            [
                r.hook.get("id"),
                r.hook.get("hook_type"),
                "yes" if r.hook.get("enabled") else "no",
                "yes" if r.receives else "no",
                r.reason,
                H.target(H.mask_hook(r.hook)),
            ]
            for r in routes
        ],
    )
    count = sum(r.receives for r in routes)
    actx.console.say(f"{name}: received by {count} of {len(routes)} hook(s)")
