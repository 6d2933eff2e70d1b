"""The rules for changing one hook, as pure functions: no I/O, no printing.

``hooks add`` builds a hook with :func:`new_hook` (and :func:`aws_fields` for SQS/SNS),
``hooks update`` applies a :class:`HookPatch`, and ``hooks events add|remove|set``
apply the filter edits at the end. Each function takes a hook and returns a new
dict (its input is never changed) or raises ``UsageError`` naming the flag at
fault, so nothing is written. The CLI only turns flags into these values; the
safe writer (``writer.SafeWriter``) applies them to a fresh copy of the array.

The AWS auth rules and the callback modes come from ``models`` (``AWS_AUTH_NEEDS``,
``AuthType``, ``CallbackMode``): one table decides both what a valid hook is and
what an edit keeps or drops.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from hookctl.base.errors import UsageError
from hookctl.stream.models import AUTH_TYPES, AWS_AUTH_NEEDS, CALLBACK_MODES

Hook = dict[str, Any]
AWS_TYPES = ("sqs", "sns")


def _label(kind: object) -> str:
    return str(kind).replace("_", "-")


# ---------------------------------------------------------------- building a hook


def callback(mode: str | None) -> dict[str, str] | None:
    """``{"mode": "CALLBACK_MODE_…"}`` for ``--callback-mode`` (none, rest, twirp or the
    wire name), or None when no mode was given."""
    if mode is None:
        return None
    value = CALLBACK_MODES.get(mode.lower()) or (mode if mode in CALLBACK_MODES.values() else None)
    if value is None:
        raise UsageError(
            f"--callback-mode {mode!r} is not one of {', '.join(CALLBACK_MODES)}",
            "rest and twirp need --url; none needs no URL",
        )
    return {"mode": value}


def _owner(name: str) -> str | None:
    """The auth type an AWS field belongs to (``key`` → keys), if any."""
    return next((auth for auth, names in AWS_AUTH_NEEDS.items() if name in names), None)


def check_aws_auth(auth: str, *, key: str | None, secret_given: bool, role_arn: str | None) -> None:
    """Refuse AWS flags that do not fit ``--auth`` (before any secret is read)."""
    if auth not in AUTH_TYPES:
        raise UsageError(
            f"--auth {auth!r} is not one of {', '.join(AUTH_TYPES)}",
            "keys needs --key and a secret; role needs --role-arn",
        )
    if auth == "keys" and not key:
        raise UsageError(
            "--auth keys needs --key (the AWS access key id)",
            "add --key AKIA... and --secret-env VAR",
        )
    if _owner("key") != auth and (key or secret_given):
        raise UsageError(
            f"--key and a secret only apply with --auth keys (got --auth {auth})",
            "drop them, or use --auth keys",
        )
    if auth == "role" and not role_arn:
        raise UsageError(
            "--auth role needs --role-arn", "add --role-arn arn:aws:iam::ACCOUNT:role/NAME"
        )
    if _owner("role_arn") != auth and role_arn:
        raise UsageError(
            f"--role-arn only applies with --auth role (got --auth {auth})",
            "drop --role-arn, or use --auth role",
        )


def aws_fields(
    prefix: str,
    auth: str,
    *,
    key: str | None = None,
    secret: str | None = None,
    role_arn: str | None = None,
    region: str | None = None,
) -> Hook:
    """The ``{prefix}_…`` fields of an SQS or SNS hook, checked against ``--auth``."""
    check_aws_auth(auth, key=key, secret_given=secret is not None, role_arn=role_arn)
    given = {"key": key, "secret": secret, "role_arn": role_arn, "region": region}
    out: Hook = {f"{prefix}_auth_type": auth}
    out.update({f"{prefix}_{name}": value for name, value in given.items() if value})
    return out


def extra_fields(
    *,
    custom_events: bool | None = None,
    sns_event_group_id: bool | None = None,
    callback_server_url: str | None = None,
) -> Hook:
    """The optional EventHook fields that have flags, for a new hook: only those given.

    ``should_send_custom_events`` (any hook), ``sns_event_based_message_group_id_enabled``
    (SNS), ``callback.server_url`` (pending-message; merged into ``callback``).
    """
    out: Hook = {}
    if custom_events is not None:
        out["should_send_custom_events"] = custom_events
    if sns_event_group_id is not None:
        out["sns_event_based_message_group_id_enabled"] = sns_event_group_id
    if callback_server_url is not None:
        out["callback"] = {"server_url": callback_server_url}
    return out


def new_hook(
    kind: str,
    target: Hook,
    *,
    enabled: bool = True,
    event_types: list[str] | None = None,
    product: str | None = None,
) -> Hook:
    """A hook to add: its type, enabled state, target fields, filter and product."""
    return {
        "hook_type": kind,
        "enabled": enabled,
        **target,
        "event_types": list(event_types or []),
        "product": product,
    }


# ---------------------------------------------------------------- patching a hook

# flag of `hooks update` -> (the hook field it sets, the hook types it applies to)
_TYPED: dict[str, tuple[str, tuple[str, ...]]] = {
    "url": ("webhook_url", ("webhook", "pending_message")),
    "queue_url": ("sqs_queue_url", ("sqs",)),
    "topic_arn": ("sns_topic_arn", ("sns",)),
    "timeout_ms": ("timeout_ms", ("pending_message",)),
    "callback_mode": ("callback", ("pending_message",)),
    "auth": ("auth_type", AWS_TYPES),
    "sns_event_group_id": ("sns_event_based_message_group_id_enabled", ("sns",)),
    "callback_server_url": ("callback", ("pending_message",)),
}
_ANY_TYPE = {
    "event_types": "event_types",
    "product": "product",
    "enabled": "enabled",
    "custom_events": "should_send_custom_events",
}
_AWS = ("key", "secret", "role_arn", "region")


@dataclass(frozen=True)
class HookPatch:
    """What ``hooks update`` changes in one hook; None keeps a field as it is.

    ``apply`` refuses a flag that does not fit the hook's type; changing ``auth``
    drops the credentials that belong to another auth type (e.g. the key and
    secret when moving to role auth), so no stale secret stays behind.
    """

    url: str | None = None
    queue_url: str | None = None
    topic_arn: str | None = None
    timeout_ms: int | None = None
    callback_mode: str | None = None
    auth: str | None = None
    event_types: tuple[str, ...] | None = None
    product: str | None = None
    enabled: bool | None = None
    key: str | None = None
    secret: str | None = None
    role_arn: str | None = None
    region: str | None = None
    custom_events: bool | None = None
    sns_event_group_id: bool | None = None
    callback_server_url: str | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def check(self, kind: str) -> None:
        """Raise ``UsageError`` if a given flag does not apply to a ``kind`` hook."""
        for flag, (_, kinds) in _TYPED.items():
            if getattr(self, flag) is not None and kind not in kinds:
                raise UsageError(
                    f"--{flag.replace('_', '-')} does not apply to a {_label(kind)} hook",
                    "nothing was written",
                )
        if kind not in AWS_TYPES and any(getattr(self, name) for name in _AWS):
            raise UsageError(
                f"AWS options do not apply to a {_label(kind)} hook", "nothing was written"
            )

    def apply(self, hook: Hook) -> Hook:
        """A patched copy of ``hook``."""
        kind = str(hook.get("hook_type"))
        self.check(kind)
        new = dict(hook)
        for flag in ("url", "queue_url", "topic_arn", "timeout_ms"):
            value = getattr(self, flag)
            if value is not None:
                new[_TYPED[flag][0]] = value
        if self.callback_mode is not None:
            new["callback"] = {
                **(hook.get("callback") or {}),
                **(callback(self.callback_mode) or {}),
            }
        if self.callback_server_url is not None:
            new["callback"] = {
                **(new.get("callback") or {}),
                "server_url": self.callback_server_url,
            }
        if self.sns_event_group_id is not None:
            new["sns_event_based_message_group_id_enabled"] = self.sns_event_group_id
        for flag, name in _ANY_TYPE.items():
            value = getattr(self, flag)
            if value is not None:
                new[name] = list(value) if flag == "event_types" else value
        if kind in AWS_TYPES:
            self._apply_aws(new, kind)
        return new

    def _apply_aws(self, hook: Hook, prefix: str) -> None:
        if self.auth is not None:
            hook[f"{prefix}_auth_type"] = self.auth
            for auth, names in AWS_AUTH_NEEDS.items():
                if auth != self.auth:
                    for name in names:
                        hook.pop(f"{prefix}_{name}", None)
        for name in _AWS:
            value = getattr(self, name)
            if value is not None:
                hook[f"{prefix}_{name}"] = value


# ---------------------------------------------------------------- a hook's event filter
# An empty (or missing) event_types list means "every event, including future ones":
# these edits refuse to turn a list into "all" or "all" into a list by accident.


def add_event_types(hook: Hook, names: Sequence[str]) -> Hook:
    """Append ``names`` not already listed; refuses to narrow an all-events hook."""
    current = list(hook.get("event_types") or [])
    if not current:
        raise UsageError(
            f"hook {hook.get('id')} receives all events (incl. future); adding types would "
            "narrow it to only those",
            f"to narrow it on purpose: hookctl hooks events set {hook.get('id')} TYPES…",
        )
    added = [n for n in dict.fromkeys(names) if n not in current]
    return {**hook, "event_types": current + added}


def remove_event_types(hook: Hook, patterns: Sequence[str]) -> Hook:
    """Drop listed types matching ``patterns`` (``message.*`` style); each pattern must
    match, and refuses to leave an empty list (which would mean all events)."""
    current = list(hook.get("event_types") or [])
    if not current:
        raise UsageError(
            f"hook {hook.get('id')} receives all events; it has no list to remove from",
            "set an explicit list with `hookctl hooks events set`",
        )
    missing = [p for p in patterns if not any(fnmatch.fnmatchcase(c, p) for c in current)]
    if missing:
        raise UsageError(
            f"not in hook {hook.get('id')}'s filter: {', '.join(missing)}",
            f"its types: {', '.join(current)}",
        )
    left = [c for c in current if not any(fnmatch.fnmatchcase(c, p) for p in patterns)]
    if not left:
        raise UsageError(
            "removing every listed type would make the hook receive ALL events "
            "(an empty list means all)",
            f"if that is what you want: hookctl hooks events set {hook.get('id')} --all; "
            "to stop deliveries: hookctl hooks disable ID",
        )
    return {**hook, "event_types": left}


def set_event_types(hook: Hook, names: Sequence[str]) -> Hook:
    """Replace the filter; ``[]`` means all events, including future ones."""
    return {**hook, "event_types": list(names)}
