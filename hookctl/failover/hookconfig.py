"""A hook's ``failover_config``: which hooks may have one, what it holds, how it is shown.

Pure functions over hook dicts; writing goes through ``hooks`` edits and the
``SafeWriter`` like every other change of the hooks array.
"""

from __future__ import annotations

from typing import Any

from hookctl.errors import UsageError
from hookctl.failover.keys import ServiceAccountKey, key_summary


def require_webhook(hook: dict[str, Any]) -> dict[str, Any]:
    """``hook``, if Stream supports failover on its type (webhooks only, today)."""
    if hook.get("hook_type") != "webhook":
        raise UsageError(
            f"hook {hook.get('id')} is a {str(hook.get('hook_type')).replace('_', '-')} "
            "hook; Stream supports failover on webhook hooks only (SQS/SNS planned)",
            "pick a webhook hook: `hookctl hooks list --type webhook`",
        )
    return hook


def gcs_config(bucket: str, prefix: str, key: ServiceAccountKey) -> dict[str, str]:
    """The ``failover_config`` Stream stores for a GCS bucket (the key as given)."""
    config = {"type": "gcs", "gcs_bucket": bucket, "gcs_credentials": key.text}
    if prefix:
        config["gcs_path"] = prefix
    return config


def with_failover(hook: dict[str, Any], config: dict[str, str]) -> dict[str, Any]:
    return {**require_webhook(hook), "failover_config": config}


def require_failover(hook: dict[str, Any]) -> dict[str, Any]:
    if not hook.get("failover_config"):
        raise UsageError(f"hook {hook.get('id')} has no failover configured", "nothing to clear")
    return hook


def summaries(
    hooks: list[dict[str, Any]], hook_id: str | None, *, show_secrets: bool = False
) -> list[dict[str, Any]]:
    """``failover show``: one row per hook (``hook_id``, or every hook with failover):
    bucket, path and the key's account and id, never the private key unless asked."""
    from hookctl.hooks import get

    chosen = [get(hooks, hook_id)] if hook_id else [h for h in hooks if h.get("failover_config")]
    rows = []
    for item in chosen:
        config = item.get("failover_config") or {}
        row: dict[str, Any] = {
            "hook_id": item.get("id"),
            "enabled": bool(config),
            "bucket": config.get("gcs_bucket"),
            "path": config.get("gcs_path", ""),
            **(key_summary(config.get("gcs_credentials")) if config else {}),
        }
        if show_secrets and config:
            row["gcs_credentials"] = config.get("gcs_credentials")
        rows.append(row)
    return rows
