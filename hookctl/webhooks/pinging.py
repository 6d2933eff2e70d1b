"""Deliveries on demand: ``ping``, ``trigger`` and ``hooks test``.

What these commands decide lives here, testable without Typer: the body (a sample, a file, ``--set`` overrides),
which event ``hooks test`` sends and to which URL, the ``check_sqs``/``check_sns``
dispatch for AWS hooks, and ``trigger``'s statistics. Sending goes through the one
engine, ``delivery.deliver_sync`` (imported lazily: it brings aiohttp).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from hookctl.base.errors import UsageError

if TYPE_CHECKING:
    from hookctl.webhooks.delivery import Delivery, DeliveryResult, RetryPolicy

Hook = dict[str, Any]
AWS_CHECKS = {"sqs": ("sqs_queue_url",), "sns": ("sns_topic_arn",)}


def build_payload(event_type: str, overrides: list[str] | None, data: Path | None) -> bytes:
    """The body to send: ``data`` (a JSON object file) or a sample of ``event_type``,
    with ``PATH=VALUE`` overrides applied."""
    from hookctl.events.samples import apply_overrides, encode, sample_event

    if data is not None:
        try:
            from hookctl.base.stdio import MAX_BODY, read_capped, size_text

            raw = read_capped(str(data), MAX_BODY)
            if raw is None:
                raise UsageError(
                    f"{data} is larger than {size_text(MAX_BODY)}", "give a webhook-sized payload"
                )
            payload = json.loads(raw)
        except OSError as exc:
            raise UsageError(f"cannot read {data}: {exc.strerror}", "check the path") from None
        except ValueError as exc:
            raise UsageError(f"{data} is not valid JSON: {exc}", "fix the file") from None
        if not isinstance(payload, dict):
            raise UsageError(f"{data} must hold a JSON object", "wrap the payload in {…}")
    else:
        payload = sample_event(event_type)
    return encode(apply_overrides(payload, overrides or []))


# ---------------------------------------------------------------- hooks test


def event_for(hook: Hook, event: str | None) -> str:
    """The event ``hooks test`` sends: ``--event``, else the hook's first listed type,
    else a type every hook of its kind receives."""
    from hookctl.events.catalog import one_event_type

    if event:
        return one_event_type(event)
    types = hook.get("event_types") or []
    if types:
        return str(types[0])
    return "message.pending" if hook.get("hook_type") == "pending_message" else "message.new"


def sample_delivery(
    app: dict[str, Any], hook: Hook, *, event: str | None, overrides: list[str] | None
) -> Delivery:
    """The signed sample ``hooks test`` posts to a webhook or pending-message hook."""
    from hookctl.events.samples import fill_template
    from hookctl.webhooks.delivery import Delivery

    if not hook.get("webhook_url"):
        raise UsageError(f"hook {hook.get('id')} has no webhook_url to test", "nothing to send")
    event_type = event_for(hook, event)
    url = fill_template(
        str(hook["webhook_url"]),
        app_id=str(app.get("id", app.get("name", "app"))),
        event_type=event_type,
    )
    return Delivery(url, build_payload(event_type, overrides, None), event_type)


class AwsChecker(Protocol):
    def check_sqs(self, key: str, secret: str, url: str, /) -> dict[str, Any]: ...
    def check_sns(self, key: str, secret: str, topic_arn: str, /) -> dict[str, Any]: ...


@dataclass(frozen=True)
class AwsCheck:
    """Stream's answer to check_sqs / check_sns for one hook, or why it was not asked."""

    hook_id: str | None
    hook_type: str
    status: str | None  # "ok" | "error" (Stream's) | "not_checked"
    error: str | None
    note: str | None = None
    with_key: str = "the hook's"  # whose key the check used

    @property
    def ok(self) -> bool | None:
        """True ok, False failed, None not checked (no key to check with)."""
        return None if self.status == "not_checked" else self.status == "ok"

    def as_json(self) -> dict[str, Any]:
        return {
            "hook_id": self.hook_id,
            "hook_type": self.hook_type,
            "ok": self.ok,
            "status": self.status,
            "error": self.error,
            "note": self.note,
        }


