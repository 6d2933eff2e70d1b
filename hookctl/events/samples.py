"""Realistic sample events for pings, ``trigger`` and the sandbox.

One fixture per product family; every catalog event type gets a payload with
the right ``type`` and a plausible shape. ``--set path=value`` overrides.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from hookctl.base.errors import UsageError


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _user(uid: str = "alice") -> dict[str, Any]:
    return {
        "id": uid,
        "name": uid.capitalize(),
        "role": "user",
        "online": True,
        "created_at": "2026-01-05T09:00:00Z",
        "updated_at": "2026-11-01T10:00:00Z",
        "banned": False,
        "language": "en",
        "custom": {},
    }


def _message(text: str = "Hello from hookctl") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "text": text,
        "html": f"<p>{text}</p>",
        "type": "regular",
        "user": _user(),
        "attachments": [],
        "latest_reactions": [],
        "own_reactions": [],
        "reaction_counts": {},
        "reply_count": 0,
        "cid": "messaging:general",
        "created_at": _now(),
        "updated_at": _now(),
        "mentioned_users": [],
        "silent": False,
        "pinned": False,
    }


def _channel() -> dict[str, Any]:
    return {
        "id": "general",
        "type": "messaging",
        "cid": "messaging:general",
        "created_at": "2026-01-05T09:00:00Z",
        "updated_at": _now(),
        "created_by": _user("bob"),
        "frozen": False,
        "disabled": False,
        "member_count": 2,
        "config": {"name": "messaging"},
    }


def _call() -> dict[str, Any]:
    return {
        "type": "default",
        "id": "standup",
        "cid": "default:standup",
        "created_by": _user("bob"),
        "created_at": _now(),
        "updated_at": _now(),
        "current_session_id": str(uuid.uuid4()),
        "recording": False,
        "transcribing": False,
        "backstage": False,
        "settings": {"audio": {"mic_default_on": True}},
        "custom": {},
    }


def _activity() -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "type": "post",
        "text": "Shipped hookctl",
        "user": _user(),
        "feeds": ["user:alice"],
        "created_at": _now(),
        "updated_at": _now(),
        "reaction_count": 0,
        "comment_count": 0,
        "visibility": "public",
        "custom": {},
    }


def _feeds_event(base: dict[str, Any], event_type: str) -> dict[str, Any]:
    """Activity feeds: an activity, plus the comment, reaction, follow … it names."""
    kind = event_type.split(".")[1]
    base.update({"fid": "user:alice", "activity": _activity(), "user": _user()})
    if kind == "comment":
        base["comment"] = {
            "id": str(uuid.uuid4()),
            "text": "Nice!",
            "user": _user("bob"),
            "object_id": base["activity"]["id"],
            "object_type": "activity",
        }
    if "reaction" in event_type:
        base["reaction"] = {"type": "like", "user": _user("bob"), "created_at": _now()}
    if kind == "follow":
        base["follow"] = {
            "source_feed": {"fid": "timeline:bob"},
            "target_feed": {"fid": "user:alice"},
            "status": "accepted",
        }
    if kind.startswith("bookmark"):
        base["bookmark"] = {
            "user": _user("bob"),
            "activity": base["activity"],
            "folder": {"id": "f1", "name": "Later"},
        }
    if kind in ("feed", "feed_member", "feed_group", "notification_feed", "stories_feed"):
        base["feed"] = {"fid": "user:alice", "group_id": "user", "id": "alice"}
    return base


def _call_event(base: dict[str, Any], event_type: str) -> dict[str, Any]:
    """Video calls and ingress: the call, its members and session."""
    base.update({"call_cid": "default:standup", "call": _call(), "user": _user()})
    if "member" in event_type:
        base["members"] = [{"user": _user("bob"), "role": "call_member"}]
    if "session" in event_type:
        base["session_id"] = base["call"]["current_session_id"]
    return base


def _chat_event(base: dict[str, Any], event_type: str) -> dict[str, Any]:
    """Chat: channel, message, reaction or member."""
    family = event_type.split(".")[0]
    base.update(
        {
            "cid": "messaging:general",
            "channel_id": "general",
            "channel_type": "messaging",
            "channel": _channel(),
            "user": _user(),
        }
    )
    if family in ("message", "reaction", "thread", "notification"):
        base["message"] = _message()
        base["message_id"] = base["message"]["id"]
    if family == "reaction":
        base["reaction"] = {
            "type": "love",
            "user_id": "alice",
            "message_id": base["message"]["id"],
            "score": 1,
            "created_at": _now(),
        }
    if family == "member":
        base["member"] = {
            "user_id": "bob",
            "user": _user("bob"),
            "role": "member",
            "channel_role": "channel_member",
            "created_at": _now(),
        }
    base["watcher_count"] = 1
    return base


def _user_event(base: dict[str, Any]) -> dict[str, Any]:
    """Users and user groups."""
    base["user"] = _user()
    return base


def _moderation_event(base: dict[str, Any]) -> dict[str, Any]:
    """Moderation: the reviewed item."""
    base.update(
        {
            "item": {
                "id": str(uuid.uuid4()),
                "entity_type": "stream:chat:v1:message",
                "entity_id": str(uuid.uuid4()),
                "status": "pending",
            },
            "user": _user("moderator"),
        }
    )
    return base


def sample_event(event_type: str) -> dict[str, Any]:
    """A plausible event of ``event_type`` as Stream would POST it."""
    family = event_type.split(".")[0]
    base: dict[str, Any] = {"type": event_type, "created_at": _now()}
    if event_type.startswith("feeds."):
        return _feeds_event(base, event_type)
    if family in ("call", "ingress"):
        return _call_event(base, event_type)
    if family in ("message", "reaction", "member", "channel", "thread", "notification"):
        return _chat_event(base, event_type)
    if family in ("user", "user_group"):
        return _user_event(base)
    if family.startswith("moderation") or family in ("review_queue_item", "appeal", "flag"):
        return _moderation_event(base)
    base.update({"user": _user(), "custom": {"source": "hookctl"}})
    return base


def parse_value(text: str) -> Any:
    """``--set`` values: JSON when they parse (numbers, true, null, objects), else strings."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def apply_overrides(payload: dict[str, Any], overrides: list[str]) -> dict[str, Any]:
    """``message.text=hello`` sets payload["message"]["text"]; dicts are created as needed."""
    out = copy.deepcopy(payload)
    for item in overrides:
        path, eq, raw = item.partition("=")
        if not eq or not path:
            raise UsageError(f"--set {item!r} is not PATH=VALUE", "e.g. --set message.text=hello")
        node: Any = out
        keys = path.split(".")
        if "" in keys:
            raise UsageError(
                f"--set {item!r}: the path {path!r} has an empty key (a leading, trailing or "
                "doubled '.')",
                "e.g. --set message.text=hello",
            )
        for key in keys[:-1]:
            if not isinstance(node, dict):
                raise UsageError(
                    f"--set {path}: {key!r} is not an object in the payload",
                    "check the path against `--dry-run` output",
                )
            node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise UsageError(f"--set {path}: parent is not an object", "check the path")
        node[keys[-1]] = parse_value(raw)
    return out


