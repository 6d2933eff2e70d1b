"""``hookctl hooks export``: the app's hooks as a file for git."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hookctl.base.plaintext import plural
from hookctl.cli.context import app_context


def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="toml (default) or json.")] = "toml",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Print the app's hooks as a file for git: secrets become env:VAR references.

    Example: hookctl hooks export > stream-hooks.toml
    """
    from hookctl.hooks.files import check_format, render, secret_refs

    actx = app_context(ctx)
    check_format(fmt)  # before any request
    hooks = actx.client().get_hooks()
    text = render(hooks, fmt)
    if output is None:
        actx.console.write(text)
    else:
        from hookctl.config.settings import write_private

        write_private(output, text.encode("utf-8", "backslashreplace"))
        actx.console.success(f"{plural(len(hooks), 'hook')} written to {output}")
    refs = secret_refs(hooks)
    if refs:
        actx.console.say(f"secrets are references: set {', '.join(refs)} before `hooks apply`")
