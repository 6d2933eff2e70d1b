"""``hookctl hooks test``: a signed sample to a webhook; check_sqs/check_sns for AWS hooks."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.context import app_context
from hookctl.cli.deliver import (
    AttemptTimeout,
    Deadline,
    MaxAttempts,
    Sets,
    build_payload,
    credentials,
    policy,
    render_result,
)
from hookctl.errors import UsageError


def test_hook(
    ctx: typer.Context,
    hook_id: O.HookId,
    event: Annotated[
        str | None, typer.Option("--event", help="Event type to send (default: the hook's first).")
    ] = None,
    sets: Sets = None,
    max_attempts: MaxAttempts = None,
    attempt_timeout: AttemptTimeout = 6.0,
    deadline: Deadline = 15.0,
    as_json: O.Json = False,
) -> None:
    """Test a hook: a signed sample event to a webhook's URL; check_sqs/check_sns for AWS hooks.

    Example: hookctl hooks test 3f2a
    """
    from hookctl import hooks as H
    from hookctl.delivery import Delivery, deliver_sync
    from hookctl.events import one_event_type
    from hookctl.samples import fill_template

    actx = app_context(ctx)
    client = actx.client()
    app = client.get_app()
    hook = H.get(app.get("event_hooks") or [], hook_id)
    kind = hook.get("hook_type")
    if kind in ("sqs", "sns"):
        if kind == "sqs":
            answer = client.check_sqs(
                hook.get("sqs_key", ""), hook.get("sqs_secret", ""), hook.get("sqs_queue_url", "")
            )
        else:
            answer = client.check_sns(
                hook.get("sns_key", ""), hook.get("sns_secret", ""), hook.get("sns_topic_arn", "")
            )
        ok = answer.get("status") == "ok"
        if as_json:
            actx.console.json(
                {
                    "hook_id": hook.get("id"),
                    "hook_type": kind,
                    "ok": ok,
                    "status": answer.get("status"),
                    "error": answer.get("error"),
                }
            )
        elif ok:
            actx.console.success(f"check_{kind}: ok")
        else:
            actx.console.error(f"check_{kind}: {answer.get('error') or answer.get('status')}")
        raise typer.Exit(0 if ok else 1)
    if not hook.get("webhook_url"):
        raise UsageError(f"hook {hook.get('id')} has no webhook_url to test", "nothing to send")
    types = hook.get("event_types") or []
    event_type = (
        one_event_type(event)
        if event
        else (
            types[0]
            if types
            else ("message.pending" if kind == "pending_message" else "message.new")
        )
    )
    url = fill_template(
        str(hook["webhook_url"]),
        app_id=str(app.get("id", app.get("name", "app"))),
        event_type=event_type,
    )
    key, secret = credentials(actx)
    [result] = deliver_sync(
        key,
        secret,
        [Delivery(url, build_payload(event_type, sets, None), event_type)],
        policy=policy(max_attempts, attempt_timeout, deadline),
    )
    render_result(actx, result, as_json=as_json)
    raise typer.Exit(0 if result.ok else 1)
