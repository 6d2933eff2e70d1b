"""``hookctl demo``: the README's one-command tour on local stand-ins."""

from __future__ import annotations

import typer

from hookctl.cli.context import app_context


def demo(ctx: typer.Context) -> None:
    """Run a narrated tour of an outage and its replay, on local stand-ins.

    Adds a webhook with a GCS failover bucket, takes the endpoint down, emits 10
    events that fail over into the bucket, lists them, brings the endpoint back,
    replays them and checks each arrived once with a valid signature; a second
    replay sends nothing. Needs no Stream account or GCP project (the `sandbox`
    extra provides the local GCS server); starts and cleans up everything itself.

    Example: hookctl demo
    """
    from hookctl.demo import Demo

    console = app_context(ctx).console
    code = Demo(console.line, console.line).main()
    raise typer.Exit(code)
