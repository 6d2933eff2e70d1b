"""``hookctl listen`` without the command line.

Which secrets verify signatures (``--secret-env`` variables, else the environment
or profile), a receiver bound where asked (a bind failure is bad input: exit 2),
serving until it has seen enough or is stopped, and the one-line descriptions of
each event and of the run. The CLI only wires signals and prints these lines.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

from hookctl.base.errors import UsageError
from hookctl.base.plaintext import plural

if TYPE_CHECKING:
    from hookctl.webhooks.receiver import Received, Receiver, Stats

NO_SECRET = (
    "no secret configured: signatures are not checked (set STREAM_API_SECRET or pass --secret-env)"
)
_SIGNATURE = {True: "signature ok", False: "signature BAD", None: "signature not checked"}


def listen_secrets(secret_envs: list[str], profile: str | None) -> list[str]:
    """The secrets to verify with: each named variable (all required), else the
    API secret in effect (environment, then profile); ``[]``: nothing to verify with."""
    from hookctl.base.redact import remember
    from hookctl.config.envvars import require_env
    from hookctl.config.settings import resolve

    secrets = [require_env(var) for var in secret_envs]
    remember(*secrets)  # never echoed: every line on stderr masks them
    if not secrets:
        found = resolve(flag_profile=profile).api_secret
        if found:
            secrets.append(found)
    return secrets


class Answering(TypedDict, total=False):
    """How the receiver answers and what it does with each body (``Receiver``'s options)."""

    status: int
    fail_rate: float
    save_dir: Path | None
    forward_to: str | None
    forward_unverified: bool
    on_event: Callable[[Received], None] | None
    on_problem: Callable[[str], None] | None


def open_receiver(
    secrets: list[str],
    *,
    host: str,
    port: int,
    count: int | None = None,
    **answering: Unpack[Answering],
) -> Receiver:
    """A receiver bound to ``host:port`` (not yet serving) that stops after ``count``
    unique events; a URL to forward to is checked first."""
    from hookctl.base.validate import check_listen_host, check_url
    from hookctl.webhooks.receiver import Receiver

    check_listen_host(host)
    forward_to = answering.get("forward_to")
    if forward_to is not None:
        check_url(forward_to, what="--forward-to")
    try:
        receiver = Receiver(secrets, host=host, port=port, **answering)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror}",
            "pick another --port (0 picks a free one)",
        ) from None
    receiver.stop_after = count
    return receiver


def serve(receiver: Receiver, poll: float = 0.2) -> bool:
    """Serve until ``receiver.done`` is set (enough events, or a stop request) or
    Ctrl-C; always close the socket. True when Ctrl-C ended it."""
    receiver.start()
    try:
        while not receiver.done.wait(poll):
            pass
    except KeyboardInterrupt:
        return True
    finally:
        receiver.stop()
    return False


def event_line(event: Received) -> str:
    """``message.new  id=…  attempt=1  signature ok  -> 200`` (plus gzip, duplicate)."""
    dup = " (duplicate)" if event.duplicate else ""
    gz = "  gzip" if event.compressed else ""
    return (
        f"{event.event_type}  id={event.webhook_id}  attempt={event.attempt}{gz}  "
        f"{_SIGNATURE[event.signature_ok]}  -> {event.answered}{dup}"
    )


def summary_line(stats: Stats) -> str:
    return (
        f"summary: {plural(stats.requests, 'request')}, "
        f"{plural(stats.accepted, 'unique event')}, {plural(stats.duplicates, 'duplicate')}, "
        f"{plural(stats.bad_signatures, 'bad signature')}, "
        f"{stats.failed_on_purpose} answered with an error on purpose"
    )
