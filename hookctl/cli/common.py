"""Helpers shared by the command modules: secrets input and write rendering."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import TYPE_CHECKING

from hookctl.base.errors import UsageError
from hookctl.cli.context import AppContext
from hookctl.config.envvars import require_env

if TYPE_CHECKING:
    from hookctl.cli.options import Confirmed
    from hookctl.hooks.array import Change, Edit, Hook
    from hookctl.hooks.writer import WriteResult


def read_secret(ctx: AppContext, *, env_var: str | None, from_stdin: bool, label: str) -> str:
    """A secret from an env var, stdin, or a hidden prompt — never from argv. Two sources
    at once, or a value with a control character, space or stray byte (a NUL from a
    binary file, a pasted line break), is exit 2: it would be stored as given."""
    if env_var and from_stdin:
        raise UsageError(
            "--secret-env and --secret-stdin both give the secret",
            "pass one of them",
        )
    if env_var:
        return _checked_secret(require_env(env_var), label, f"environment variable {env_var}")
    if from_stdin:
        value = ctx.console.stdin.readline().strip()
        if not value:
            raise UsageError(
                f"no {label} on stdin", 'pipe the secret in, e.g. `printf %s "$S" | ...`'
            )
        return _checked_secret(value, label, "stdin")
    if ctx.console.can_prompt():
        value = getpass.getpass(f"{label}: ", stream=ctx.console.err)
        if value:
            return _checked_secret(value, label, "the prompt")
    raise UsageError(
        f"{label} is required",
        "pass --secret-env VAR or --secret-stdin (it is never read from the command line)",
    )


def _checked_secret(value: str, label: str, source: str) -> str:
    """``value``, remembered for redaction, unless it cannot be a secret (never shown)."""
    from hookctl.base.redact import remember
    from hookctl.base.validate import text_problem

    remember(value)
    problem = text_problem(value)
    if problem:
        raise UsageError(
            f"the {label} from {source} {problem}: nothing was changed",
            "give the secret exactly as issued, one line without spaces",
        )
    return value


def event_types(
    ctx: AppContext,
    names: list[str] | None,
    *,
    all_events: bool = False,
    allow_unknown: bool = False,
    filtering: bool = False,
) -> list[str]:
    """Validated wire names to store (``[]`` = all events), or to filter by (``filtering``:
    ``failover list``/``replay -e``); notes and warnings on stderr."""
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
    for note in resolution.notes(filtering=filtering):
        ctx.console.say(note)
    for warning in resolution.warnings():
        ctx.console.warn(warning)
    return resolution.names


def confirm_plan(
    ctx: AppContext,
    before: list[Hook],
    after: list[Hook],
    *,
    yes: bool,
    show: Callable[[list[Change]], list[Change]] | None = None,
) -> list[Change] | None:
    """The one confirmation rule (``hookctl.hooks.confirm``) applied to the plan
    ``before`` → ``after``: when it removes, disables, redirects or narrows an existing
    hook (or its failover), show the plan (through ``show``, if given) and ask on a
    terminal; off one, without ``yes``, exit 2 with the plan on stderr. Bad input is
    refused first, so a plan never shows what the write would refuse. Returns the
    changes that were confirmed (the write's ``expect``), None when nothing was asked."""
    from hookctl.hooks import array as H
    from hookctl.hooks.confirm import question
    from hookctl.hooks.writer import check_edit

    check_edit(before, after)
    changes = H.diff(before, after)
    asked = question(changes)
    if asked is None:
        return None
    plan = H.render_diff(show(changes) if show is not None else changes)
    ctx.console.require_confirmation(asked, yes=yes, plan=plan)
    return changes


def write_edit(
    ctx: AppContext,
    edit: Edit,
    flags: Confirmed,
    *,
    done: str,
    live: list[Hook] | None = None,
) -> WriteResult:
    """The one way a verb writes: plan ``edit`` against the live hooks (``live`` when the
    verb has just read them), ask when the one rule says so (``confirm_plan``; never for
    a dry run), write through the safe write path (which refuses if the plan changed since
    the question), render the outcome with ``done`` as its success line."""
    expect = None  # what was confirmed: the write aborts if the plan changed since
    if not flags.dry_run:
        live = ctx.client().get_hooks() if live is None else live
        expect = confirm_plan(ctx, live, edit.apply(live), yes=flags.yes)
    result = ctx.writer().write(edit, dry_run=flags.dry_run, expect=expect)
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
