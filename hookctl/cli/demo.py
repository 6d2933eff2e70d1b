"""``hookctl demo``: the README's one-command tour on local stand-ins."""

from __future__ import annotations

import typer

from hookctl.cli.context import app_context


def demo(ctx: typer.Context) -> None:
    """Run a narrated tour against a local sandbox: add, list and remove hooks.

    Needs no Stream account; starts and cleans up everything itself.

    Example: hookctl demo
    """
    from hookctl.demo import Demo

    console = app_context(ctx).console
    code = Demo(console.line, console.line).main()
    raise typer.Exit(code)
