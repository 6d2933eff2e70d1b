"""``hookctl sandbox …``: a local Stream-compatible API on loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.context import app_context
from hookctl.errors import require_env

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
) -> None:
    """Start the sandbox; prints `export` lines for STREAM_BASE_URL/KEY/SECRET on stdout.

    Example: eval "$(hookctl sandbox start --detach)" && hookctl hooks list
    """
    from hookctl.sandbox.run import build, exports, serve_foreground, start_detached
    from hookctl.sandbox.state import DEFAULT_SECRET
    from hookctl.settings import data_dir

    actx = app_context(ctx)
    secret = require_env(secret_env) if secret_env else DEFAULT_SECRET
    if detach:
        info = start_detached(data_dir(), host, port, state, key, secret)
        for line in info.exports():
            actx.console.line(line)
        actx.console.success(
            f"sandbox running on {info.url} (pid {info.pid}); stop it with `hookctl sandbox stop`"
        )
        return
    server = build(
        host,
        port,
        state,
        key,
        secret,
        log=(lambda line: actx.console.say(f"[sandbox] {line}")) if log else None,
    )
    for line in exports(server.url, key, secret):
        actx.console.line(line)
    actx.console.say(
        f"sandbox listening on {server.url} — api key {key}, api secret {secret}"
        + (f", state in {state}" if state else "")
        + ". Ctrl-C stops it."
    )
    serve_foreground(server)
    actx.console.say("sandbox stopped")


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
