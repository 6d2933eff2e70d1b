"""``hookctl failover set``: attach a GCS bucket to a webhook hook, after checking the key."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.base.errors import ExitStatus
from hookctl.cli import options as O
from hookctl.cli.common import write_edit
from hookctl.cli.context import app_context
from hookctl.cli.failover.common import endpoint, read_key, render_probe
from hookctl.cli.failover.options import Bucket, Credentials, CredentialsEnv, Endpoint, PathOpt


def set_failover(
    ctx: typer.Context,
    hook_id: O.HookId,
    bucket: Bucket,
    path: PathOpt = None,
    credentials: Credentials = None,
    credentials_env: CredentialsEnv = None,
    skip_probe: Annotated[
        bool, typer.Option("--skip-probe", help="Do not probe the bucket before saving.")
    ] = False,
    gcs_endpoint: Endpoint = None,
    yes: O.Yes = False,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Attach a GCS bucket to a webhook hook, after checking the key (replacing a hook's
    failover asks first; --yes in scripts).

    Example: hookctl failover set 3f2a --bucket my-failover --path stream/failed-events --credentials key.json
    """
    from hookctl.failover.hookconfig import gcs_config, require_webhook, with_failover
    from hookctl.failover.keys import check_bucket, normalise_path
    from hookctl.failover.probe import probe
    from hookctl.hooks import array as H

    actx = app_context(ctx)
    check_bucket(bucket)
    prefix = normalise_path(path)
    key = read_key(actx, credentials, credentials_env)
    hook = require_webhook(actx.live_hook(hook_id))
    current = hook.get("failover_config")
    if path is None and isinstance(current, dict) and current.get("gcs_path"):
        prefix = normalise_path(str(current["gcs_path"]))  # kept unless --path is given
        actx.console.say(f'keeping the path {prefix!r} (--path "" for the bucket root)')
    if not skip_probe and not dry_run:
        report = probe(bucket, prefix, key, endpoint=endpoint(gcs_endpoint), timeout=actx.timeout)
        if not report.ok:
            render_probe(actx, report, as_json=False)
            raise typer.Exit(ExitStatus.FAILED)
        for note in report.notes:
            actx.console.say(f"note: {note}")
    config = gcs_config(bucket, prefix, key)
    edit = H.transform_edit(
        str(hook["id"]),
        lambda h: with_failover(h, config),
        f"set failover of hook {hook['id']}",
    )
    write_edit(
        actx,
        edit,
        O.Confirmed(yes=yes, as_json=as_json, dry_run=dry_run),
        done=f"failover of hook {hook['id']} -> gs://{bucket}/{prefix} as {key.client_email}",
    )
