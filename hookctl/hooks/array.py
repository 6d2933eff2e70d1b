"""Pure edits of the ``event_hooks`` array: no I/O, no printing.

Hooks are plain dicts exactly as Stream returned them. Every edit copies the
hooks it changes and passes every other hook through as the same object, so
fields hookctl does not know are never dropped. Here: lookup, edits, the diff
between two arrays, and the secret checks a write makes (masked values, copied
credentials). How a hook is shown to people (rows, labels, masked copies) is
``hookctl.hooks.show``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from hookctl.base.errors import NotFound
from hookctl.base.numbers import TIMEOUT_MS_MAX as TIMEOUT_MS_MAX  # for --timeout-ms
from hookctl.base.redact import mask_url_password, url_password

Hook = dict[str, Any]
MASK = "********"
SECRET_KEYS = ("sqs_secret", "sns_secret")
# Secrets inside failover_config: the GCS key, and the S3 credentials of getstream 7.0's model.
FAILOVER_SECRETS = ("gcs_credentials", "s3_secret", "s3_api_key")
# Fields Stream maintains itself: read-only in every official SDK's EventHook model
# (getstream 7.0 decodes them as integer nanoseconds and would send ISO strings back).
# They are never written: see ``writable``.
SERVER_FIELDS = ("created_at", "updated_at")


# ---------------------------------------------------------------- lookup


def find_index(hooks: list[Hook], hook_id: str) -> int:
    for index, hook in enumerate(hooks):
        if hook.get("id") == hook_id:
            return index
    matches = [i for i, h in enumerate(hooks) if str(h.get("id", "")).startswith(hook_id)]
    if hook_id and len(matches) == 1:
        return matches[0]
    known = ", ".join(str(h.get("id")) for h in hooks[:5]) or "the app has no hooks"
    if len(matches) > 1:
        raise NotFound(
            f"hook id prefix {hook_id!r} is ambiguous ({len(matches)} hooks match)",
            "give more characters of the id",
        )
    raise NotFound(
        f"no hook with id {hook_id!r} (known: {known})",
        "list the hooks and their ids with `hookctl hooks list`",
    )


def get(hooks: list[Hook], hook_id: str) -> Hook:
    return hooks[find_index(hooks, hook_id)]


def target(hook: Hook) -> str:
    for key in ("webhook_url", "sqs_queue_url", "sns_topic_arn", "sns_arn_topic"):
        if hook.get(key):
            return str(hook[key])
    callback = hook.get("callback")
    if isinstance(callback, dict) and callback.get("mode") == "CALLBACK_MODE_NONE":
        return "(no callback)"
    return ""


# ---------------------------------------------------------------- edits


@dataclass(frozen=True)
class Edit:
    """One change to the array, re-appliable to a fresher copy of it (rebase).

    ``target_id`` names the hook the edit changes (None for an add or a
    whole-array replace); the safe writer refuses to rebase when someone else
    changed that same hook in the meantime.
    """

    summary: str
    apply: Callable[[list[Hook]], list[Hook]]
    target_id: str | None = None


def add_edit(hook: Hook) -> Edit:
    new = {k: v for k, v in hook.items() if v is not None}

    def apply(hooks: list[Hook]) -> list[Hook]:
        return [*hooks, copy.deepcopy(new)]

    return Edit(f"add {str(new.get('hook_type', 'hook')).replace('_', '-')} hook", apply)


def update_edit(
    hook_id: str, changes: dict[str, Any], unset: tuple[str, ...] = (), summary: str | None = None
) -> Edit:
    def apply(hooks: list[Hook]) -> list[Hook]:
        index = find_index(hooks, hook_id)
        hook = copy.deepcopy(hooks[index])
        hook.update(copy.deepcopy(changes))
        for key in unset:
            hook.pop(key, None)
        return [*hooks[:index], hook, *hooks[index + 1 :]]

    return Edit(summary or f"update hook {hook_id}", apply, target_id=hook_id)


def transform_edit(hook_id: str, fn: Callable[[Hook], Hook], summary: str) -> Edit:
    """An edit computed from the hook's current value (e.g. add event types)."""

    def apply(hooks: list[Hook]) -> list[Hook]:
        index = find_index(hooks, hook_id)
        hook = fn(copy.deepcopy(hooks[index]))
        return [*hooks[:index], hook, *hooks[index + 1 :]]

    return Edit(summary, apply, target_id=hook_id)


