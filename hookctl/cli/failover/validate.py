"""``hookctl failover validate``: check a key and a bucket before Stream (or replay) needs them."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.base.errors import ExitStatus, UsageError
from hookctl.cli import options as O
from hookctl.cli.context import app_context
from hookctl.cli.failover.common import endpoint, read_key, render_probe
from hookctl.cli.failover.options import Bucket, Credentials, CredentialsEnv, Endpoint, PathOpt


def validate(
    ctx: typer.Context,
    bucket: Bucket,
    path: PathOpt = None,
    credentials: Credentials = None,
    credentials_env: CredentialsEnv = None,
    purpose: Annotated[
        str,
        typer.Option("--for", help="stream (create+get, what Stream needs) or replay (list+get)."),
    ] = "stream",
    gcs_endpoint: Endpoint = None,
    as_json: O.Json = False,
) -> None:
    """Check a key and bucket: offline key checks, then a real probe (exit 1 if a permission is missing).

    Example: hookctl failover validate --bucket my-failover --credentials key.json
    """
    from hookctl.failover.keys import check_bucket, normalise_path
    from hookctl.failover.probe import probe

    actx = app_context(ctx)
    if purpose not in ("stream", "replay"):
        raise UsageError(f"--for {purpose!r} is not stream or replay", "pick one")
    check_bucket(bucket)
    prefix = normalise_path(path)
    key = read_key(actx, credentials, credentials_env)
    report = probe(
        bucket, prefix, key, purpose=purpose, endpoint=endpoint(gcs_endpoint), timeout=actx.timeout
    )
    render_probe(actx, report, as_json=as_json)
    if report.ok:
        actx.console.success(f"{key.client_email} has what {purpose} needs on gs://{bucket}")
    raise typer.Exit(ExitStatus.of(report.ok))
