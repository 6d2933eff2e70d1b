"""``hookctl ping``, ``trigger``, ``listen`` and ``hooks test``: Stream-style deliveries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from hookctl.cli import options as O
from hookctl.cli.context import AppContext, app_context
from hookctl.errors import UsageError, require_env

Sets = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="Override a payload field, e.g. message.text=hello "
        "(values parse as JSON when they can).",
    ),
]
DataFile = Annotated[
    Path | None,
    typer.Option("--data", help="A JSON file to send as the whole body (its `type` is kept)."),
]
MaxAttempts = Annotated[
    int | None,
    typer.Option(
        "--max-attempts",
        min=1,
        help="Cap on attempts for any failure (Stream: 3 for 408/429/5xx, "
        "2 for network errors, 3 for timeouts).",
    ),
]
AttemptTimeout = Annotated[
    float, typer.Option("--attempt-timeout", min=0.01, help="Seconds per attempt (Stream: 6).")
]
Deadline = Annotated[
    float,
    typer.Option(
        "--deadline", min=0.01, help="Seconds for one delivery with all its retries (Stream: 15)."
    ),
]


def credentials(actx: AppContext) -> tuple[str, str]:
    from hookctl.settings import require_credentials

    return require_credentials(actx.settings())


def policy(max_attempts: int | None, attempt_timeout: float, deadline: float) -> Any:
    from hookctl.delivery import RetryPolicy

    base = RetryPolicy(attempt_timeout=attempt_timeout, deadline=deadline)
    if max_attempts is None:
        return base
    return RetryPolicy(
        status_attempts=min(base.status_attempts, max_attempts),
        network_attempts=min(base.network_attempts, max_attempts),
        timeout_attempts=min(base.timeout_attempts, max_attempts),
        attempt_timeout=attempt_timeout,
        deadline=deadline,
    )


def build_payload(event_type: str, overrides: list[str] | None, data: Path | None) -> bytes:
    from hookctl.samples import apply_overrides, encode, sample_event

    if data is not None:
        try:
            payload = json.loads(data.read_bytes())
        except OSError as exc:
            raise UsageError(f"cannot read {data}: {exc.strerror}", "check the path") from None
        except ValueError as exc:
            raise UsageError(f"{data} is not valid JSON: {exc}", "fix the file") from None
        if not isinstance(payload, dict):
            raise UsageError(f"{data} must hold a JSON object", "wrap the payload in {…}")
    else:
        payload = sample_event(event_type)
    return encode(apply_overrides(payload, overrides or []))


def render_result(actx: AppContext, result: Any, *, as_json: bool) -> None:
    if as_json:
        actx.console.json(result.as_json())
        return
    for attempt in result.attempts:
        what = str(attempt.status) if attempt.status is not None else attempt.error
        actx.console.say(f"attempt {attempt.number}: {what} ({attempt.latency_ms:.0f} ms)")
    excerpt = result.response_excerpt.strip().replace("\n", " ")[:200]
    if result.ok:
        actx.console.success(
            f"delivered {result.delivery.event_type} to {result.delivery.url}: "
            f"{result.status} in {result.latency_ms:.0f} ms"
        )
    else:
        actx.console.error(
            f"delivery of {result.delivery.event_type} to {result.delivery.url} "
            f"failed: {result.error}"
        )
    if excerpt:
        actx.console.say(f"response: {excerpt}")


def ping(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The endpoint to POST to.")],
    event: Annotated[
        str, typer.Option("--event", help="Event type of the sample.")
    ] = "message.new",
    sets: Sets = None,
    data: DataFile = None,
    max_attempts: MaxAttempts = None,
    attempt_timeout: AttemptTimeout = 6.0,
    deadline: Deadline = 15.0,
    as_json: O.Json = False,
) -> None:
    """Send one signed Stream-style request to URL and report status, latency and answer.

    Example: hookctl ping https://example.com/stream --event message.new
    """
    from hookctl.delivery import Delivery, deliver_sync
    from hookctl.events import one_event_type
    from hookctl.validate import check_url

    actx = app_context(ctx)
    check_url(url)
    event_type = one_event_type(event)
    body = build_payload(event_type, sets, data)
    key, secret = credentials(actx)
    [result] = deliver_sync(
        key,
        secret,
        [Delivery(url, body, event_type)],
        policy=policy(max_attempts, attempt_timeout, deadline),
    )
    render_result(actx, result, as_json=as_json)
    raise typer.Exit(0 if result.ok else 1)


def trigger(
    ctx: typer.Context,
    event: Annotated[str, typer.Argument(help="Event type, e.g. message.new.")],
    to: Annotated[str, typer.Option("--to", help="The endpoint to POST to.")],
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many events.")] = 1,
    sets: Sets = None,
    data: DataFile = None,
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", min=1)] = 16,
    rate: Annotated[
        float | None, typer.Option("--rate", min=0.01, help="Events per second.")
    ] = None,
    max_attempts: MaxAttempts = None,
    attempt_timeout: AttemptTimeout = 6.0,
    deadline: Deadline = 15.0,
    as_json: O.Json = False,
) -> None:
    """Deliver COUNT sample events of a type to a URL, as Stream would.

    Example: hookctl trigger message.new --to http://127.0.0.1:8787 --set message.text=hi --count 10
    """
    import time

    from hookctl.delivery import Delivery, deliver_sync
    from hookctl.events import one_event_type
    from hookctl.validate import check_url

    actx = app_context(ctx)
    check_url(to, what="--to")
    event_type = one_event_type(event)
    body = build_payload(event_type, sets, data)
    key, secret = credentials(actx)
    started = time.monotonic()
    results = deliver_sync(
        key,
        secret,
        [Delivery(to, body, event_type) for _ in range(count)],
        policy=policy(max_attempts, attempt_timeout, deadline),
        concurrency=concurrency,
        rate=rate,
    )
    elapsed = time.monotonic() - started
    failed = [r for r in results if not r.ok]
    latencies = sorted(r.latency_ms for r in results)
    summary = {
        "event_type": event_type,
        "url": to,
        "sent": len(results),
        "delivered": len(results) - len(failed),
        "failed": len(failed),
        "retried": sum(1 for r in results if len(r.attempts) > 1),
        "seconds": round(elapsed, 3),
        "per_second": round(len(results) / elapsed, 1),
        "p50_ms": round(latencies[len(latencies) // 2], 1),
        "failures": [r.as_json() for r in failed[:100]],
    }
    if count == 1 and not as_json:
        render_result(actx, results[0], as_json=False)
    elif as_json:
        actx.console.json(summary)
    else:
        actx.console.say(
            f"{summary['delivered']} of {count} delivered, {len(failed)} failed, "
            f"{summary['retried']} retried, {summary['per_second']}/s, "
            f"p50 {summary['p50_ms']} ms"
        )
        for r in failed[:5]:
            actx.console.error(f"{r.delivery.webhook_id}: {r.error}")
    raise typer.Exit(0 if not failed else 1)


def listen(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="Port (0 picks a free one).")] = 8787,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
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
        int, typer.Option("--status", help="Status to answer (e.g. 500 to exercise retries).")
    ] = 200,
    fail_rate: Annotated[
        float,
        typer.Option("--fail-rate", min=0.0, max=1.0, help="Answer 500 to this share of requests."),
    ] = 0.0,
    save_dir: Annotated[
        Path | None, typer.Option("--save-dir", help="Save each body here.")
    ] = None,
    forward_to: Annotated[
        str | None, typer.Option("--forward-to", help="Also POST each event to this URL.")
    ] = None,
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

    from hookctl.receiver import Receiver
    from hookctl.settings import resolve
    from hookctl.validate import check_url

    actx = app_context(ctx)
    if forward_to is not None:
        check_url(forward_to, what="--forward-to")
    secrets = [require_env(var) for var in secret_env or []]
    if not secrets:
        found = resolve(flag_profile=actx.profile).api_secret
        if found:
            secrets.append(found)
        else:
            actx.console.warn(
                "no secret configured: signatures are not checked "
                "(set STREAM_API_SECRET or pass --secret-env)"
            )
    console = actx.console
    print_lock = threading.Lock()  # handler threads must not interleave lines

    def show(event: Any) -> None:
        with print_lock:
            _show(event)

    def _show(event: Any) -> None:
        if as_json:
            console.jsonl(event.as_json())
        sig = {True: "signature ok", False: "signature BAD", None: "signature not checked"}
        dup = " (duplicate)" if event.duplicate else ""
        console.say(
            f"{event.event_type}  id={event.webhook_id}  attempt={event.attempt}  "
            f"{sig[event.signature_ok]}  -> {event.answered}{dup}"
        )

    try:
        receiver = Receiver(
            secrets,
            host=host,
            port=port,
            status=status,
            fail_rate=fail_rate,
            save_dir=save_dir,
            forward_to=forward_to,
            on_event=show,
        )
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror}",
            "pick another --port (0 picks a free one)",
        ) from None
    receiver.stop_after = count
    console.say(f"listening on {receiver.url} (Ctrl-C to stop)")

    def stop(signum: int, frame: object) -> None:
        receiver.done.set()

    signal.signal(signal.SIGTERM, stop)
    receiver.start()
    try:
        while not receiver.done.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        receiver.stop()
    s = receiver.stats
    console.say(
        f"summary: {s.requests} request(s), {s.accepted} unique event(s), "
        f"{s.duplicates} duplicate(s), {s.bad_signatures} bad signature(s), "
        f"{s.failed_on_purpose} answered with an error on purpose"
    )


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
