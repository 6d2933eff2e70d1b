"""Internal: ``hookctl.api.sample_event``, over ``hookctl.events.samples``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def sample_event(event_type: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A plausible event of ``event_type`` as Stream would POST it (what ``hookctl
    trigger`` and ``sandbox emit`` send), with ``overrides`` set by dotted path
    (``{"message.text": "hi"}`` sets ``event["message"]["text"]``; objects are created
    as needed). A path through a value that is not an object raises ``UsageError``.

    Example::

        from hookctl.api import sample_event

        event = sample_event("message.new", {"message.text": "hello", "user.id": "bob"})
        assert event["type"] == "message.new" and event["message"]["text"] == "hello"
    """
    import json

    from hookctl.events.samples import apply_overrides
    from hookctl.events.samples import sample_event as build

    pairs = [f"{path}={json.dumps(value)}" for path, value in (overrides or {}).items()]
    return apply_overrides(build(event_type), pairs)
