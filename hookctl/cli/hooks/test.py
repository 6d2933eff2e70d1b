"""``hookctl hooks test``: a signed sample to a webhook; check_sqs/check_sns for AWS hooks."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.base.errors import ExitStatus, UsageError
from hookctl.cli import options as O
from hookctl.cli.context import app_context
from hookctl.cli.deliver import Sets, credentials, render_result
from hookctl.config.envvars import require_env


@O.grouped
def test_hook(
    ctx: typer.Context,
    hook_id: O.HookId,
    event: Annotated[
        str | None,
        typer.Option(
            "--event",
            help="Event type to send (default: the hook's first).",
            autocompletion=O.event_types,
        ),
    ] = None,
    sets: Sets = None,
    *,
    retries: O.Retries,
    key: Annotated[
        str | None,
        typer.Option(
            "--key", help="SQS/SNS: an access key id for Stream's check (role/resource hooks)."
        ),
    ] = None,
    secret_env: O.SecretEnv = None,
    as_json: O.Json = False,
) -> None:
    """Test a hook: a signed sample event to a webhook's URL; check_sqs/check_sns for AWS hooks.

    Example: hookctl hooks test 3f2a
    """
    from hookctl.hooks import array as H
    from hookctl.webhooks import pinging as P
    from hookctl.webhooks.delivery import deliver_sync

    actx = app_context(ctx)
    client = actx.client()
    app = client.get_app()
    hook = H.get(app.get("event_hooks") or [], hook_id)
    if P.is_aws(hook):
        if bool(key) != bool(secret_env):
            raise UsageError("--key and --secret-env go together", "pass both, or neither")
        secret = require_env(secret_env) if secret_env else None
        check = P.check_aws(client, hook, key=key, secret=secret)
        if as_json:
            actx.console.json(check.as_json())
        elif check.ok:
            said = f" ({check.note})" if check.note else ""
            actx.console.success(f"check_{check.hook_type} with {check.with_key} key: ok{said}")
        elif check.ok is None:
            actx.console.say(str(check.note))
        else:
            actx.console.error(
                f"check_{check.hook_type} with {check.with_key} key: {check.error or check.status}",
                "Stream could not use the key on that target: check the key's permissions "
                f"and the {'queue URL' if check.hook_type == 'sqs' else 'topic ARN'}, or lend "
                "another key with --key/--secret-env",
            )
        raise typer.Exit(ExitStatus.of(check.ok is not False))
    delivery = P.sample_delivery(app, hook, event=event, overrides=sets)
    key, secret = credentials(actx)
    [result] = deliver_sync(key, secret, [delivery], policy=retries.policy())
    render_result(actx, result, as_json=as_json)
    raise typer.Exit(ExitStatus.of(result.ok))
