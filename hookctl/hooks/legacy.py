"""Apps not yet on hooks v2 (Stream's "multi-event hooks").

Stream migrates apps gradually: an app that has not been migrated shows a single
webhook URL in the dashboard and keeps its hook settings in the old single-hook
fields of the app object (``webhook_url``, ``webhook_events``, ``sqs_url``,
``sqs_key``, ``sqs_secret``, ``sns_topic_arn``, ``sns_key``, ``sns_secret``), with
``use_hook_v2: false`` and ``event_hooks`` empty. Writing ``event_hooks`` to such
an app is not how Stream's docs say to move it over, so hookctl shows the legacy
settings read-only and refuses to write unless told (``--force-v2``).

Pure functions over the app object (no I/O).
"""

from __future__ import annotations

from typing import Any

from hookctl.base.errors import UsageError

LEGACY_FIELDS = (
    "webhook_url",
    "webhook_events",
    "sqs_url",
    "sqs_key",
    "sqs_secret",
    "sns_topic_arn",
    "sns_key",
    "sns_secret",
)
MIGRATION_DOCS = "https://getstream.io/chat/docs/react/multi_event_hooks/"


def legacy_fields(app: dict[str, Any]) -> dict[str, Any]:
    """The legacy single-hook fields that are set on ``app``."""
    return {k: app[k] for k in LEGACY_FIELDS if app.get(k)}


def is_legacy(app: dict[str, Any]) -> bool:
    """Not on hooks v2: ``use_hook_v2`` is false, or (the flag absent) legacy fields are
    set while ``event_hooks`` is empty."""
    flag = app.get("use_hook_v2")
    if flag is not None:
        return flag is False
    return bool(legacy_fields(app)) and not app.get("event_hooks")


def legacy_hooks(app: dict[str, Any]) -> list[dict[str, Any]]:
    """The legacy settings as hook-shaped rows, for display only (never written)."""
    found = legacy_fields(app)
    events = list(found.get("webhook_events") or [])
    rows: list[dict[str, Any]] = []
    if found.get("webhook_url"):
        rows.append(
            {
                "id": "(legacy)",
                "hook_type": "webhook",
                "enabled": True,
                "webhook_url": found["webhook_url"],
                "event_types": events,
            }
        )
    if found.get("sqs_url"):
        rows.append(
            {
                "id": "(legacy)",
                "hook_type": "sqs",
                "enabled": True,
                "sqs_queue_url": found["sqs_url"],
                **{k: found[k] for k in ("sqs_key", "sqs_secret") if k in found},
            }
        )
    if found.get("sns_topic_arn"):
        rows.append(
            {
                "id": "(legacy)",
                "hook_type": "sns",
                "enabled": True,
                "sns_topic_arn": found["sns_topic_arn"],
                **{k: found[k] for k in ("sns_key", "sns_secret") if k in found},
            }
        )
    return rows


def note(app: dict[str, Any]) -> str:
    why = (
        "use_hook_v2 is false"
        if app.get("use_hook_v2") is False
        else "it has legacy webhook fields and no event_hooks"
    )
    return (
        f"this app is not on hooks v2 ({why}): the legacy webhook/SQS/SNS settings are shown "
        f"read-only; migrate the app in Stream's dashboard ({MIGRATION_DOCS})"
    )


def refuse_write(app: dict[str, Any]) -> None:
    """Raise ``UsageError`` for a write of ``event_hooks`` to a legacy app."""
    if not is_legacy(app):
        return
    legacy = ", ".join(sorted(legacy_fields(app))) or "none set"
    raise UsageError(
        "refusing to write event_hooks: this app is not on hooks v2 "
        f"(use_hook_v2={app.get('use_hook_v2')!r}; legacy fields: {legacy}); nothing was written",
        f"ask Stream to migrate the app to multi-event hooks ({MIGRATION_DOCS}), or pass "
        "--force-v2 (before the command: `hookctl --force-v2 hooks …`) to write event_hooks anyway",
    )
