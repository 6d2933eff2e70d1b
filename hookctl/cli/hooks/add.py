"""``hookctl hooks add webhook|sqs|sns|pending-message``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hookctl.cli import options as O
from hookctl.cli.common import event_types, read_secret, render_write
from hookctl.cli.context import AppContext, app_context
from hookctl.cli.hooks.flags import AllEvents, Auth, Disabled, Events, Key, Product, Region, RoleArn
from hookctl.errors import UsageError

app = typer.Typer(help="Add a hook: webhook, sqs, sns or pending-message.", no_args_is_help=True)

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


@app.command("webhook")
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


@app.command("sqs")
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


@app.command("sns")
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


@app.command("pending-message")
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
