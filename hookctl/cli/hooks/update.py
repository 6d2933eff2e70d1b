"""``hookctl hooks update``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hookctl.cli import options as O
from hookctl.cli.common import event_types, read_secret, render_write
from hookctl.cli.context import app_context
from hookctl.cli.hooks.add import _callback
from hookctl.cli.hooks.flags import Events, Key, Product, Region, RoleArn
from hookctl.errors import UsageError

_TYPE_FIELDS = {
    "url": ("webhook", "pending_message"),
    "queue_url": ("sqs",),
    "topic_arn": ("sns",),
    "timeout_ms": ("pending_message",),
    "callback_mode": ("pending_message",),
    "auth": ("sqs", "sns"),
}


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