def remove_edit(hook_id: str) -> Edit:
    def apply(hooks: list[Hook]) -> list[Hook]:
        index = find_index(hooks, hook_id)
        return [*hooks[:index], *hooks[index + 1 :]]

    return Edit(f"remove hook {hook_id}", apply, target_id=hook_id)


def replace_all_edit(new_hooks: list[Hook], summary: str) -> Edit:
    frozen = copy.deepcopy(new_hooks)

    def apply(_hooks: list[Hook]) -> list[Hook]:  # replaces whatever is there
        return copy.deepcopy(frozen)

    return Edit(summary, apply)


def resolve_target(hooks: list[Hook], edit: Edit) -> str | None:
    """The full id of the edit's target in ``hooks`` (ids may be given as prefixes)."""
    if edit.target_id is None:
        return None
    return str(get(hooks, edit.target_id).get("id"))


# ---------------------------------------------------------------- diff


def comparable(hook: Hook) -> Hook:
    """A hook without the fields the server maintains itself."""
    return {k: v for k, v in hook.items() if k not in SERVER_FIELDS}


def writable(hooks: list[Hook]) -> list[Hook]:
    """The array as a PATCH body carries it: each hook without server-managed fields.

    Every other field, known to hookctl or not, is carried through unchanged.
    """
    return [comparable(hook) for hook in hooks]


def same_hook(a: Hook | None, b: Hook | None) -> bool:
    if a is None or b is None:
        return a is b
    return comparable(a) == comparable(b)


@dataclass
class Change:
    op: Literal["add", "update", "remove"]
    id: str | None
    hook_type: str
    target: str
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "id": self.id,
            "hook_type": self.hook_type,
            "target": self.target,
            "fields": {k: {"old": old, "new": new} for k, (old, new) in self.fields.items()},
        }


def _is_secret_field(name: str) -> bool:
    return name in SECRET_KEYS


def _shown(name: str, value: Any, show_secrets: bool) -> Any:
    if name == "failover_config" and isinstance(value, dict) and not show_secrets:
        return mask_failover(value)
    if _is_secret_field(name) and value and not show_secrets:
        return MASK
    if name == "webhook_url" and isinstance(value, str) and not show_secrets:
        return mask_url_password(value)
    return value


def diff(before: list[Hook], after: list[Hook], *, show_secrets: bool = False) -> list[Change]:
    """What changes from ``before`` to ``after``, hook by hook and field by field."""

    def shown(hook: Hook) -> str:
        return target(hook) if show_secrets else mask_url_password(target(hook))

    old_by_id = {h["id"]: h for h in before if h.get("id")}
    new_ids = {h["id"] for h in after if h.get("id")}
    changes: list[Change] = []
    for hook in before:
        if hook.get("id") and hook["id"] not in new_ids:
            changes.append(Change("remove", hook["id"], str(hook.get("hook_type")), shown(hook)))
    for hook in after:
        old = old_by_id.get(hook.get("id")) if hook.get("id") else None
        fields: dict[str, tuple[Any, Any]]
        if old is None:
            fields = {
                k: (None, _shown(k, v, show_secrets)) for k, v in sorted(comparable(hook).items())
            }
            changes.append(
                Change("add", hook.get("id"), str(hook.get("hook_type")), shown(hook), fields)
            )
            continue
        a, b = comparable(old), comparable(hook)
        fields = {}
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key) or (key in a) != (key in b):
                if _is_secret_field(key) and not show_secrets:
                    fields[key] = (
                        "(secret)" if key in a else None,
                        "(secret changed)" if key in b else None,
                    )
                else:
                    fields[key] = (
                        _shown(key, a.get(key), show_secrets),
                        _shown(key, b.get(key), show_secrets),
                    )
                    if key == "webhook_url" and fields[key][0] == fields[key][1]:
                        fields[key] = (fields[key][0], f"{fields[key][1]} (password changed)")
        if fields:
            changes.append(
                Change("update", hook["id"], str(hook.get("hook_type")), shown(hook), fields)
            )
    return changes


