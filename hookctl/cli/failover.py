"""``hookctl failover …``: attach, check, show and clear a webhook hook's GCS failover."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from hookctl.cli import options as O
from hookctl.cli.common import render_write
from hookctl.cli.context import AppContext, app_context
from hookctl.errors import UsageError, require_env

app = typer.Typer(
    help="GCS failover: where Stream writes events a webhook could not take.", no_args_is_help=True
)

Bucket = Annotated[str, typer.Option("--bucket", help="The GCS bucket name (no gs://).")]
PathOpt = Annotated[
    str | None, typer.Option("--path", help="Prefix inside the bucket, e.g. stream/failed-events.")
]
Credentials = Annotated[
    str | None,
    typer.Option(
        "--credentials", metavar="FILE", help="Service-account JSON key file, or - for stdin."
    ),
]
CredentialsEnv = Annotated[
    str | None,
    typer.Option("--credentials-env", metavar="VAR", help="Env var holding the key's JSON."),
]
Endpoint = Annotated[
    str | None,
    typer.Option(
        "--gcs-endpoint",
        help="GCS API endpoint (tests, emulators). [env var: STORAGE_EMULATOR_HOST]",
    ),
]


def read_key(credentials: str | None, credentials_env: str | None) -> Any:
    from hookctl.failover.keys import check_key

    if bool(credentials) == bool(credentials_env):
        raise UsageError(
            "give the key with exactly one of --credentials FILE (or -) and --credentials-env VAR",
            "the key is never read from the command line",
        )
    if credentials_env:
        text = require_env(credentials_env, f'export {credentials_env}="$(cat key.json)"')
        return check_key(text, source=f"the key in ${credentials_env}")
    if credentials == "-":
        return check_key(sys.stdin.read(), source="the key on stdin")
    assert credentials is not None
    try:
        with open(credentials, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise UsageError(
            f"cannot read key file {credentials}: {exc.strerror}", "check the path"
        ) from None
    except UnicodeDecodeError:
        raise UsageError(f"key file {credentials} is not text", "give the JSON key file") from None
    return check_key(text, source=f"key file {credentials}")


def endpoint(flag: str | None) -> str | None:
    value = (
        flag or os.environ.get("HOOKCTL_GCS_ENDPOINT") or os.environ.get("STORAGE_EMULATOR_HOST")
    )
    if value and not value.startswith("http"):
        value = f"http://{value}"
    return value


def render_report(actx: AppContext, report: Any, *, as_json: bool) -> None:
    if as_json:
        actx.console.json(report.as_json())
    else:
        actx.console.table(
            ["permission", "status", "detail"],
            [[c.permission, c.status, c.detail] for c in report.checks],
        )
    for note in report.notes:
        actx.console.say(f"note: {note}")
    for fix in report.fixes:
        actx.console.say(f"fix: {fix}")


@app.command("validate")
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
    key = read_key(credentials, credentials_env)
    report = probe(bucket, prefix, key, purpose=purpose, endpoint=endpoint(gcs_endpoint))
    render_report(actx, report, as_json=as_json)
    if report.ok:
        actx.console.success(f"{key.client_email} has what {purpose} needs on gs://{bucket}")
    raise typer.Exit(0 if report.ok else 1)


@app.command("set")
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
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Attach a GCS bucket to a webhook hook, after checking the key.

    Example: hookctl failover set 3f2a --bucket my-failover --path stream/failed-events --credentials key.json
    """
    from hookctl import hooks as H
    from hookctl.failover.keys import check_bucket, normalise_path
    from hookctl.failover.probe import probe

    actx = app_context(ctx)
    check_bucket(bucket)
    prefix = normalise_path(path)
    key = read_key(credentials, credentials_env)
    hook = actx.live_hook(hook_id)
    require_webhook(hook)
    if not skip_probe and not dry_run:
        report = probe(bucket, prefix, key, endpoint=endpoint(gcs_endpoint))
        if not report.ok:
            render_report(actx, report, as_json=False)
            raise typer.Exit(1)
        for note in report.notes:
            actx.console.say(f"note: {note}")
    config = {"type": "gcs", "gcs_bucket": bucket, "gcs_credentials": key.text}
    if prefix:
        config["gcs_path"] = prefix
    edit = H.transform_edit(
        str(hook["id"]),
        lambda h: {**require_webhook(h), "failover_config": config},
        f"set failover of hook {hook['id']}",
    )
    result = actx.writer().write(edit, dry_run=dry_run)
    render_write(
        actx,
        result,
        as_json=as_json,
        done=f"failover of hook {hook['id']} -> gs://{bucket}/{prefix} as {key.client_email}",
    )


