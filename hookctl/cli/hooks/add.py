"""``hookctl hooks add webhook|sqs|sns|pending-message``.

The four verbs differ only in the flags that name the hook's target; each fills
a target dict and hands it, with the options every hook has, to ``_add``. SQS and
SNS differ only in one flag, so one factory makes both.

No ``from __future__ import annotations`` here: the factory's option names are
closure values, so its annotations must be evaluated when the function is made.
"""

import inspect
from collections.abc import Callable
from typing import Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.common import event_types, read_secret, render_write
from hookctl.cli.context import app_context
from hookctl.cli.hooks.flags import Auth, AwsKeys, CallbackServerUrl, NewHook, SnsEventGroupId
from hookctl.cli.options import grouped
from hookctl.hooks.array import TIMEOUT_MS_MAX, Hook

app = typer.Typer(help="Add a hook: webhook, sqs, sns or pending-message.", no_args_is_help=True)


def _add(
    ctx: typer.Context,
    kind: str,
    target: Hook,
    new: NewHook,
    *,
    as_json: bool,
    dry_run: bool,
) -> None:
    """The one implementation of every ``hooks add`` verb."""
    from hookctl.hooks import array as H
    from hookctl.hooks.edits import new_hook
    from hookctl.stream.models import validate_hook

    actx = app_context(ctx)
    types = event_types(
        actx, new.events, all_events=new.all_events, allow_unknown=new.allow_unknown
    )
    hook = new_hook(kind, target, enabled=not new.disabled, event_types=types, product=new.product)
    validate_hook(hook)  # before any request
    result = actx.writer().write(H.add_edit(hook), dry_run=dry_run)
    new_id = result.new_ids[0] if result.new_ids else ""
    done = f"added {kind.replace('_', '-')} hook {new_id}"
    render_write(actx, result, as_json=as_json, done=done)
    if result.written and not as_json:
        actx.console.line(new_id)


@app.command("webhook")
@grouped
def add_webhook(
    ctx: typer.Context,
    url: Annotated[
        str,
        typer.Option(
            "--url",
            help="Where Stream POSTs events; may use {{.AppID}} / {{.EventType}} templates.",
        ),
    ],
    new: NewHook,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Add a webhook hook.

    Example: hookctl hooks add webhook --url https://example.com/stream --events message.new
    """
    from hookctl.hooks.edits import extra_fields

    target = {"webhook_url": url, **extra_fields(custom_events=new.custom_events)}
    _add(ctx, "webhook", target, new, as_json=as_json, dry_run=dry_run)


def _aws_command(kind: str, flag: str, what: str, example: str) -> Callable[..., None]:
    """``hooks add sqs`` or ``hooks add sns``: the target flag, the AWS auth flags, the rest."""

    field = f"{kind}_{flag.removeprefix('--').replace('-', '_')}"  # sqs_queue_url, sns_topic_arn

    def command(
        ctx: typer.Context,
        target: Annotated[str, typer.Option(flag, help=f"The {what}.")],
        auth: Auth = "keys",
        *,
        aws: AwsKeys,
        new: NewHook,
        sns_event_group_id: SnsEventGroupId = None,
        as_json: O.Json = False,
        dry_run: O.DryRun = False,
    ) -> None:
        from hookctl.hooks.edits import aws_fields, check_aws_auth, extra_fields

        actx = app_context(ctx)
        check_aws_auth(auth, key=aws.key, secret_given=aws.secret_given(), role_arn=aws.role_arn)
        secret = None
        if auth == "keys":
            secret = read_secret(
                actx,
                env_var=aws.secret_env,
                from_stdin=aws.secret_stdin,
                label=f"{kind.upper()} secret access key",
            )
        fields = aws_fields(
            kind, auth, key=aws.key, secret=secret, role_arn=aws.role_arn, region=aws.region
        )
        extras = extra_fields(
            custom_events=new.custom_events, sns_event_group_id=sns_event_group_id
        )
        _add(ctx, kind, {field: target, **fields, **extras}, new, as_json=as_json, dry_run=dry_run)

    if kind != "sns":  # SQS has no message groups: offer the flag only where it applies
        signature = inspect.signature(command)
        shown = [p for p in signature.parameters.values() if p.name != "sns_event_group_id"]
        command.__signature__ = signature.replace(parameters=shown)  # type: ignore[attr-defined]
    command.__name__ = f"add_{kind}"
    command.__doc__ = f"""Add an {kind.upper()} hook.

    Example: {example}
    """
    return grouped(command)


add_sqs = app.command("sqs")(
    _aws_command(
        "sqs",
        "--queue-url",
        "SQS queue URL",
        "hookctl hooks add sqs --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/q --auth keys --key AKIA... --secret-env SQS_SECRET",
    )
)
add_sns = app.command("sns")(
    _aws_command(
        "sns",
        "--topic-arn",
        "SNS topic ARN",
        "hookctl hooks add sns --topic-arn arn:aws:sns:us-east-1:123456789012:events --auth role --role-arn arn:aws:iam::123456789012:role/stream",
    )
)


@app.command("pending-message")
@grouped
def add_pending_message(
    ctx: typer.Context,
    timeout_ms: Annotated[
        int,
        typer.Option(
            "--timeout-ms",
            min=1,
            max=TIMEOUT_MS_MAX,
            help="How long Stream waits for your decision, in milliseconds (> 0).",
        ),
    ],
    url: Annotated[
        str | None,
        typer.Option("--url", help="Your endpoint (not needed with --callback-mode none)."),
    ] = None,
    callback_mode: Annotated[
        str, typer.Option("--callback-mode", help="none, rest or twirp.")
    ] = "rest",
    *,
    new: NewHook,
    callback_server_url: CallbackServerUrl = None,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Add a pending-message hook (at most two per app).

    Example: hookctl hooks add pending-message --url https://example.com/pending --timeout-ms 500 --callback-mode rest
    """
    from hookctl.hooks.edits import callback, extra_fields

    extras = extra_fields(custom_events=new.custom_events, callback_server_url=callback_server_url)
    mode = callback(callback_mode)
    target = {
        "webhook_url": url,
        "timeout_ms": timeout_ms,
        **extras,
        "callback": {**(mode or {}), **extras.get("callback", {})} or None,
    }
    _add(ctx, "pending_message", target, new, as_json=as_json, dry_run=dry_run)