def render_diff(changes: list[Change]) -> list[str]:
    """Plain-text lines: ``+`` added, ``~`` changed, ``-`` removed."""
    if not changes:
        return ["no changes"]
    lines = []
    sign = {"add": "+", "update": "~", "remove": "-"}
    for change in changes:
        label = change.id or "(new)"
        lines.append(f"{sign[change.op]} {change.hook_type} {label} {change.target}".rstrip())
        for name, (old, new) in change.fields.items():
            if change.op == "add":
                lines.append(f"    {name} = {json.dumps(new, sort_keys=True)}")
            else:
                lines.append(
                    f"    {name}: {json.dumps(old, sort_keys=True)} -> {json.dumps(new, sort_keys=True)}"
                )
    return lines


# ---------------------------------------------------------------- secrets


def mask_failover(config: dict[str, Any]) -> dict[str, Any]:
    shown = dict(config)
    for key in FAILOVER_SECRETS:
        if shown.get(key):
            shown[key] = MASK
    return shown


def looks_masked(value: Any) -> bool:
    """True for values like ``********``, ``****abcd`` or ``[REDACTED]``."""
    if not isinstance(value, str):
        return False
    lowered = value.lower()
    return "***" in value or "•••" in value or "redacted" in lowered or value == "<hidden>"


MASKED_URL = "webhook_url's password"


def _masked_url(value: Any) -> bool:
    """A URL whose userinfo password was masked for display (writing it back would
    replace the real password)."""
    return isinstance(value, str) and url_password(value) == MASK


def masked_secrets(hooks: list[Hook]) -> list[tuple[str, str]]:
    """(hook id, field) for every secret that looks masked rather than real."""
    found = []
    for hook in hooks:
        for key in SECRET_KEYS:
            if looks_masked(hook.get(key)):
                found.append((str(hook.get("id") or "(new)"), key))
        if _masked_url(hook.get("webhook_url")):
            found.append((str(hook.get("id") or "(new)"), MASKED_URL))
        failover = hook.get("failover_config")
        for key in FAILOVER_SECRETS:
            if isinstance(failover, dict) and looks_masked(failover.get(key)):
                found.append((str(hook.get("id") or "(new)"), f"failover_config.{key}"))
    return found


def copied_credentials(
    before: list[Hook], after: list[Hook], credentials: Iterable[str]
) -> list[tuple[str, str]]:
    """(hook id, field) for each secret of an added or changed hook whose value is one of
    hookctl's own ``credentials`` (the app's API secret), however it got there: a flag,
    ``env:MY_X`` holding the same value, a ``file:`` with it in."""
    held = {c.strip() for c in credentials if isinstance(c, str) and len(c.strip()) >= 4}
    if not held:
        return []
    old_by_id = {h.get("id"): h for h in before if h.get("id")}
    found = []
    for hook in after:
        old = old_by_id.get(hook.get("id")) if hook.get("id") else None
        if old is not None and same_hook(old, hook):
            continue
        hook_id = str(hook.get("id") or "(new)")
        for key in SECRET_KEYS:
            value = hook.get(key)
            if isinstance(value, str) and value.strip() in held:
                found.append((hook_id, key))
        failover = hook.get("failover_config")
        if isinstance(failover, dict):
            for key in FAILOVER_SECRETS:
                value = failover.get(key)
                if isinstance(value, str) and value.strip() in held:
                    found.append((hook_id, f"failover_config.{key}"))
    return found
