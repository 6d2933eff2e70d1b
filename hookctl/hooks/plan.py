"""Hooks as code, the planning side: a loaded hook file against the live array.

``hookplan.plan`` matches each file hook to a live one (by ``id``, else by type and
target), refuses what would surprise (an ``id`` that matches nothing, a missing
``event_types`` that would widen a filtered hook to every event), keeps the live
value of a secret whose variable is unset (so the rest is still compared), and
builds the new array: unmanaged live hooks kept in place unless pruned, new hooks
last. ``shown_changes`` labels each secret in a diff with the reference it comes
from. Reading and checking the file is ``hookctl.hooks.files``. Pure, no I/O.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from hookctl.base.errors import ValidationFailed
from hookctl.base.plaintext import plural
from hookctl.hooks import array as H
from hookctl.hooks import url_password
from hookctl.hooks.files import FileHook, get_at, set_at

Hook = dict[str, Any]


@dataclass
class Plan:
    hooks: list[Hook]  # the new array
    unmanaged: list[Hook]  # live hooks the file does not mention (kept unless pruned)
    pruned: list[Hook]
    not_compared: list[str] = field(
        default_factory=list
    )  # "hook 2: sqs_secret (VAR unset)" / "(VAR empty)"
    refs: dict[tuple[str, str, str], dict[str, str]] = field(default_factory=dict)


def _change_key(hook_id: object, hook_type: str, target: str) -> tuple[str, str, str]:
    return (str(hook_id), "", "") if hook_id else ("", hook_type, target)


def shown_changes(changes: list[H.Change], plan: Plan) -> list[H.Change]:
    """``changes`` for display, each secret naming the reference it comes from
    (``sqs_secret: (secret) -> (secret from env:SQS_SECRET)``)."""
    out = []
    for change in changes:
        refs = plan.refs.get(_change_key(change.id, change.hook_type, change.target), {})
        if not refs or change.op == "remove":
            out.append(change)
            continue
        fields = dict(change.fields)
        for name, (old, new) in change.fields.items():
            if name in refs and new is not None:
                fields[name] = (old, f"(secret from {refs[name]})")
            elif name == "failover_config" and isinstance(new, dict):
                ref = refs.get("gcs_credentials")
                if ref and new.get("gcs_credentials"):
                    fields[name] = (old, {**new, "gcs_credentials": f"(secret from {ref})"})
        out.append(H.Change(change.op, change.id, change.hook_type, change.target, fields))
    return out


def _key(hook: Hook) -> tuple[str, str]:
    return str(hook.get("hook_type")), H.target(hook)


def _label(hook: FileHook) -> str:
    return f"hook {hook.number}{f' ({hook.name})' if hook.name else ''}"


def _check_ids(file_hooks: list[FileHook], by_id: dict[str, Hook]) -> None:
    for hook in file_hooks:
        hook_id = str(hook.data.get("id") or "")
        if hook_id and hook_id not in by_id:
            raise ValidationFailed(
                f"{_label(hook)}: id {hook_id} matches no live hook",
                "check the id (`hookctl hooks list`), drop it to match by type and target, "
                "or pass --create-missing to create a hook with this id",
            )


def _refuse_widening(hook: FileHook, live_hook: Hook | None, desired: Hook) -> None:
    """A file hook without ``event_types`` would make a filtered live hook receive ALL events."""
    if live_hook is not None and "event_types" not in desired and live_hook.get("event_types"):
        raise ValidationFailed(
            f"{_label(hook)} has no event_types, which would widen live hook "
            f"{live_hook.get('id')} from {plural(len(live_hook['event_types']), 'type')} to ALL events",
            "list its event types in the file, or write `event_types = []` to mean all "
            "events on purpose; nothing was changed",
        )


def _keep_unset_secrets(hook: FileHook, live_hook: Hook | None, desired: Hook) -> list[str]:
    """Secrets whose variable is unset keep the live value (so only the rest is compared)."""
    notes = []
    for secret, var in hook.unset.items():
        notes.append(f"{_label(hook)}: {'.'.join(secret)} not compared ({var})")
        if secret == url_password.PATH:  # the URL's masked form must still match
            url_password.keep_live(desired, live_hook)
            continue
        current = get_at(live_hook, secret) if live_hook is not None else None
        if current is not None:
            set_at(desired, secret, current)
    return notes


def plan(
    live: list[Hook], file_hooks: list[FileHook], *, prune: bool, create_missing: bool = False
) -> Plan:
    """Match file hooks to live ones (by id, else by type and target) and build the array.

    A file ``id`` that matches no live hook is an error (a typo or a deleted hook must
    not become a new hook silently) unless ``create_missing``."""
    by_id = {str(h["id"]): h for h in live if h.get("id")}
    if not create_missing:
        _check_ids(file_hooks, by_id)
    not_compared: list[str] = []
    matched: dict[int, Hook] = {}  # file number -> desired hook
    refs: dict[tuple[str, str, str], dict[str, str]] = {}
    used: set[str] = set()
    for hook in file_hooks:
        if hook.data.get("id") and str(hook.data["id"]) in by_id:
            used.add(str(hook.data["id"]))
    for hook in file_hooks:
        hook_id = str(hook.data.get("id") or "")
        live_hook = by_id.get(hook_id) if hook_id else None
        if live_hook is None and not hook_id:
            live_hook = next(
                (h for h in live if str(h.get("id")) not in used and _key(h) == _key(hook.data)),
                None,
            )
            if live_hook is not None:
                used.add(str(live_hook["id"]))
        desired = copy.deepcopy(hook.data)
        not_compared += _keep_unset_secrets(hook, live_hook, desired)
        _refuse_widening(hook, live_hook, desired)
        if live_hook is not None:
            desired = {
                **{k: live_hook[k] for k in H.SERVER_FIELDS if k in live_hook},
                **desired,
                "id": live_hook["id"],
            }
        matched[hook.number] = desired
        if hook.refs:
            key = _change_key(desired.get("id"), str(desired.get("hook_type")), H.target(desired))
            refs[key] = hook.refs
    by_live_id = {str(d["id"]): d for d in matched.values() if d.get("id") in by_id}
    new: list[Hook] = []
    unmanaged: list[Hook] = []
    pruned: list[Hook] = []
    for current in live:
        current_id = str(current.get("id"))
        if current_id in by_live_id:
            new.append(by_live_id[current_id])
        elif prune:
            pruned.append(current)
        else:
            unmanaged.append(current)
            new.append(current)
    new += [d for d in matched.values() if d.get("id") not in by_id]
    return Plan(new, unmanaged, pruned, not_compared, refs)
