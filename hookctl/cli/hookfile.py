"""``hookctl hooks export/diff/apply``: hook configuration as a reviewed TOML file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from hookctl.cli import options as O
from hookctl.cli.context import AppContext, app_context
from hookctl.errors import UsageError

FileArg = Annotated[Path, typer.Argument(help="The hook file (TOML), e.g. stream-hooks.toml.")]
Prune = Annotated[
    bool, typer.Option("--prune", help="Remove live hooks the file does not mention.")
]
Inline = Annotated[
    bool,
    typer.Option(
        "--allow-inline-secrets", help="Accept literal secrets in the file (not env:/file: refs)."
    ),
]


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
    from hookctl.hookfile import exportable, secret_refs, to_toml

    actx = app_context(ctx)
    if fmt not in ("toml", "json"):
        raise UsageError(f"--format {fmt!r} is not toml or json", "pick one")
    hooks = actx.client().get_hooks()
    if fmt == "toml":
        text = to_toml(hooks)
    else:
        text = json.dumps({"hook": [exportable(h) for h in hooks]}, indent=2) + "\n"
    if output is None:
        actx.console.write(text)
    else:
        from hookctl.settings import write_private

        write_private(output, text.encode("utf-8", "backslashreplace"))
        actx.console.success(f"{len(hooks)} hook(s) written to {output}")
    refs = secret_refs(hooks)
    if refs:
        actx.console.say(f"secrets are references: set {', '.join(refs)} before `hooks apply`")


def _plan(actx: AppContext, path: Path, *, prune: bool, inline: bool) -> tuple[Any, list[Any], Any]:
    from hookctl import hooks as H
    from hookctl.hookfile import load, plan

    file_hooks = load(path, allow_inline_secrets=inline)
    live = actx.client().get_hooks()
    result = plan(live, file_hooks, prune=prune)
    return result, H.diff(live, result.hooks), file_hooks


def _show(actx: AppContext, result: Any, changes: list[Any], *, as_json: bool) -> None:
    from hookctl import hooks as H

    if as_json:
        actx.console.json(
            {
                "changes": [c.as_json() for c in changes],
                "unmanaged": [h.get("id") for h in result.unmanaged],
                "in_sync": not changes,
            }
        )
        return
    for line in H.render_diff(changes):
        actx.console.line(line)
    for hook in result.unmanaged:
        actx.console.say(
            f"unmanaged: {hook.get('hook_type')} hook {hook.get('id')} ({H.target(hook)}) is not "
            "in the file and is kept (--prune removes it)"
        )
    if not changes:
        actx.console.say("in sync: the live hooks match the file")


def diff(
    ctx: typer.Context,
    path: FileArg,
    prune: Prune = False,
    allow_inline_secrets: Inline = False,
    as_json: O.Json = False,
) -> None:
    """Show what `hooks apply` would change: + added, ~ changed (field by field), - removed.

    Example: hookctl hooks diff stream-hooks.toml
    """
    actx = app_context(ctx)
    result, changes, _ = _plan(actx, path, prune=prune, inline=allow_inline_secrets)
    _show(actx, result, changes, as_json=as_json)


def apply(
    ctx: typer.Context,
    path: FileArg,
    prune: Prune = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="CI drift gate: exit 0 in sync, 1 drift, 2 invalid file."),
    ] = False,
    allow_inline_secrets: Inline = False,
    yes: O.Yes = False,
    dry_run: O.DryRun = False,
    as_json: O.Json = False,
) -> None:
    """Make the live hooks match the file, in one safe write (idempotent).

    Example: hookctl hooks apply stream-hooks.toml --prune --yes
    """
    from hookctl import hooks as H
    from hookctl.hookfile import plan

    actx = app_context(ctx)
    result, changes, file_hooks = _plan(actx, path, prune=prune, inline=allow_inline_secrets)
    if check or dry_run or not changes:
        _show(actx, result, changes, as_json=as_json)
        raise typer.Exit(1 if check and changes else 0)
    if result.pruned:
        ids = ", ".join(str(h.get("id")) for h in result.pruned)
        actx.console.require_confirmation(
            f"Remove {len(result.pruned)} hook(s) not in the file ({ids})?", yes=yes
        )
    edit = H.Edit(
        f"apply {path.name}",
        lambda live: plan(live, file_hooks, prune=prune).hooks,
    )
    write = actx.writer().write(edit)
    _show(actx, result, changes, as_json=as_json)
    snapshot = f" (previous array saved as snapshot {write.snapshot.id})" if write.snapshot else ""
    actx.console.success(f"applied {path}: {len(write.changes)} change(s){snapshot}")
