"""How a hook is shown to people: masked copies, table rows, one-line labels.

``hooks list``/``show``, ``events`` and the messages of the safe writer describe
hooks through these functions, so a secret is masked (and a URL's userinfo
password hidden) the same way everywhere unless ``--show-secrets`` asks
otherwise. Pure, no I/O; the edits themselves are ``hookctl.hooks.array``.
"""

from __future__ import annotations

import json
from typing import Any

from hookctl.base.errors import UsageError
from hookctl.base.redact import mask_url_password
from hookctl.hooks.array import FAILOVER_SECRETS, MASK, SECRET_KEYS, Hook, mask_failover, target


def mask_hook(hook: Hook) -> Hook:
    """A copy of ``hook`` with secret values replaced by ``********`` (and the password
    of a ``webhook_url`` with userinfo: ``https://user:********@host/``)."""
    shown = dict(hook)
    for key in SECRET_KEYS:
        if shown.get(key):
            shown[key] = MASK
    if isinstance(shown.get("webhook_url"), str):
        shown["webhook_url"] = mask_url_password(shown["webhook_url"])
    if isinstance(shown.get("failover_config"), dict):
        shown["failover_config"] = mask_failover(shown["failover_config"])
    return shown


def describe(hook: Hook) -> str:
    """``webhook hook 3f2a… (https://…)`` or ``webhook hook (new) (https://…)``."""
    where = target(hook)
    label = str(hook.get("hook_type", "hook")).replace("_", "-")
    return f"{label} hook {hook.get('id') or '(new)'}" + (f" ({where})" if where else "")


def filter_text(hook: Hook, *, limit: int = 3) -> str:
    types = hook.get("event_types") or []
    if not types:
        return "all events (incl. future)"
    shown = ", ".join(types[:limit])
    more = f", … +{len(types) - limit}" if len(types) > limit else ""
    noun = "type" if len(types) == 1 else "types"
    return f"{len(types)} {noun}: {shown}{more}"


def failover_location(config: dict[str, Any]) -> str:
    """``gs://bucket/path`` or ``s3://bucket/path`` for a failover_config."""
    scheme = "s3" if config.get("type") == "s3" else "gs"
    prefix = "s3_" if scheme == "s3" else "gcs_"
    where = str(config.get(f"{prefix}bucket") or "?")
    if config.get(f"{prefix}path"):
        where += "/" + str(config[f"{prefix}path"]).strip("/")
    return f"{scheme}://{where}"


def failover_text(hook: Hook) -> str:
    config = hook.get("failover_config")
    if not isinstance(config, dict) or not config:
        return "no"
    return failover_location(config)


def show_fields(hook: Hook, *, show_secrets: bool = False) -> list[tuple[str, Any]]:
    """``hooks show`` as (name, value) rows: the filter in words, then every field,
    secrets masked unless ``show_secrets``; values as ``fieldtext.field_text`` writes
    them (yes/no, ISO-8601 UTC timestamps, dicts and lists as one line of JSON)."""
    from hookctl.hooks.fieldtext import field_text

    shown = hook if show_secrets else mask_hook(hook)
    rows: list[tuple[str, Any]] = [("events", filter_text(hook, limit=1000))]
    for key, value in shown.items():
        if key != "event_types":
            rows.append((key, field_text(key, value)))
    return rows


LIST_COLUMNS = ("id", "type", "enabled", "target", "events", "failover")
# The hook types Stream knows (models.HOOK_TYPES, kept here so listing needs no pydantic).
LIST_TYPES = ("webhook", "sqs", "sns", "pending_message")


def type_filter(name: str) -> str:
    """The hook type ``hooks list --type NAME`` keeps; an unknown name is a usage error.

    A typo must not look like an empty app ("no hooks yet" while 14 hooks exist).
    """
    import difflib

    wanted = name.strip().replace("-", "_").lower()
    if wanted in LIST_TYPES:
        return wanted
    close = difflib.get_close_matches(wanted, LIST_TYPES, n=1, cutoff=0.5)
    hint = f"did you mean --type {close[0]}? " if close else ""
    raise UsageError(
        f"unknown hook type {name!r}",
        f"{hint}hook types: {', '.join(LIST_TYPES)}",
    )


def secrets_text(hook: Hook) -> str:
    """The hook's secret values, for ``hooks list --show-secrets`` in table mode."""
    parts = [f"{key}={hook[key]}" for key in SECRET_KEYS if hook.get(key)]
    failover = hook.get("failover_config")
    if isinstance(failover, dict):
        for key in FAILOVER_SECRETS:
            value = failover.get(key)
            if value:
                text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
                parts.append(f"failover.{key}={text}")
    return " ".join(parts) or "-"


def list_row(hook: Hook, *, show_secrets: bool = False) -> list[str]:
    """One hook as a row of ``hooks list`` (columns: ``LIST_COLUMNS``); a URL's
    userinfo password masked unless ``show_secrets``."""
    where = target(hook)
    return [
        str(hook.get("id", "")),
        str(hook.get("hook_type", "")),
        "yes" if hook.get("enabled") else "no",
        where if show_secrets else mask_url_password(where),
        filter_text(hook),
        failover_text(hook),
    ]
