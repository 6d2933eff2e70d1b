"""Where a replayed event may be sent: never where the bucket says, only where the app says.

The failover bucket is written by a service account that Stream holds a key
for; anyone with that key (or any other write access to the bucket) can create
objects in it. An envelope's ``original_webhook_url`` is therefore untrusted
input, and sending an envelope's payload there, signed with the app's API
secret, would make hookctl a signing oracle for whoever can write one object.

So a replay without ``--to`` reads the app's hooks once (one GET) and sends an
event only to the *current* ``webhook_url`` of its ``original_hook_id`` (Stream's
``{{.AppID}}``/``{{.EventType}}`` templates filled in, percent-encoded, and only
with an event type of the catalog or the hook's own list: a value from the bucket
never chooses a host, a port or a path segment). An object is refused,
with its own reason, when that hook no longer exists, is not a webhook, or when
the envelope names a URL other than the hook's current one (an attacker's URL,
or a hook that was repointed since: replay those with ``--to``). With ``--to
URL`` every event goes to the one URL the operator chose.

The hook is also the judge of what it receives and where its failures are kept:
an event type outside the hook's ``event_types`` (empty: all) is refused, and
when the run reads the bucket a hook's ``failover_config`` names (not an explicit
``--bucket``), an envelope naming a hook whose ``failover_config`` points at
another bucket is refused: a writer of hook A's bucket cannot reach hook B.
(The object name's hook id must match the envelope's ``original_hook_id``, with
or without ``--to``: that check is the replay job's, it makes the object malformed.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hookctl.base.errors import UsageError
from hookctl.base.validate import TEMPLATE, printable
from hookctl.events.samples import fill_template


def _fills_event_type(url: str) -> bool:
    return any(m["name"] == "EventType" for m in TEMPLATE.finditer(url))


def _known(event_type: str) -> bool:
    from hookctl.events.catalog import load_catalog

    return event_type in load_catalog().names


@dataclass(frozen=True)
class Refusal:
    """An object that is not sent, and why (a reason of its own in every report)."""

    reason: str


class Destinations:
    """Resolves each envelope to the URL it may be sent to, or a Refusal."""

    def __init__(
        self,
        to: str | None = None,
        hooks: list[dict[str, Any]] | None = None,
        app_id: str = "app",
        bucket: str | None = None,
    ) -> None:
        self.to = to
        self.app_id = app_id
        self.bucket = bucket  # the bucket read, when a hook's failover_config chose it
        self.hooks = {
            str(h.get("id")): h for h in hooks or [] if isinstance(h, dict) and h.get("id")
        }

    @classmethod
    def from_app(cls, app: dict[str, Any], bucket: str | None = None) -> Destinations:
        """``bucket``: the failover bucket the run reads when a hook's failover_config
        named it (``None`` for an explicit ``--bucket``)."""
        hooks = app.get("event_hooks")
        app_id = str(app.get("id") or app.get("name") or "app")
        return cls(hooks=hooks if isinstance(hooks, list) else [], app_id=app_id, bucket=bucket)

    def resolve(self, hook_id: str, envelope_url: str | None, event_type: str) -> str | Refusal:
        """The URL to send to, or why not. ``envelope_url`` None (the envelope was not
        read: ``failover list`` from names) skips the one check that needs it."""
        if self.to is not None:
            return self.to
        hook = self.hooks.get(hook_id)
        if hook is None:
            return Refusal(f"hook {hook_id} no longer exists in the app (replay it with --to URL)")
        if hook.get("hook_type", "webhook") != "webhook" or not hook.get("webhook_url"):
            return Refusal(f"hook {hook_id} is not a webhook hook with a URL")
        types = hook.get("event_types") or []
        if isinstance(types, list) and types and event_type not in types:
            return Refusal(f"hook {hook_id} does not receive {event_type} (not in its event_types)")
        if self.bucket is not None:
            config = hook.get("failover_config")
            if not isinstance(config, dict) or str(config.get("gcs_bucket") or "") != self.bucket:
                return Refusal(
                    f"hook {hook_id}'s failover_config does not point at bucket {self.bucket} "
                    "(an object of another hook's bucket)"
                )
        template = str(hook["webhook_url"]).strip()
        if _fills_event_type(template) and event_type not in types and not _known(event_type):
            return Refusal(
                f"event type {printable(event_type, 80)} is neither in the event catalog nor in "
                f"hook {hook_id}'s event_types, and its URL would carry it ({{{{.EventType}}}})"
            )
        try:
            current = fill_template(template, app_id=self.app_id, event_type=event_type)
        except UsageError as exc:
            return Refusal(exc.message)
        if envelope_url is not None and envelope_url.strip() not in (template, current):
            return Refusal(
                f"the envelope's URL is not hook {hook_id}'s current webhook_url "
                "(not sent: replay it with --to URL if you trust it)"
            )
        return current
