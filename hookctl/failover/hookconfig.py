"""A hook's ``failover_config``: which hooks may have one, what it holds, how it is shown.

Pure functions over hook dicts; writing goes through ``hooks`` edits and the
``SafeWriter`` like every other change of the hooks array.
"""

from __future__ import annotations

from typing import Any

from hookctl.base.errors import UsageError
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
    type, bucket, path, ``location`` (``gs://…`` or ``s3://…``), and for GCS the key's
    account and id; never a secret unless asked."""
    from hookctl.hooks.array import get

    chosen = [get(hooks, hook_id)] if hook_id else [h for h in hooks if h.get("failover_config")]
    return [summary(item, show_secrets=show_secrets) for item in chosen]


def summary(hook: dict[str, Any], *, show_secrets: bool = False) -> dict[str, Any]:
    """One hook's failover settings (GCS, or getstream 7.0's S3 fields)."""
    from hookctl.hooks.array import FAILOVER_SECRETS
    from hookctl.hooks.show import failover_location

    config = hook.get("failover_config") or {}
    kind = str(config.get("type", "gcs")) if config else None
    prefix = "s3_" if kind == "s3" else "gcs_"
    row: dict[str, Any] = {
        "hook_id": hook.get("id"),
        "enabled": bool(config),
        "type": kind,
        "bucket": config.get(f"{prefix}bucket"),
        "path": config.get(f"{prefix}path", "") or "",
        "location": failover_location(config) if config else None,
    }
    if kind == "s3":
        row.update({k: config[k] for k in ("s3_region", "s3_role_arn") if config.get(k)})
    elif config:
        row.update(key_summary(config.get("gcs_credentials")))
    if show_secrets:
        row.update({k: config[k] for k in FAILOVER_SECRETS if config.get(k)})
    return row
