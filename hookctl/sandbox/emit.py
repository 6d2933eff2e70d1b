"""The sandbox delivers events as Stream does, and fails over to GCS as Stream does.

``emit`` routes an event to every enabled hook whose filter matches (empty =
all). Webhook hooks get it through hookctl's delivery engine (Stream's headers,
signature and retry policy). When every attempt fails and the hook has a
``failover_config``, the envelope is written to its bucket under Stream's
object name, with google-cloud-storage and the hook's own key (a real token
exchange against the key's ``token_uri``, then an authorised upload). SQS, SNS
and pending-message hooks are recorded as "would deliver": there is no AWS here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hookctl.base.plaintext import plural
from hookctl.config.settings import DEFAULT_TIMEOUT
from hookctl.events.catalog import route
from hookctl.events.samples import apply_overrides, encode, fill_template, sample_event
from hookctl.failover.layout import envelope, object_name
from hookctl.webhooks.delivery import Delivery, DeliveryResult, RetryPolicy, deliver_sync


@dataclass
class Outcome:
    hook_id: str
    hook_type: str
    event_type: str
    outcome: str  # delivered | failed_over | lost | would_deliver | failover_failed
    webhook_id: str | None = None
    status: int | None = None
    error: str | None = None
    attempts: int = 0
    object: str | None = None
    body: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "hook_id": self.hook_id,
            "hook_type": self.hook_type,
            "event_type": self.event_type,
            "outcome": self.outcome,
            "webhook_id": self.webhook_id,
            "status": self.status,
            "error": self.error,
            "attempts": self.attempts,
            "object": self.object,
        }


class Emitter:
    def __init__(
        self,
        *,
        gcs_endpoint: str | None,
        log: Callable[[str], None] | None = None,
        policy: RetryPolicy | None = None,
        gcs_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """``gcs_timeout``: the budget of the token fetch and of each GCS exchange and
        write, retries included (a bucket that drips its answer is cut off there)."""
        self.gcs_endpoint = gcs_endpoint
        self.gcs_timeout = gcs_timeout
        self.log = log or (lambda _line: None)
        self.policy = policy or RetryPolicy()
        self._clients: dict[str, Any] = {}  # one token exchange per key per emit

    def emit(
        self,
        *,
        api_key: str,
        api_secret: str,
        app_id: str,
        hooks: list[dict[str, Any]],
        event_type: str,
        count: int = 1,
        overrides: list[str] | None = None,
        compress: bool = False,
    ) -> list[Outcome]:
        """``compress``: the app's ``enable_hook_payload_compression``: webhook bodies are
        gzipped (signature over the uncompressed JSON), SQS/SNS bodies base64(gzip(json));
        failover objects stay uncompressed JSON, as Stream documents."""
        payloads = [
            encode(apply_overrides(sample_event(event_type), overrides or [])) for _ in range(count)
        ]
        outcomes: list[Outcome] = []
        webhooks: list[tuple[dict[str, Any], Delivery]] = []
        for decision in route(event_type, hooks):
            hook = decision.hook
            if not decision.receives:
                continue
            if hook.get("hook_type") == "webhook":
                url = fill_template(str(hook["webhook_url"]), app_id=app_id, event_type=event_type)
                webhooks += [
                    (hook, Delivery(url, body, event_type, compress=compress)) for body in payloads
                ]
                continue
            for body in payloads:
                outcome = Outcome(
                    str(hook.get("id")),
                    str(hook.get("hook_type")),
                    event_type,
                    "would_deliver",
                    body=_aws_body(body) if compress else body.decode(),
                )
                self.log(
                    f"would deliver {event_type} to {hook.get('hook_type')} hook "
                    f"{hook.get('id')} ({_target(hook)}): {outcome.body}"
                )
                outcomes.append(outcome)
        if webhooks:
            results = deliver_sync(
                api_key, api_secret, [d for _, d in webhooks], policy=self.policy, concurrency=16
            )
            for (hook, _), result in zip(webhooks, results, strict=True):
                outcomes.append(self._settle(hook, result))
        return outcomes

    def _settle(self, hook: dict[str, Any], result: DeliveryResult) -> Outcome:
        delivery = result.delivery
        outcome = Outcome(
            str(hook.get("id")),
            "webhook",
            delivery.event_type,
            "delivered",
            delivery.webhook_id,
            result.status,
            result.error,
            len(result.attempts),
        )
        if result.ok:
            self.log(f"delivered {delivery.event_type} to {delivery.url} ({result.status})")
            return outcome
        config = hook.get("failover_config")
        if not config:
            outcome.outcome = "lost"
            self.log(
                f"lost {delivery.event_type} for hook {hook.get('id')}: {result.error} after "
                f"{plural(len(result.attempts), 'attempt')}, and the hook has no failover"
            )
            return outcome
        try:
            outcome.object = self._fail_over(hook, config, delivery, result)
        except Exception as exc:  # a broken bucket or key: the event is lost, say why
            outcome.outcome = "failover_failed"
            outcome.error = f"{result.error}; failover write failed: {exc}"[:500]
            self.log(f"lost {delivery.event_type} for hook {hook.get('id')}: {outcome.error}")
            return outcome
        outcome.outcome = "failed_over"
        self.log(
            f"failed over {delivery.event_type} to gs://{config.get('gcs_bucket')}/{outcome.object}"
        )
        return outcome

    def _fail_over(
        self,
        hook: dict[str, Any],
        config: dict[str, Any],
        delivery: Delivery,
        result: DeliveryResult,
    ) -> str:
        from google.api_core.exceptions import PreconditionFailed

        from hookctl.failover.gauth import bounded_retry, storage_client
        from hookctl.failover.keys import check_key

        logging.getLogger("urllib3").setLevel(logging.ERROR)  # google-auth's background lookups
        key = check_key(str(config["gcs_credentials"]), source="the hook's gcs_credentials")
        if key.text not in self._clients:
            self._clients[key.text] = storage_client(key, self.gcs_endpoint, self.gcs_timeout)
        bucket = self._clients[key.text].bucket(str(config["gcs_bucket"]))
        failed_at = datetime.now(UTC).replace(microsecond=0)
        body = json.dumps(
            envelope(
                hook_id=str(hook.get("id")),
                url=delivery.url,
                event_type=delivery.event_type,
                error=result.error or "failed",
                failed_at=failed_at,
                payload=json.loads(delivery.body),
            )
        )
        # Two events of one type for one hook in the same second would share a name;
        # the sandbox never overwrites: it takes the next free second for the name.
        for bump in range(120):
            name = object_name(
                str(config.get("gcs_path") or ""),
                failed_at + timedelta(seconds=bump),
                delivery.event_type,
                str(hook.get("id")),
            )
            try:
                bucket.blob(name).upload_from_string(
                    body,
                    content_type="application/json",
                    if_generation_match=0,
                    timeout=self.gcs_timeout,
                    retry=bounded_retry(self.gcs_timeout),
                )
                return name
            except PreconditionFailed:
                continue
        raise RuntimeError("no free object name within 120 seconds")


def _target(hook: dict[str, Any]) -> str:
    from hookctl.hooks.array import target

    return target(hook) or "no target"


def _aws_body(body: bytes) -> str:
    """An SQS/SNS message body with compression on: base64(gzip(json))."""
    import base64

    from hookctl.webhooks.compression import compress

    return base64.b64encode(compress(body)).decode()
