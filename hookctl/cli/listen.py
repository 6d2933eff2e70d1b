"""``hookctl listen``: a local receiver that verifies, de-duplicates and prints events."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hookctl.base.errors import ExitStatus
from hookctl.cli import options as O
from hookctl.cli.context import app_context

if TYPE_CHECKING:
    from hookctl.webhooks.receiver import Received


def listen(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="Port (0 picks a free one).")] = 8787,
    host: Annotated[
        str,
        typer.Option("--host", help="Interface to listen on (0.0.0.0: every interface)."),
    ] = "127.0.0.1",
    secret_env: Annotated[
        list[str] | None,
        typer.Option(
            "--secret-env",
            metavar="VAR",
            help="Env var with the secret to verify signatures "
            "(default: STREAM_API_SECRET or the profile); repeatable for rotation.",
        ),
    ] = None,
    status: Annotated[
        int,
        typer.Option(
            "--status", min=100, max=599, help="Status to answer (e.g. 500 to exercise retries)."
        ),
    ] = 200,
    fail_rate: Annotated[
        float,
        typer.Option(
            "--fail-rate", parser=O.Finite(0.0, 1.0), help="Answer 500 to this share of requests."
        ),
    ] = 0.0,
    save_dir: Annotated[
        Path | None,
        typer.Option(
            "--save-dir",
            help="Save each body here (compressed deliveries as their uncompressed JSON).",
        ),
    ] = None,
    forward_to: Annotated[
        str | None,
        typer.Option(
            "--forward-to",
            help="Also POST each event whose signature verified to this http(s) URL "
            "(Stream's headers only; redirects are not followed).",
        ),
    ] = None,
    forward_unverified: Annotated[
        bool,
        typer.Option(
            "--forward-unverified",
            help="Forward requests whose signature failed or was not checked, too.",
        ),
    ] = False,
    count: Annotated[
        int | None, typer.Option("--count", min=1, help="Exit after this many unique events.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per event on stdout (NDJSON).")
    ] = False,
) -> None:
    """Receive webhooks locally: verify signatures, de-duplicate on X-Webhook-Id, print each.

    Example: hookctl listen --port 8787 --fail-rate 0.3
    """
    import signal
    import threading

    from hookctl.webhooks.listening import (
        NO_SECRET,
        event_line,
        listen_secrets,
        open_receiver,
        serve,
        summary_line,
    )

    actx = app_context(ctx)
    console = actx.console
    secrets = listen_secrets(secret_env or [], actx.profile)
    if not secrets:
        console.warn(NO_SECRET)
    print_lock = threading.Lock()  # handler threads must not interleave lines

    def show(event: Received) -> None:
        with print_lock:
            if as_json:
                console.jsonl(event.as_json())
            console.say(event_line(event))

    def refused(line: str) -> None:  # a refused body, a client gone: one line each
        with print_lock:
            console.warn(line)

    receiver = open_receiver(
        secrets,
        host=host,
        port=port,
        status=status,
        fail_rate=fail_rate,
        save_dir=save_dir,
        forward_to=forward_to,
        forward_unverified=forward_unverified,
        count=count,
        on_event=show,
        on_problem=refused,
    )
    interrupted = threading.Event()  # Ctrl-C or SIGTERM, not --count: exit 130

    def stop(_signum: int, _frame: object) -> None:
        interrupted.set()
        receiver.done.set()

    # Handlers, not KeyboardInterrupt: a signal at any moment after "listening on"
    # (even before serving starts) still ends with the summary.
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        console.say(f"listening on {receiver.url} (Ctrl-C to stop)")
        if serve(receiver):
            interrupted.set()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    console.say(summary_line(receiver.stats))
    if interrupted.is_set():
        raise typer.Exit(ExitStatus.INTERRUPTED)
