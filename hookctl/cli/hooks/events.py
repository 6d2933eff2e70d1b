"""``hookctl hooks events add|remove|set``: edit one hook's event filter."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Annotated

import typer

from hookctl.base.errors import UsageError
from hookctl.base.plaintext import plural
from hookctl.cli import options as O
from hookctl.cli.common import event_types, write_edit
from hookctl.cli.context import app_context

if TYPE_CHECKING:
    from hookctl.hooks.array import Hook

app = typer.Typer(help="Edit one hook's event filter.", no_args_is_help=True)

Types = Annotated[
    list[str],
    typer.Argument(
        help="Event types, wire names, Feeds model names or patterns like 'message.*'.",
        autocompletion=O.event_types,
    ),
]


def _write_filter(
    ctx: typer.Context, hook_id: str, fn: Callable[[Hook], Hook], summary: str, flags: O.Confirmed
) -> None:
    """Asks when the new filter stops some event reaching the hook (the one rule)."""
    from hookctl.hooks import array as H

    write_edit(app_context(ctx), H.transform_edit(hook_id, fn, summary), flags, done=summary)


@app.command("add")
def events_add(
    ctx: typer.Context,
    hook_id: O.HookId,
    types: Types,
    allow_unknown: O.AllowUnknown = False,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Add event types to a hook's list.

    Example: hookctl hooks events add 3f2a reaction.new reaction.deleted
    """
    from hookctl.hooks.edits import add_event_types

    names = event_types(app_context(ctx), types, allow_unknown=allow_unknown)

    summary = f"add {plural(len(names), 'event type')} to hook {hook_id}"
    edit = partial(add_event_types, names=names)
    flags = O.Confirmed(as_json=as_json, dry_run=dry_run)  # adding types never asks
    _write_filter(ctx, hook_id, edit, summary, flags)


@app.command("remove")
@O.grouped
def events_remove(
    ctx: typer.Context,
    hook_id: O.HookId,
    types: Types,
    *,
    flags: O.Confirmed,
) -> None:
    """Remove event types (or patterns) from a hook's list (asks first; --yes in scripts).

    Example: hookctl hooks events remove 3f2a message.updated --yes
    """
    from hookctl.events.catalog import given_names
    from hookctl.hooks.edits import remove_event_types

    wanted = given_names(types, flag="TYPES")

    summary = f"remove {', '.join(wanted)} from hook {hook_id}"
    edit = partial(remove_event_types, patterns=wanted)
    _write_filter(ctx, hook_id, edit, summary, flags)


@app.command("set")
@O.grouped
def events_set(
    ctx: typer.Context,
    hook_id: O.HookId,
    types: Annotated[
        list[str] | None,
        typer.Argument(help="The complete new list.", autocompletion=O.event_types),
    ] = None,
    all_events: Annotated[
        bool, typer.Option("--all", help="Receive every event, including types Stream adds later.")
    ] = False,
    allow_unknown: O.AllowUnknown = False,
    *,
    flags: O.Confirmed,
) -> None:
    """Replace a hook's filter with a list, or with --all (asks first when that drops a type).

    Example: hookctl hooks events set 3f2a --all
    """
    if (types is not None) == all_events:
        raise UsageError(
            "give either a list of event types or --all",
            "e.g. `hooks events set ID message.new` or `hooks events set ID --all`",
        )
    from hookctl.hooks.edits import set_event_types

    names = [] if all_events else event_types(app_context(ctx), types, allow_unknown=allow_unknown)

    what = "all events (incl. future)" if all_events else plural(len(names), "event type")
    edit = partial(set_event_types, names=names)
    _write_filter(ctx, hook_id, edit, f"set hook {hook_id} to {what}", flags)
