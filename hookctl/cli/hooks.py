"""``hookctl hooks …``: list, show, add, update, enable, disable, remove, history, restore."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hookctl.cli import options as O
from hookctl.cli.common import event_types, read_secret, render_write
from hookctl.cli.context import AppContext, app_context
from hookctl.errors import UsageError

app = typer.Typer(
    help="List, add, change and remove event hooks (never losing one).", no_args_is_help=True
)
add_app = typer.Typer(
    help="Add a hook: webhook, sqs, sns or pending-message.", no_args_is_help=True
)
app.add_typer(add_app, name="add")

Events = Annotated[
    list[str] | None,
    typer.Option(
        "--events",
        "-e",
        metavar="TYPES",
        help="Event types, comma-separated or repeated (e.g. message.new,message.updated).",
    ),
]
AllEvents = Annotated[
    bool,
    typer.Option(
        "--all-events",
        help="Receive every event type, including types Stream adds later (default).",
    ),
]
Product = Annotated[
    str | None,
    typer.Option("--product", help="The hook's product: chat, video, moderation, feeds or all."),
]
Disabled = Annotated[bool, typer.Option("--disabled", help="Create the hook disabled.")]
Auth = Annotated[str, typer.Option("--auth", help="AWS auth type: keys, role or resource.")]
Key = Annotated[str | None, typer.Option("--key", help="AWS access key id (with --auth keys).")]
RoleArn = Annotated[str | None, typer.Option("--role-arn", help="IAM role ARN (with --auth role).")]
Region = Annotated[str | None, typer.Option("--region", help="AWS region, e.g. us-east-1.")]

CALLBACK_MODES = {
    "none": "CALLBACK_MODE_NONE",
    "rest": "CALLBACK_MODE_REST",
    "twirp": "CALLBACK_MODE_TWIRP",
}


def _aws_fields(
    ctx: AppContext,
    prefix: str,
    auth: str,
    key: str | None,
    secret_env: str | None,
    secret_stdin: bool,
    role_arn: str | None,
    region: str | None,
) -> dict[str, Any]:
    if auth not in ("keys", "role", "resource"):
        raise UsageError(
            f"--auth {auth!r} is not one of keys, role, resource",
            "keys needs --key and a secret; role needs --role-arn",
        )
    fields: dict[str, Any] = {f"{prefix}_auth_type": auth}
    if auth == "keys":
        if not key:
            raise UsageError(
                "--auth keys needs --key (the AWS access key id)",
                "add --key AKIA... and --secret-env VAR",
            )
        fields[f"{prefix}_key"] = key
        fields[f"{prefix}_secret"] = read_secret(
            ctx,
            env_var=secret_env,
            from_stdin=secret_stdin,
            label=f"{prefix.upper()} secret access key",
        )
    elif key or secret_env or secret_stdin:
        raise UsageError(
            f"--key and a secret only apply with --auth keys (got --auth {auth})",
            "drop them, or use --auth keys",
        )
    if auth == "role":
        if not role_arn:
            raise UsageError(
                "--auth role needs --role-arn", "add --role-arn arn:aws:iam::ACCOUNT:role/NAME"
            )
        fields[f"{prefix}_role_arn"] = role_arn
    elif role_arn:
        raise UsageError(
            f"--role-arn only applies with --auth role (got --auth {auth})",
            "drop --role-arn, or use --auth role",
        )
    if region:
        fields[f"{prefix}_region"] = region
    return fields


def _add(ctx: typer.Context, hook: dict[str, Any], *, as_json: bool, dry_run: bool) -> None:
    from hookctl import hooks as H
    from hookctl.models import validate_hook

    actx = app_context(ctx)
    validate_hook(hook)  # before any request
    result = actx.writer().write(H.add_edit(hook), dry_run=dry_run)
    new_id = result.new_ids[0] if result.new_ids else ""
    render_write(
        actx,
        result,
        as_json=as_json,
        done=f"added {hook['hook_type'].replace('_', '-')} hook {new_id}",
    )
    if result.written and not as_json:
        actx.console.line(new_id)


@add_app.command("webhook")
def add_webhook(
    ctx: typer.Context,
    url: Annotated[
        str,
        typer.Option(
            "--url",
            help="Where Stream POSTs events; may use {{.AppID}} / {{.EventType}} templates.",
        ),
    ],
    events: Events = None,
    all_events: AllEvents = False,
    allow_unknown: O.AllowUnknown = False,
    product: Product = None,
    disabled: Disabled = False,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Add a webhook hook.

    Example: hookctl hooks add webhook --url https://example.com/stream --events message.new
    """
    actx = app_context(ctx)
    hook = {
        "hook_type": "webhook",
        "enabled": not disabled,
        "webhook_url": url,
        "event_types": event_types(
            actx, events, all_events=all_events, allow_unknown=allow_unknown
        ),
        "product": product,
    }
    _add(ctx, hook, as_json=as_json, dry_run=dry_run)


