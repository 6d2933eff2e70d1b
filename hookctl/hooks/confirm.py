"""When a write asks first: one rule for every write, as Terraform's plan/apply.

A write asks (on a terminal; off one it needs ``--yes``) when its plan would stop or
redirect deliveries an existing hook makes today:

- it removes a hook;
- it disables a hook;
- it changes a hook's target (where it delivers: URL, queue, topic, region, callback, type);
- it narrows a hook's filter (an event type it receives now would no longer be sent,
  a product change, custom events turned off);
- it changes or removes a hook's failover (where failed events go).

Adding a hook, enabling one, widening a filter and changing anything else (timeouts,
credentials, auth) never ask. ``--dry-run`` never asks: it writes nothing. Every write
command applies this one function to its plan (``hookctl.cli.common.confirm_plan``);
no command decides for itself. Pure: no I/O.
"""

from __future__ import annotations

from typing import Any

from hookctl.base.plaintext import plural
from hookctl.hooks.array import FAILOVER_SECRETS, Change

# The fields that say where a hook delivers. A change to any of them redirects events.
TARGET_FIELDS = (
    "hook_type",
    "webhook_url",
    "sqs_queue_url",
    "sqs_region",
    "sns_topic_arn",
    "sns_arn_topic",
    "sns_region",
    "callback",
)


def _types(value: Any) -> set[str] | None:
    """The listed event types; None for "all events" (no list, or an empty one)."""
    if not value or not isinstance(value, list):
        return None
    return {str(v) for v in value}


def narrows_filter(old: Any, new: Any) -> bool:
    """Whether going from ``old`` to ``new`` event_types stops some event being sent."""
    before, after = _types(old), _types(new)
    if after is None:  # all events: nothing stops
        return False
    return before is None or bool(before - after)


def _where(config: Any) -> Any:
    """A failover config without its credentials: where failed events go."""
    if not isinstance(config, dict):
        return config
    return {k: v for k, v in config.items() if k not in FAILOVER_SECRETS}


def _label(change: Change) -> str:
    kind = change.hook_type.replace("_", "-")
    shown = f" ({change.target})" if change.target else ""
    return f"{kind} hook {change.id}{shown}"


def _narrowed(label: str, old: Any, new: Any) -> str:
    before, after = _types(old), _types(new) or set()
    if before is None:
        return f"narrow {label} from all events to {plural(len(after), 'event type')}"
    dropped = sorted(before - after)
    more = f" and {len(dropped) - 3} more" if len(dropped) > 3 else ""
    return f"stop sending {', '.join(dropped[:3])}{more} to {label}"


def reasons(change: Change) -> list[str]:
    """What in one change needs a confirmation, each as an imperative phrase."""
    label = _label(change)
    kind = change.hook_type.replace("_", "-")
    if change.op == "remove":
        return [f"remove {label}"]
    if change.op != "update":
        return []  # additions never ask
    fields = change.fields
    said = []
    if "enabled" in fields and fields["enabled"][0] is not False and fields["enabled"][1] is False:
        said.append(f"disable {label}")
    moved = [name for name in TARGET_FIELDS if name in fields]
    if moved:
        old, new = fields[moved[0]]
        how = f"from {old} to {new}" if isinstance(old, str) and isinstance(new, str) else ""
        more = f" ({', '.join(moved)})" if len(moved) > 1 or not how else ""
        said.append(f"redirect {kind} hook {change.id} {how}".rstrip() + more)
    if "event_types" in fields and narrows_filter(*fields["event_types"]):
        said.append(_narrowed(label, *fields["event_types"]))
    if "product" in fields:
        old, new = fields["product"]
        said.append(f"change the product of {label} from {old or 'any'} to {new or 'any'}")
    custom = fields.get("should_send_custom_events")
    if custom is not None and custom[0] is True and custom[1] is not True:
        said.append(f"stop sending custom events to {label}")
    failover = fields.get("failover_config")
    if failover is not None and failover[0] is not None:
        if failover[1] is None:
            said.append(f"turn off failover for {label} (events that fail will be lost)")
        elif _where(failover[0]) != _where(failover[1]):  # a new key alone moves nothing
            said.append(f"change where failed events of {label} go (failover_config)")
    return said


def question(changes: list[Change]) -> str | None:
    """The question a write must ask before it writes ``changes``; None when it needs
    no confirmation (the one rule: see the module docstring)."""
    said = [reason for change in changes for reason in reasons(change)]
    if not said:
        return None
    text = "; ".join(said)
    return f"{text[0].upper()}{text[1:]}?"


def needs_confirmation(changes: list[Change]) -> bool:
    return question(changes) is not None
