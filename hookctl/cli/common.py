"""Helpers shared by the command modules: secrets input and write rendering."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

from hookctl.base.errors import UsageError
from hookctl.cli.context import AppContext
from hookctl.config.envvars import require_env

if TYPE_CHECKING:
    from hookctl.cli.options import Confirmed
    from hookctl.hooks.array import Change, Edit
    from hookctl.hooks.writer import WriteResult


def read_secret(ctx: AppContext, *, env_var: str | None, from_stdin: bool, label: str) -> str:
    """A secret from an env var, stdin, or a hidden prompt — never from argv."""
    from hookctl.base.redact import remember

    if env_var:
        value = require_env(env_var)
        remember(value)
        return value
    if from_stdin:
        value = ctx.console.stdin.readline().strip()
        if not value:
            raise UsageError(
                f"no {label} on stdin", 'pipe the secret in, e.g. `printf %s "$S" | ...`'
            )
        remember(value)
        return value
    if ctx.console.can_prompt():
        value = getpass.getpass(f"{label}: ", stream=ctx.console.err)
        if value:
            remember(value)
            return value
    raise UsageError(
        f"{label} is required",
        "pass --secret-env VAR or --secret-stdin (it is never read from the command line)",
    )


def event_types(
    ctx: AppContext,
    names: list[str] | None,
    *,
    all_events: bool = False,
    allow_unknown: bool = False,
) -> list[str]:
    """Validated wire names to store (``[]`` = all events); notes and warnings on stderr."""
    from hookctl.events.catalog import given_names, resolve_filter

    catalog = None
    if names and not all_events:
        choice = ctx.catalog()  # a cached live list (no request), else the bundled catalog
        catalog = choice.catalog
        if choice.source != "bundled":
            ctx.console.say(f"event types checked against the {choice.note}")
    resolution = resolve_filter(
        given_names(names), all_events=all_events, allow_unknown=allow_unknown, catalog=catalog
    )
    for note in resolution.notes():
        ctx.console.say(note)
    for warning in resolution.warnings():
        ctx.console.warn(warning)
    return resolution.names


def write_edit(
    ctx: AppContext,
    edit: Edit,
    flags: Confirmed,
    *,
    done: str,
    question: str | None = None,
    expect: list[Change] | None = None,
) -> WriteResult:
    """The one way a verb writes: ask ``question`` first (unless a dry run, or ``--yes``;
    off a terminal without ``--yes`` it refuses), write ``edit`` through the safe write
    path, render the outcome with ``done`` as its success line."""
    if question is not None and not flags.dry_run:
        ctx.console.require_confirmation(question, yes=flags.yes)
    dry_run = flags.dry_run
    result = ctx.writer().write(edit, dry_run=dry_run, expect=None if dry_run else expect)
    render_write(ctx, result, as_json=flags.as_json, done=done)
    return result


def render_write(ctx: AppContext, result: WriteResult, *, as_json: bool, done: str) -> None:
    """Print the outcome of a SafeWriter.write: a diff for dry runs, a ✓ line otherwise."""
    from hookctl.hooks.array import render_diff
    from hookctl.hooks.views import done_line, write_json, write_warnings

    console = ctx.console
    if result.dry_run and not as_json:
        for line in render_diff(result.changes):
            console.line(line)
        console.say("dry run: nothing was written")
        return
    if result.dry_run or not result.changes:
        if as_json:
            console.json(write_json(result))
        if not result.dry_run:
            console.say("nothing to change: the live hooks already match")
        return
    for warning in write_warnings(result):
        console.warn(warning)
    if as_json:
        console.json(write_json(result))
    console.success(done_line(result, done))