@add_app.command("sqs")
def add_sqs(
    ctx: typer.Context,
    queue_url: Annotated[str, typer.Option("--queue-url", help="The SQS queue URL.")],
    auth: Auth = "keys",
    key: Key = None,
    secret_env: O.SecretEnv = None,
    secret_stdin: O.SecretStdin = False,
    role_arn: RoleArn = None,
    region: Region = None,
    events: Events = None,
    all_events: AllEvents = False,
    allow_unknown: O.AllowUnknown = False,
    product: Product = None,
    disabled: Disabled = False,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Add an SQS hook.

    Example: hookctl hooks add sqs --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/q --auth keys --key AKIA... --secret-env SQS_SECRET
    """
    actx = app_context(ctx)
    hook = {
        "hook_type": "sqs",
        "enabled": not disabled,
        "sqs_queue_url": queue_url,
        **_aws_fields(actx, "sqs", auth, key, secret_env, secret_stdin, role_arn, region),
        "event_types": event_types(
            actx, events, all_events=all_events, allow_unknown=allow_unknown
        ),
        "product": product,
    }
    _add(ctx, hook, as_json=as_json, dry_run=dry_run)


@add_app.command("sns")
def add_sns(
    ctx: typer.Context,
    topic_arn: Annotated[str, typer.Option("--topic-arn", help="The SNS topic ARN.")],
    auth: Auth = "keys",
    key: Key = None,
    secret_env: O.SecretEnv = None,
    secret_stdin: O.SecretStdin = False,
    role_arn: RoleArn = None,
    region: Region = None,
    events: Events = None,
    all_events: AllEvents = False,
    allow_unknown: O.AllowUnknown = False,
    product: Product = None,
    disabled: Disabled = False,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Add an SNS hook.

    Example: hookctl hooks add sns --topic-arn arn:aws:sns:us-east-1:123456789012:events --auth role --role-arn arn:aws:iam::123456789012:role/stream
    """
    actx = app_context(ctx)
    hook = {
        "hook_type": "sns",
        "enabled": not disabled,
        "sns_topic_arn": topic_arn,
        **_aws_fields(actx, "sns", auth, key, secret_env, secret_stdin, role_arn, region),
        "event_types": event_types(
            actx, events, all_events=all_events, allow_unknown=allow_unknown
        ),
        "product": product,
    }
    _add(ctx, hook, as_json=as_json, dry_run=dry_run)


def _callback(mode: str | None) -> dict[str, str] | None:
    if mode is None:
        return None
    value = CALLBACK_MODES.get(mode.lower()) or (mode if mode in CALLBACK_MODES.values() else None)
    if value is None:
        raise UsageError(
            f"--callback-mode {mode!r} is not one of none, rest, twirp",
            "rest and twirp need --url; none needs no URL",
        )
    return {"mode": value}


@add_app.command("pending-message")
def add_pending_message(
    ctx: typer.Context,
    timeout_ms: Annotated[
        int,
        typer.Option(
            "--timeout-ms", help="How long Stream waits for your decision, in milliseconds (> 0)."
        ),
    ],
    url: Annotated[
        str | None,
        typer.Option("--url", help="Your endpoint (not needed with --callback-mode none)."),
    ] = None,
    callback_mode: Annotated[
        str, typer.Option("--callback-mode", help="none, rest or twirp.")
    ] = "rest",
    events: Events = None,
    all_events: AllEvents = False,
    allow_unknown: O.AllowUnknown = False,
    product: Product = None,
    disabled: Disabled = False,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Add a pending-message hook (at most two per app).

    Example: hookctl hooks add pending-message --url https://example.com/pending --timeout-ms 500 --callback-mode rest
    """
    actx = app_context(ctx)
    hook = {
        "hook_type": "pending_message",
        "enabled": not disabled,
        "webhook_url": url,
        "timeout_ms": timeout_ms,
        "callback": _callback(callback_mode),
        "event_types": event_types(
            actx, events, all_events=all_events, allow_unknown=allow_unknown
        ),
        "product": product,
    }
    _add(ctx, hook, as_json=as_json, dry_run=dry_run)


# ---------------------------------------------------------------- read


@app.command("list")
def list_hooks(
    ctx: typer.Context,
    hook_type: Annotated[
        str | None, typer.Option("--type", help="Only hooks of this type.")
    ] = None,
    as_json: O.Json = False,
    jsonl: O.Jsonl = False,
    show_secrets: O.ShowSecrets = False,
) -> None:
    """List the app's hooks: id, type, enabled, target, event filter, failover.

    Example: hookctl hooks list --json | jq '.[].id'
    """
    from hookctl import hooks as H

    actx = app_context(ctx)
    hooks = actx.client().get_hooks()
    if hook_type:
        wanted = hook_type.replace("-", "_")
        hooks = [h for h in hooks if h.get("hook_type") == wanted]
    shown = [h if show_secrets else H.mask_hook(h) for h in hooks]
    if jsonl:
        for hook in shown:
            actx.console.jsonl(hook)
        return
    if as_json:
        actx.console.json(shown)
        return
    actx.console.table(H.LIST_COLUMNS, [H.list_row(h) for h in hooks])
    if not hooks:
        actx.console.say("no hooks yet: add one with `hookctl hooks add webhook --url URL`")


@app.command("show")
def show(
    ctx: typer.Context,
    hook_id: O.HookId,
    as_json: O.Json = False,
    show_secrets: O.ShowSecrets = False,
) -> None:
    """Show every field of one hook (secrets masked).

    Example: hookctl hooks show 3f2a --json
    """
    from hookctl import hooks as H

    actx = app_context(ctx)
    hook = actx.live_hook(hook_id)
    shown = hook if show_secrets else H.mask_hook(hook)
    if as_json:
        actx.console.json(shown)
        return
    pairs: list[tuple[str, Any]] = [("events", H.filter_text(hook, limit=1000))]
    for key, value in shown.items():
        if key == "event_types":
            continue
        if isinstance(value, (dict, list)):
            import json

            value = json.dumps(value, sort_keys=True)
        pairs.append((key, value))
    actx.console.fields(pairs)


# ---------------------------------------------------------------- update


_TYPE_FIELDS = {
    "url": ("webhook", "pending_message"),
    "queue_url": ("sqs",),
    "topic_arn": ("sns",),
    "timeout_ms": ("pending_message",),
    "callback_mode": ("pending_message",),
    "auth": ("sqs", "sns"),
}


@app.command("update")
def update(
    ctx: typer.Context,
    hook_id: O.HookId,
    url: Annotated[str | None, typer.Option("--url", help="New webhook URL.")] = None,
    events: Events = None,
    all_events: Annotated[
        bool, typer.Option("--all-events", help="Receive every event type, including future ones.")
    ] = False,
    allow_unknown: O.AllowUnknown = False,
    product: Product = None,
    enable: Annotated[
        bool | None, typer.Option("--enable/--disable", help="Turn the hook on or off.")
    ] = None,
    timeout_ms: Annotated[
        int | None, typer.Option("--timeout-ms", help="Pending-message timeout.")
    ] = None,
    callback_mode: Annotated[
        str | None, typer.Option("--callback-mode", help="none, rest or twirp.")
    ] = None,
    queue_url: Annotated[str | None, typer.Option("--queue-url", help="New SQS queue URL.")] = None,
    topic_arn: Annotated[str | None, typer.Option("--topic-arn", help="New SNS topic ARN.")] = None,
    auth: Annotated[str | None, typer.Option("--auth", help="keys, role or resource.")] = None,
    key: Key = None,
    secret_env: O.SecretEnv = None,
    secret_stdin: O.SecretStdin = False,
    role_arn: RoleArn = None,
    region: Region = None,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Change fields of one hook; every other hook is carried through unchanged.

    Example: hookctl hooks update 3f2a --events message.new,reaction.new
    """
    from hookctl import hooks as H

    actx = app_context(ctx)
    given = {
        "url": url,
        "queue_url": queue_url,
        "topic_arn": topic_arn,
        "timeout_ms": timeout_ms,
        "callback_mode": callback_mode,
        "auth": auth,
    }
    new_types = (
        event_types(actx, events, all_events=all_events, allow_unknown=allow_unknown)
        if (events or all_events)
        else None
    )
    secret = None
    if secret_env or secret_stdin:
        secret = read_secret(actx, env_var=secret_env, from_stdin=secret_stdin, label="secret")

    def change(hook: dict[str, Any]) -> dict[str, Any]:
        kind = str(hook.get("hook_type"))
        for flag, value in given.items():
            if value is not None and kind not in _TYPE_FIELDS[flag]:
                raise UsageError(
                    f"--{flag.replace('_', '-')} does not apply to a {kind.replace('_', '-')} hook",
                    "nothing was written",
                )
        prefix = kind if kind in ("sqs", "sns") else None
        if (key or secret or role_arn or region) and prefix is None:
            raise UsageError(
                f"AWS options do not apply to a {kind.replace('_', '-')} hook",
                "nothing was written",
            )
        if url is not None:
            hook["webhook_url"] = url
        if queue_url is not None:
            hook["sqs_queue_url"] = queue_url
        if topic_arn is not None:
            hook["sns_topic_arn"] = topic_arn
        if timeout_ms is not None:
            hook["timeout_ms"] = timeout_ms
        if callback_mode is not None:
            hook["callback"] = {**(hook.get("callback") or {}), **(_callback(callback_mode) or {})}
        if new_types is not None:
            hook["event_types"] = new_types
        if product is not None:
            hook["product"] = product
        if enable is not None:
            hook["enabled"] = enable
        if prefix:
            if auth is not None:
                hook[f"{prefix}_auth_type"] = auth
                if auth != "keys":
                    hook.pop(f"{prefix}_key", None)
                    hook.pop(f"{prefix}_secret", None)
                if auth != "role":
                    hook.pop(f"{prefix}_role_arn", None)
            for name, value in (
                ("key", key),
                ("secret", secret),
                ("role_arn", role_arn),
                ("region", region),
            ):
                if value is not None:
                    hook[f"{prefix}_{name}"] = value
        return hook

    if (
        not any(v is not None for v in given.values())
        and new_types is None
        and not any(v is not None for v in (product, enable, key, secret, role_arn, region))
    ):
        raise UsageError("nothing to update", "pass at least one field, e.g. --url or --events")
    result = actx.writer().write(
        H.transform_edit(hook_id, change, f"update hook {hook_id}"), dry_run=dry_run
    )
    render_write(actx, result, as_json=as_json, done=f"updated hook {hook_id}")


def _set_enabled(
    ctx: typer.Context, hook_id: str, enabled: bool, *, yes: bool, dry_run: bool, as_json: bool
) -> None:
    from hookctl import hooks as H

    actx = app_context(ctx)
    if not enabled and not dry_run:
        hook = actx.live_hook(hook_id)
        actx.console.require_confirmation(
            f"Disable {hook.get('hook_type')} hook {hook.get('id')} ({H.target(hook)})? "
            "Events for it will not be delivered.",
            yes=yes,
        )
    verb = "enabled" if enabled else "disabled"
    edit = H.update_edit(hook_id, {"enabled": enabled}, summary=f"{verb[:-1]} hook {hook_id}")
    result = actx.writer().write(edit, dry_run=dry_run)
    render_write(actx, result, as_json=as_json, done=f"{verb} hook {hook_id}")


@app.command("enable")
def enable_hook(
    ctx: typer.Context, hook_id: O.HookId, as_json: O.Json = False, dry_run: O.DryRun = False
) -> None:
    """Enable a hook.

    Example: hookctl hooks enable 3f2a
    """
    _set_enabled(ctx, hook_id, True, yes=True, dry_run=dry_run, as_json=as_json)


@app.command("disable")
def disable_hook(
    ctx: typer.Context,
    hook_id: O.HookId,
    yes: O.Yes = False,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Disable a hook (asks first; --yes in scripts).

    Example: hookctl hooks disable 3f2a --yes
    """
    _set_enabled(ctx, hook_id, False, yes=yes, dry_run=dry_run, as_json=as_json)


@app.command("remove")
def remove(
    ctx: typer.Context,
    hook_id: O.HookId,
    yes: O.Yes = False,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Remove one hook; every other hook is kept (asks first; --yes in scripts).

    Example: hookctl hooks remove 3f2a --yes
    """
    from hookctl import hooks as H

    actx = app_context(ctx)
    if not dry_run:
        hook = actx.live_hook(hook_id)
        actx.console.require_confirmation(
            f"Remove {hook.get('hook_type')} hook {hook.get('id')} ({H.target(hook)})?", yes=yes
        )
    result = actx.writer().write(H.remove_edit(hook_id), dry_run=dry_run)
    render_write(actx, result, as_json=as_json, done=f"removed hook {hook_id}")


# ---------------------------------------------------------------- history


@app.command("history")
def history(ctx: typer.Context, as_json: O.Json = False) -> None:
    """List the local snapshots taken before each write (newest first).

    Example: hookctl hooks history
    """
    from hookctl.history import History
    from hookctl.settings import data_dir, require_credentials

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


@app.command("restore")
def restore(
    ctx: typer.Context,
    snapshot: Annotated[
        str, typer.Argument(help="Snapshot id from `hooks history` (or a prefix, or 'latest').")
    ],
    yes: O.Yes = False,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Put a snapshot's hooks back exactly (through the same safe write).

    Example: hookctl hooks restore 20261123-101500-123456 --dry-run
    """
    from hookctl import hooks as H

    actx = app_context(ctx)
    writer = actx.writer()
    snap = writer.history.load(snapshot)
    if not dry_run:
        changes = H.diff(actx.client().get_hooks(), snap.hooks)
        removes = sum(1 for c in changes if c.op == "remove")
        if changes:
            actx.console.require_confirmation(
                f"Restore snapshot {snap.id} ({len(snap.hooks)} hooks; {len(changes)} change(s), "
                f"{removes} removal(s))?",
                yes=yes,
            )
    result = writer.write(H.replace_all_edit(snap.hooks, f"restore {snap.id}"), dry_run=dry_run)
    render_write(actx, result, as_json=as_json, done=f"restored snapshot {snap.id}")
