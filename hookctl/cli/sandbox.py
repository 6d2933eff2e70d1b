"""``hookctl sandbox …``: a local Stream-compatible API on loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hookctl.base.errors import ExitStatus
from hookctl.cli import options as O
from hookctl.cli.context import app_context

app = typer.Typer(
    help="Run a local Stream-compatible app-settings API (no Stream account needed).",
    no_args_is_help=True,
)


@app.command("start")
def start(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="Port (0 picks a free one).")] = 8790,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    state: Annotated[
        Path | None,
        typer.Option(
            "--state", help="JSON file that keeps the sandbox's apps and hooks across restarts."
        ),
    ] = None,
    key: Annotated[str, typer.Option("--key", help="API key the sandbox accepts.")] = "sandbox-key",
    secret_env: O.SecretEnv = None,
    detach: Annotated[
        bool,
        typer.Option(
            "--detach", "-d", help="Run in the background; stop with `hookctl sandbox stop`."
        ),
    ] = False,
    log: Annotated[bool, typer.Option("--log", help="Log each request on stderr.")] = False,
    gcs: Annotated[
        bool,
        typer.Option("--gcs", help="Also run a local GCS-compatible server for failover buckets."),
    ] = False,
    buckets: Annotated[
        list[str] | None,
        typer.Option(
            "--bucket",
            metavar="BUCKET",
            help="Create this bucket in the local GCS server (repeat).",
        ),
    ] = None,
    gcs_endpoint: Annotated[
        str | None,
        typer.Option(
            "--gcs-endpoint", help="Write failover objects to this GCS-compatible server."
        ),
    ] = None,
    legacy: Annotated[
        bool,
        typer.Option(
            "--legacy",
            help="Start the app as one not yet on hooks v2 (use_hook_v2 false); set legacy "
            "fields such as webhook_url with an SDK's update-app call.",
        ),
    ] = False,
) -> None:
    """Start the sandbox; prints `export` lines for STREAM_BASE_URL/KEY/SECRET on stdout.

    With --gcs it also runs a local GCS-compatible server (fake-gcs-server) and
    prints HOOKCTL_GCS_ENDPOINT; events that fail on a hook with failover are
    written there as Stream would write them.

    Example: eval "$(hookctl sandbox start --detach --gcs --bucket demo-failover)"
    """
    from hookctl.cli.common import read_secret
    from hookctl.config.settings import data_dir
    from hookctl.sandbox.launch import StartPlan
    from hookctl.sandbox.run import check_secret_env
    from hookctl.sandbox.state import DEFAULT_SECRET

    actx = app_context(ctx)
    console = actx.console
    if secret_env:
        check_secret_env(secret_env)
    secret = (  # a chosen secret is remembered: every line on stderr (and the log) masks it
        read_secret(actx, env_var=secret_env, from_stdin=False, label="sandbox API secret")
        if secret_env
        else DEFAULT_SECRET
    )
    plan = StartPlan(
        host,
        port,
        state,
        key,
        secret,
        secret_env=secret_env,
        gcs=gcs,
        buckets=tuple(buckets or ()),
        gcs_endpoint=gcs_endpoint,
        legacy=legacy,
        log=log,
    )
    if detach:
        started = plan.detach(data_dir())
        for line in started.exports:
            console.line(line)
        console.success(started.message)
        return
    plan.serve(
        line=console.line,
        say=console.say,
        log=(lambda line: console.say(f"[sandbox] {line}")) if log else None,
    )
    console.say("sandbox stopped")
    raise typer.Exit(ExitStatus.INTERRUPTED)  # it only stops on Ctrl-C/SIGTERM: 130


@app.command("emit")
def emit(
    ctx: typer.Context,
    event_type: Annotated[
        str, typer.Argument(help="The event type, e.g. message.new.", autocompletion=O.event_types)
    ],
    count: Annotated[
        int, typer.Option("--count", "-n", min=1, max=10_000, help="How many events.")
    ] = 1,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set", metavar="PATH=VALUE", help="Override a payload field, e.g. message.text=hi."
        ),
    ] = None,
    allow_unknown: O.AllowUnknown = False,
    as_json: O.Json = False,
) -> None:
    """Make the sandbox deliver an event to every matching hook, as Stream would.

    Webhook hooks get it with Stream's headers, signature and retries; when every
    attempt fails, a hook with failover gets the envelope in its bucket. SQS, SNS
    and pending-message hooks are logged as "would deliver".

    Example: hookctl sandbox emit message.new --count 10 --set message.text=hello
    """
    from hookctl.events.catalog import one_event_type
    from hookctl.sandbox.jobs import CHUNK, run_emit
    from hookctl.sandbox.launch import EmitProgress, emit_rows, emit_summary
    from hookctl.sandbox.run import require_sandbox

    actx = app_context(ctx)
    name = (
        event_type
        if allow_unknown
        else one_event_type(
            event_type, unknown_hint="pass --allow-unknown for types newer than hookctl's catalog"
        )
    )
    require_sandbox(actx.settings().base_url, "emit")
    client = actx.client()
    answer = run_emit(
        lambda method, path, body: client.sandbox(path, body, method=method),
        {"event_type": name, "count": count, "set": sets or [], "allow_unknown": allow_unknown},
        on_progress=EmitProgress(actx.console.say, name, count > CHUNK),
    )
    if as_json:
        actx.console.json(answer)
        return
    actx.console.table(["hook", "type", "outcome", "events"], emit_rows(answer["outcomes"]))
    actx.console.say(emit_summary(name, count, answer["summary"]))


@app.command("keygen")
def keygen(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Where to write the key (mode 0600).")
    ] = Path("sandbox-gcs-key.json"),
    as_json: O.Json = False,
) -> None:
    """Write a service-account key whose token_uri is the sandbox's own token endpoint.

    Use it with `hookctl failover set` against the sandbox: google-auth exchanges
    it for a token at the sandbox, which checks the signature, then writes go to
    the local GCS server.

    Example: hookctl sandbox keygen --out key.json && hookctl failover set HOOK --bucket b --credentials key.json
    """
    from hookctl.sandbox.launch import write_sandbox_key
    from hookctl.sandbox.run import require_sandbox

    actx = app_context(ctx)
    base = actx.settings().base_url
    require_sandbox(base.rstrip("/"), "keygen")
    written = write_sandbox_key(
        base, out, lambda body: actx.client().sandbox("/_sandbox/keys", body)
    )
    if as_json:
        actx.console.json(written.as_json())
    else:
        actx.console.line(str(out))
        actx.console.success(written.message())


@app.command("stop")
def stop(
    ctx: typer.Context,
    port: Annotated[
        int | None, typer.Option("--port", help="Only the sandbox on this port.")
    ] = None,
) -> None:
    """Stop detached sandboxes.

    Example: hookctl sandbox stop
    """
    from hookctl.config.settings import data_dir
    from hookctl.sandbox.run import stop_detached

    actx = app_context(ctx)
    stopped = stop_detached(data_dir(), port)
    if not stopped:
        actx.console.say("no detached sandbox is running")
    for info in stopped:
        actx.console.success(f"stopped sandbox on {info['url']} (pid {info['pid']})")


@app.command("status")
def status(ctx: typer.Context, as_json: O.Json = False) -> None:
    """List detached sandboxes and whether they answer.

    Example: hookctl sandbox status --json
    """
    from hookctl.config.settings import data_dir
    from hookctl.sandbox.run import running

    actx = app_context(ctx)
    infos = running(data_dir())
    if as_json:
        actx.console.json(infos)
        return
    actx.console.table(
        ["url", "pid", "api_key", "alive"],
        [[i["url"], i["pid"], i["api_key"], "yes" if i["alive"] else "no"] for i in infos],
    )