def fill_template(url: str, *, app_id: str, event_type: str) -> str:
    """Stream's URL templates ``{{.AppID}}`` and ``{{.EventType}}``, filled so that no
    value can move the request: each value is percent-encoded (``/ ? # @ :`` and ``%``
    included) and a template outside the path, query or fragment is refused, as is an
    event type that is not a plain Stream name (``..``, ``x@host:1#``). Raises
    ``UsageError`` saying which; a URL without templates comes back unchanged."""
    from urllib.parse import quote

    from hookctl.base.validate import EVENT_TYPE, TEMPLATE, printable, template_part

    part = template_part(url)
    if part is None:
        return url
    if part not in ("path", "query", "fragment"):
        raise UsageError(
            f"the webhook URL has a {{{{.Template}}}} in its {part}",
            "templates may only fill the path: change the hook's URL (hooks update --url)",
        )
    values = {"AppID": app_id, "EventType": event_type}
    if "EventType" in {m["name"] for m in TEMPLATE.finditer(url)} and not EVENT_TYPE.match(
        event_type
    ):
        raise UsageError(
            f"event type {printable(event_type, 80)} cannot fill {{{{.EventType}}}}: "
            "not a plain event type name (a-z, 0-9, '.', '_', '-')",
            "nothing was sent",
        )

    def fill(match: re.Match[str]) -> str:
        value = values.get(match["name"])
        return match.group() if value is None else quote(value, safe="")

    return TEMPLATE.sub(fill, url)


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
