"""``hookctl hooks …``: the noun registers its own verbs, each in its own module.

To add a verb: write ``hookctl/cli/hooks/<verb>.py`` with one command function that
parses options, calls one library function and renders; then register it below.
Order matters: it is the order of ``hookctl hooks --help`` and docs/commands.md.
"""

from __future__ import annotations

import typer

from hookctl.cli.hooks import (
    add,
    apply,
    diff,
    enable,
    events,
    export,
    history,
    list_,
    remove,
    restore,
    show,
    test,
    update,
)

app = typer.Typer(
    help="List, add, change and remove event hooks (never losing one).", no_args_is_help=True
)
app.add_typer(add.app, name="add")
app.command("list")(list_.list_hooks)
app.command("show")(show.show)
app.command("update")(update.update)
app.command("enable")(enable.enable_hook)
app.command("disable")(enable.disable_hook)
app.command("remove")(remove.remove)
app.command("history")(history.history)
app.command("restore")(restore.restore)
app.add_typer(events.app, name="events")
app.command("test")(test.test_hook)
app.command("export")(export.export)
app.command("diff")(diff.diff)
app.command("apply")(apply.apply)

__all__ = ["app"]
