"""Read-back: is *this* change live in the array Stream returns after a write?

``writer.SafeWriter`` writes, waits the settle delay (``Settings.settle_seconds``)
and reads the array back; this module judges what it read, field by field:
changed hooks must hold the fields written, removed hooks must be gone, and a new
hook is recognised by its content (type + target + every field written) among
live hooks no one had before, never by counting new hooks. Stream may mask
secrets on read and adds server fields; both are tolerated. Problems name hooks
and field names only: values (secrets) are never quoted. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hookctl.hooks import array as H
from hookctl.hooks import show as V


def _field_matches(key: str, wanted: Any, got: Any) -> bool:
    if got == wanted:
        return True
    if key == "failover_config" and isinstance(wanted, dict) and isinstance(got, dict):
        return all(
            _field_matches(k, v, got.get(k)) for k, v in wanted.items() if v is not None
        ) and set(got) <= set(wanted) | {"gcs_credentials"}
    return H.looks_masked(got)  # Stream may mask secrets on read


def _matches(wanted: H.Hook, got: H.Hook) -> list[str]:
    """The fields of ``wanted`` that ``got`` does not hold (server fields ignored)."""
    return [
        key
        for key, value in H.comparable(wanted).items()
        if key != "id" and value is not None and not _field_matches(key, value, got.get(key))
    ]


@dataclass
class ReadBack:
    problems: list[str]  # what of *this* change is not live
    new_ids: list[str]
    gone: list[str]  # carried hooks that are no longer live


def read_back(base: list[H.Hook], after: list[H.Hook], live: list[H.Hook]) -> ReadBack:
    """Is the change ``base`` -> ``after`` in place in ``live``?

    New hooks are recognised by content (type, target and every field written),
    among live hooks whose id neither ``base`` nor ``after`` had: a teammate's new
    hook is never taken for ours. Field names only: values (secrets) are never quoted.
    """
    base_by_id = {h["id"]: h for h in base if h.get("id")}
    after_ids = {h["id"] for h in after if h.get("id")}
    live_by_id = {h["id"]: h for h in live if h.get("id")}
    problems: list[str] = []
    gone: list[str] = []
    for hook in after:
        hook_id = hook.get("id")
        if not hook_id:
            continue
        got = live_by_id.get(hook_id)
        old = base_by_id.get(hook_id)
        ours = old is None or not H.same_hook(old, hook)
        if got is None:
            (problems if ours else gone).append(
                f"{V.describe(hook)} is missing" if ours else str(hook_id)
            )
        elif ours:
            fields = _matches(hook, got)
            if fields:
                problems.append(f"{V.describe(hook)} does not have the {', '.join(fields)} written")
    for hook_id, old in base_by_id.items():
        if hook_id not in after_ids and hook_id in live_by_id:
            problems.append(f"{V.describe(old)} is still there (its removal was undone)")
    candidates = [h for h in live if h.get("id") and h["id"] not in set(base_by_id) | after_ids]
    new_ids: list[str] = []
    for hook in after:
        if hook.get("id"):
            continue
        match = next((c for c in candidates if not _matches(hook, c)), None)
        if match is None:
            problems.append(f"the new {V.describe(hook)} is missing")
            continue
        candidates.remove(match)
        new_ids.append(str(match["id"]))
    return ReadBack(problems, new_ids, gone)
