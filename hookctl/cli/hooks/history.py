"""``hookctl hooks history``."""

from __future__ import annotations

import typer

from hookctl.cli import options as O
from hookctl.cli.context import app_context


def history(ctx: typer.Context, as_json: O.Json = False) -> None:
    """List the local snapshots taken before each write (newest first).

    Example: hookctl hooks history
    """
    from hookctl.config.settings import data_dir, require_credentials
    from hookctl.hooks.history import History

    actx = app_context(ctx)
    settings = actx.settings()
    key, _ = require_credentials(settings)
    snaps = History(data_dir(), settings.base_url, key).list()
    if as_json:
        actx.console.json([s.as_json() for s in snaps])
        return
    actx.console.table(
        ["snapshot", "created_at", "hooks", "before"],
        [[s.id, s.created_at, len(s.hooks), s.operation] for s in snaps],
    )
    if not snaps:
        actx.console.say("no snapshots yet: one is saved before every write")
