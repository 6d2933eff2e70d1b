"""``hookctl sandbox …``: a local Stream-compatible API on loopback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.context import AppContext, app_context
from hookctl.errors import ExitStatus, UsageError

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
        typer.Option("--bucket", help="Create this bucket in the local GCS server (repeat)."),
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
    from hookctl.sandbox.run import (
        build,
        check_secret_env,
        exports,
        serve_foreground,
        start_detached,
    )
    from hookctl.sandbox.state import DEFAULT_SECRET
    from hookctl.settings import data_dir

    actx = app_context(ctx)
    if secret_env:
        check_secret_env(secret_env)
    secret = (  # a chosen secret is remembered: every line on stderr (and the log) masks it
        read_secret(actx, env_var=secret_env, from_stdin=False, label="sandbox API secret")
        if secret_env
        else DEFAULT_SECRET
    )
    if gcs and gcs_endpoint:
        raise UsageError("--gcs and --gcs-endpoint contradict each other", "pass one of them")
    if buckets and not gcs:
        raise UsageError("--bucket needs --gcs", "the sandbox creates buckets only in its own GCS")
    if detach:
        extra = ["--gcs"] if gcs else []
        extra += [f"--bucket={b}" for b in buckets or []]
        extra += ["--gcs-endpoint", gcs_endpoint] if gcs_endpoint else []
        extra += ["--legacy"] if legacy else []
        info = start_detached(
            data_dir(), host, port, state, key, secret, extra=extra, secret_env=secret_env
        )
        for line in info.exports():
            actx.console.line(line)
        if gcs or gcs_endpoint:
            endpoint = gcs_endpoint or _child_gcs(info.url)
            actx.console.line(f"export HOOKCTL_GCS_ENDPOINT={endpoint}")
        actx.console.success(
            f"sandbox running on {info.url} (pid {info.pid}); stop it with `hookctl sandbox stop`"
        )
        return
    local = None
    if gcs:
        from hookctl.sandbox.gcs import LocalGcs

        local = LocalGcs().start()
        for bucket in buckets or []:
            local.create_bucket(bucket)
        gcs_endpoint = local.url
    try:
        server = build(
            host,
            port,
            state,
            key,
            secret,
            log=(lambda line: actx.console.say(f"[sandbox] {line}")) if log else None,
            gcs_endpoint=gcs_endpoint,
            event_log=lambda line: actx.console.say(f"[events] {line}"),
            legacy=legacy,
        )
        for line in exports(server.url, key, secret, secret_env):
            actx.console.line(line)
        if gcs_endpoint:
            actx.console.line(f"export HOOKCTL_GCS_ENDPOINT={gcs_endpoint}")
        actx.console.say(
            f"sandbox listening on {server.url} — api key {key}, api secret {secret}"
            + (f", state in {state}" if state else "")
            + (f", GCS on {gcs_endpoint}" if gcs_endpoint else "")
            + ". Ctrl-C stops it."
        )
        serve_foreground(server)
    finally:
        if local is not None:
            local.stop()
    actx.console.say("sandbox stopped")
    raise typer.Exit(ExitStatus.INTERRUPTED)  # it only stops on Ctrl-C/SIGTERM: 130


def _child_gcs(url: str) -> str:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{url}/_sandbox/health", timeout=5) as response:
        return str(json.loads(response.read()).get("gcs_endpoint") or "")


@app.command("emit")
def emit(
    ctx: typer.Context,
    event_type: Annotated[str, typer.Argument(help="The event type, e.g. message.new.")],
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
    from hookctl.events import one_event_type
    from hookctl.sandbox.jobs import CHUNK, run_emit
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
        on_progress=_progress(actx, name, count > CHUNK),
    )
    if as_json:
        actx.console.json(answer)
        return
    rows: dict[tuple[str, str, str], int] = {}
    for row in answer["outcomes"]:
        k = (str(row["hook_id"]), str(row["hook_type"]), str(row["outcome"]))
        rows[k] = rows.get(k, 0) + 1
    actx.console.table(["hook", "type", "outcome", "events"], [[*k, n] for k, n in rows.items()])
    summary = ", ".join(f"{n} {o.replace('_', ' ')}" for o, n in answer["summary"].items())
    actx.console.say(f"{count} × {name}: {summary or 'no hook receives it'}")


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
    import json

    from hookctl.sandbox.run import require_sandbox
    from hookctl.sandbox.tokens import make_key
    from hookctl.settings import write_private

    actx = app_context(ctx)
    base = actx.settings().base_url.rstrip("/")
    require_sandbox(base, "keygen")
    key, public = make_key(f"{base}/_sandbox/token")
    actx.client().sandbox(
        "/_sandbox/keys",
        {
            "private_key_id": key["private_key_id"],
            "client_email": key["client_email"],
            "public_key": public,
        },
    )
    write_private(out, json.dumps(key, indent=2).encode())
    summary = {
        "path": str(out),
        "client_email": key["client_email"],
        "private_key_id": key["private_key_id"],
    }
    if as_json:
        actx.console.json(summary)
    else:
        actx.console.line(str(out))
        actx.console.success(
            f"key for {key['client_email']} written to {out} (0600), registered with {base}"
        )


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
    from hookctl.sandbox.run import stop_detached
    from hookctl.settings import data_dir

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
    from hookctl.sandbox.run import running
    from hookctl.settings import data_dir

    actx = app_context(ctx)
    infos = running(data_dir())
    if as_json:
        actx.console.json(infos)
        return
    actx.console.table(
        ["url", "pid", "api_key", "alive"],
        [[i["url"], i["pid"], i["api_key"], "yes" if i["alive"] else "no"] for i in infos],
    )


def _progress(actx: AppContext, name: str, show: bool) -> Callable[[int, int], None]:
    """A line on stderr at most once a second while an emit job runs."""
    import time

    last = {"at": 0.0, "done": -1}

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if show and done != last["done"] and (now - last["at"] >= 1 or done == total):
            last.update(at=now, done=done)
            actx.console.say(f"emitting {name}: {done}/{total}")

    return report
