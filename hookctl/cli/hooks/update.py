"""``hookctl hooks update``."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.base.errors import UsageError
from hookctl.cli import options as O
from hookctl.cli.common import event_types, read_secret, write_edit
from hookctl.cli.context import app_context
from hookctl.cli.hooks.flags import (
    AwsKeys,
    CallbackServerUrl,
    CustomEvents,
    Events,
    Product,
    SnsEventGroupId,
)
from hookctl.cli.options import grouped
from hookctl.hooks.array import TIMEOUT_MS_MAX


@grouped
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
        int | None,
        typer.Option("--timeout-ms", min=1, max=TIMEOUT_MS_MAX, help="Pending-message timeout."),
    ] = None,
    callback_mode: Annotated[
        str | None, typer.Option("--callback-mode", help="none, rest or twirp.")
    ] = None,
    queue_url: Annotated[str | None, typer.Option("--queue-url", help="New SQS queue URL.")] = None,
    topic_arn: Annotated[str | None, typer.Option("--topic-arn", help="New SNS topic ARN.")] = None,
    auth: Annotated[str | None, typer.Option("--auth", help="keys, role or resource.")] = None,
    *,
    aws: AwsKeys,
    custom_events: CustomEvents = None,
    sns_event_group_id: SnsEventGroupId = None,
    callback_server_url: CallbackServerUrl = None,
    flags: O.Confirmed,
) -> None:
    """Change fields of one hook; every other hook is carried through unchanged.

    Example: hookctl hooks update 3f2a --events message.new,reaction.new
    """
    from hookctl.hooks import array as H
    from hookctl.hooks.edits import HookPatch

    actx = app_context(ctx)
    new_types = (
        event_types(actx, events, all_events=all_events, allow_unknown=allow_unknown)
        if (events or all_events)
        else None
    )
    secret = None
    if aws.secret_given():
        secret = read_secret(
            actx, env_var=aws.secret_env, from_stdin=aws.secret_stdin, label="secret"
        )
    patch = HookPatch(
        url=url,
        queue_url=queue_url,
        topic_arn=topic_arn,
        timeout_ms=timeout_ms,
        callback_mode=callback_mode,
        auth=auth,
        event_types=None if new_types is None else tuple(new_types),
        product=product,
        enabled=enable,
        key=aws.key,
        secret=secret,
        role_arn=aws.role_arn,
        region=aws.region,
        custom_events=custom_events,
        sns_event_group_id=sns_event_group_id,
        callback_server_url=callback_server_url,
    )
    if patch.is_empty():
        raise UsageError("nothing to update", "pass at least one field, e.g. --url or --events")
    live = actx.client().get_hooks()
    hook_id = str(H.get(live, hook_id).get("id"))  # a prefix is resolved once, here
    write_edit(  # asks when the patch disables, redirects or narrows it (the one rule)
        actx,
        H.transform_edit(hook_id, patch.apply, f"update hook {hook_id}"),
        flags,
        done=f"updated hook {hook_id}",
        live=live,
    )