def is_aws(hook: Hook) -> bool:
    return hook.get("hook_type") in AWS_CHECKS


def check_aws(
    client: AwsChecker, hook: Hook, *, key: str | None = None, secret: str | None = None
) -> AwsCheck:
    """Ask Stream to reach an SQS queue or SNS topic with the hook's credentials (or a
    key lent for the check). check_sqs/check_sns test an access key and secret: a
    role- or resource-auth hook has none, and that is not a failure of the hook."""
    kind = str(hook.get("hook_type"))
    auth = str(hook.get(f"{kind}_auth_type") or "keys")
    if auth != "keys" and not (key and secret):
        how = "IAM role" if auth == "role" else "resource policy"
        what = "queue" if kind == "sqs" else "topic"
        note = (
            f"not checked: Stream's check_{kind} endpoint tests an access key and secret, and "
            f"this hook uses {auth} auth (no key stored). That is not a failure of the hook: "
            f"Stream delivers with the {how}. To check the {what} anyway, pass --key and "
            "--secret-env with an IAM user's key (used for the check only, never stored)"
        )
        return AwsCheck(hook.get("id"), kind, "not_checked", None, note)
    check = client.check_sqs if kind == "sqs" else client.check_sns
    (target,) = AWS_CHECKS[kind]
    use_key = key or hook.get(f"{kind}_key", "")
    use_secret = secret or hook.get(f"{kind}_secret", "")
    answer = check(str(use_key), str(use_secret), hook.get(target, ""))
    whose = "the given" if key else "the hook's"
    data = answer.get("data")
    # the sandbox says it checked the format only; a ✓ must not read as "AWS accepted it"
    said = data.get("note") if isinstance(data, dict) else None
    told = str(said) if said else None
    return AwsCheck(hook.get("id"), kind, answer.get("status"), answer.get("error"), told, whose)


# ---------------------------------------------------------------- trigger


@dataclass
class TriggerReport:
    """What ``trigger`` sent and how it went (``as_json`` is its ``--json`` output)."""

    event_type: str
    url: str
    results: Sequence[DeliveryResult]
    seconds: float

    @property
    def failed(self) -> list[DeliveryResult]:
        return [r for r in self.results if not r.ok]

    @property
    def retried(self) -> int:
        return sum(1 for r in self.results if len(r.attempts) > 1)

    @property
    def per_second(self) -> float:
        return round(len(self.results) / self.seconds, 1) if self.seconds > 0 else 0.0

    @property
    def p50_ms(self) -> float:
        latencies = sorted(r.latency_ms for r in self.results)
        return round(latencies[len(latencies) // 2], 1) if latencies else 0.0

    def as_json(self) -> dict[str, Any]:
        failed = self.failed
        return {
            "event_type": self.event_type,
            "url": self.url,
            "sent": len(self.results),
            "delivered": len(self.results) - len(failed),
            "failed": len(failed),
            "retried": self.retried,
            "seconds": round(self.seconds, 3),
            "per_second": self.per_second,
            "p50_ms": self.p50_ms,
            "failures": [r.as_json() for r in failed[:100]],
        }


def trigger(
    key: str,
    secret: str,
    deliveries: list[Delivery],
    *,
    retry: RetryPolicy,
    concurrency: int,
    rate: float | None,
) -> TriggerReport:
    """Send ``deliveries`` (all of one event type, to one URL) and time the whole run."""
    from hookctl.webhooks.delivery import deliver_sync

    started = time.monotonic()
    results = deliver_sync(
        key, secret, deliveries, policy=retry, concurrency=concurrency, rate=rate
    )
    first = deliveries[0]
    return TriggerReport(first.event_type, first.url, results, time.monotonic() - started)
