"""``hookctl events …``: the event-type catalog, and which hooks receive an event."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.context import app_context

app = typer.Typer(
    help="The event-type catalog, and which hooks receive an event.", no_args_is_help=True
)

Types = Annotated[
    list[str],
    typer.Argument(
        help="Event types, wire names, Feeds model names or patterns like 'message.*'.",
        autocompletion=O.event_types,
    ),
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
            "--search",
            "-s",
            metavar="TEXT",
            help="Only types whose name, alias or description contains TEXT.",
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
    from hookctl.events.catalog import search
    from hookctl.hooks.views import catalog_line, catalog_rows, check_product, check_refresh

    actx = app_context(ctx)
    check_refresh(live=live, refresh=refresh)
    choice = actx.catalog(live=live, refresh=refresh)
    if live or choice.source != "bundled":
        actx.console.say(f"event types: {choice.note}")
    check_product(product)
    found = search(product, search_text, choice.catalog)
    if jsonl:
        for event in found:
            actx.console.jsonl(event.as_json())
        return
    if as_json:
        actx.console.json([e.as_json() for e in found])
        return
    actx.console.table(["name", "product", "description", "aliases"], catalog_rows(found))
    actx.console.say(catalog_line(found, choice.catalog))


@app.command("route")
def route(
    ctx: typer.Context,
    event_type: Annotated[
        str, typer.Argument(help="An event type, e.g. message.new.", autocompletion=O.event_types)
    ],
    as_json: O.Json = False,
) -> None:
    """Which hooks would receive an event, and why.

    Example: hookctl events route message.new
    """
    from hookctl.events.catalog import one_event_type
    from hookctl.events.catalog import route as route_event
    from hookctl.hooks.views import route_line, route_rows

    actx = app_context(ctx)
    name = one_event_type(event_type)
    routes = route_event(name, actx.client().get_hooks())
    if as_json:
        actx.console.json({"event_type": name, "hooks": [r.as_json() for r in routes]})
        return
    actx.console.table(["id", "type", "enabled", "receives", "why", "target"], route_rows(routes))
    actx.console.say(route_line(name, routes))