def require_webhook(hook: dict[str, Any]) -> dict[str, Any]:
    if hook.get("hook_type") != "webhook":
        raise UsageError(
            f"hook {hook.get('id')} is a {str(hook.get('hook_type')).replace('_', '-')} "
            "hook; Stream supports failover on webhook hooks only (SQS/SNS planned)",
            "pick a webhook hook: `hookctl hooks list --type webhook`",
        )
    return hook


@app.command("show")
def show(
    ctx: typer.Context,
    target: Annotated[
        str | None,
        typer.Argument(
            metavar="[HOOK_ID|OBJECT]",
            help="A hook (default: every hook with failover), or a failover object's name "
            "(anything with a / or ending in .json) to print its envelope.",
        ),
    ] = None,
    hook: Annotated[
        str | None, typer.Option("--hook", help="For an OBJECT: the hook whose bucket holds it.")
    ] = None,
    bucket: Annotated[
        str | None, typer.Option("--bucket", help="For an OBJECT: read this bucket directly.")
    ] = None,
    credentials: Credentials = None,
    credentials_env: CredentialsEnv = None,
    gcs_endpoint: Endpoint = None,
    as_json: O.Json = False,
    show_secrets: O.ShowSecrets = False,
) -> None:
    """Show failover settings (bucket, path, service account, key id — never the private
    key), or one failed event's envelope with its payload pretty-printed.

    Example: hookctl failover show stream/failed-events/2026/04/03/1775217600-message.new-3f2a.json
    """
    if target and ("/" in target or target.endswith(".json")):
        from hookctl.cli.replay import show_object

        show_object(
            app_context(ctx),
            target,
            hook=hook,
            bucket=bucket,
            credentials_file=credentials,
            credentials_env=credentials_env,
            gcs_endpoint=gcs_endpoint,
            as_json=as_json,
        )
        return
    hook_id = target
    from hookctl import hooks as H
    from hookctl.failover.keys import key_summary

    actx = app_context(ctx)
    hooks = actx.client().get_hooks()
    chosen = [H.get(hooks, hook_id)] if hook_id else [h for h in hooks if h.get("failover_config")]
    rows = []
    for item in chosen:
        config = item.get("failover_config") or {}
        row: dict[str, Any] = {
            "hook_id": item.get("id"),
            "enabled": bool(config),
            "bucket": config.get("gcs_bucket"),
            "path": config.get("gcs_path", ""),
            **(key_summary(config.get("gcs_credentials")) if config else {}),
        }
        if show_secrets and config:
            row["gcs_credentials"] = config.get("gcs_credentials")
        rows.append(row)
    if as_json:
        actx.console.json(rows)
        return
    actx.console.table(
        ["hook", "bucket", "path", "service account", "key id"],
        [
            [
                r["hook_id"],
                r["bucket"] or "(none)",
                r["path"],
                r.get("client_email", ""),
                r.get("private_key_id", ""),
            ]
            for r in rows
        ],
    )


@app.command("clear")
def clear(
    ctx: typer.Context,
    hook_id: O.HookId,
    yes: O.Yes = False,
    as_json: O.Json = False,
    dry_run: O.DryRun = False,
) -> None:
    """Turn failover off for a hook (the hook is written without failover_config).

    Example: hookctl failover clear 3f2a --yes
    """
    from hookctl import hooks as H

    actx = app_context(ctx)
    hook = actx.live_hook(hook_id)
    if not hook.get("failover_config"):
        raise UsageError(f"hook {hook.get('id')} has no failover configured", "nothing to clear")
    if not dry_run:
        actx.console.require_confirmation(
            f"Turn off failover for hook {hook.get('id')}? Events that fail will be lost.", yes=yes
        )
    edit = H.update_edit(
        str(hook["id"]),
        {},
        unset=("failover_config",),
        summary=f"clear failover of hook {hook['id']}",
    )
    result = actx.writer().write(edit, dry_run=dry_run)
    render_write(actx, result, as_json=as_json, done=f"failover cleared for hook {hook['id']}")
