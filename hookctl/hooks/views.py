"""What ``hooks list``, ``events``, ``failover show``, writes and hook-file plans display.

Each function turns data the core already has (hooks, an app, a catalog, routes,
failover summaries) into plain records: JSON objects, table rows, and the one
sentence said after the table. The CLI only chooses table, JSON or NDJSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hookctl.base.errors import UsageError
from hookctl.base.plaintext import plural

if TYPE_CHECKING:
    from hookctl.events.catalog import Catalog, EventType, Route
    from hookctl.hooks.array import Change, Hook
    from hookctl.hooks.plan import Plan
    from hookctl.hooks.writer import WriteResult


# ---------------------------------------------------------------- hooks list


@dataclass
class HookListing:
    """``hooks list``: the hooks as JSON (masked unless asked), as table rows (legacy
    settings included), a warning for a legacy app, and what to say when none show."""

    shown: list[Hook]
    columns: tuple[str, ...]
    rows: list[list[str]]
    warning: str | None = None
    empty: str | None = None


def hook_listing(
    app: Hook, hooks: list[Hook], wanted: str | None, *, show_secrets: bool
) -> HookListing:
    """The listing of ``hooks`` (the app's ``event_hooks``), only the hook type
    ``wanted`` (from ``hookview.type_filter``) if given."""
    from hookctl.hooks import legacy as L
    from hookctl.hooks import show as V

    legacy = L.legacy_hooks(app) if L.is_legacy(app) else []
    total = len(hooks) + len(legacy)
    if wanted is not None:
        hooks = [h for h in hooks if h.get("hook_type") == wanted]
        legacy = [h for h in legacy if h.get("hook_type") == wanted]
    every = [*hooks, *legacy]
    rows = [V.list_row(h, show_secrets=show_secrets) for h in every]
    columns: tuple[str, ...] = V.LIST_COLUMNS
    if show_secrets:
        columns = (*V.LIST_COLUMNS, "secrets")
        rows = [[*row, V.secrets_text(h)] for row, h in zip(rows, every, strict=True)]
    empty = None
    if not every and total:
        empty = f"no {wanted} hooks ({total} of other types: drop --type to see them)"
    elif not every:
        empty = "no hooks yet: add one with `hookctl hooks add webhook --url URL`"
    return HookListing(
        shown=[h if show_secrets else V.mask_hook(h) for h in hooks],
        columns=columns,
        rows=rows,
        warning=L.note(app) if L.is_legacy(app) else None,
        empty=empty,
    )


# ---------------------------------------------------------------- events


def check_refresh(*, live: bool, refresh: bool) -> None:
    if refresh and not live:
        raise UsageError("--refresh needs --live", "hookctl events list --live --refresh")


def check_product(product: str | None) -> None:
    from hookctl.events.catalog import PRODUCTS

    if product and product not in PRODUCTS:
        raise UsageError(
            f"--product {product!r} is not one of {', '.join(PRODUCTS)}",
            "drop --product to list every event type",
        )


def catalog_rows(found: list[EventType]) -> list[list[str]]:
    """``name, product, description, aliases`` per event type."""
    return [[e.name, e.product, e.description, ", ".join(e.aliases)] for e in found]


def catalog_line(found: list[EventType], catalog: Catalog) -> str:
    return f"{len(found)} of {len(catalog.events)} event types (catalog of {catalog.date})"


def route_rows(routes: list[Route]) -> list[list[object]]:
    """``id, type, enabled, receives, why, target`` per hook; targets masked."""
    from hookctl.hooks import array as H
    from hookctl.hooks.show import mask_hook

    return [
        [
            r.hook.get("id"),
            r.hook.get("hook_type"),
            "yes" if r.hook.get("enabled") else "no",
            "yes" if r.receives else "no",
            r.reason,
            H.target(mask_hook(r.hook)),
        ]
        for r in routes
    ]


def route_line(name: str, routes: list[Route]) -> str:
    count = sum(r.receives for r in routes)
    return f"{name}: received by {count} of {plural(len(routes), 'hook')}"


# ---------------------------------------------------------------- failover show


def failover_rows(summaries: list[Hook]) -> list[list[object]]:
    """``hook, location, service account, key id`` per ``hookconfig.summaries`` row."""
    return [
        [
            r["hook_id"],
            r["location"] or "(none)",
            r.get("client_email", ""),
            r.get("private_key_id", ""),
        ]
        for r in summaries
    ]


def failover_line(summaries: list[Hook], hook_id: str | None) -> str | None:
    """What to say after the table: nothing configured anywhere, or not on this hook."""
    if not summaries:
        return (
            "no hook has failover configured: add it with "
            "`hookctl failover set HOOK_ID --bucket BUCKET --credentials KEY.json`"
        )
    if hook_id and not summaries[0]["enabled"]:
        return f"hook {hook_id} has no failover configured"
    return None


# ---------------------------------------------------------------- writes and plans


def touched_hooks(
    hooks: list[Hook], changes: list[Change], new_ids: list[str] | None = None
) -> list[Hook]:
    """The hooks of ``hooks`` (the live array after a write, or the planned one) that
    ``changes`` added or changed, masked as ``hooks show --json`` prints them, in the
    array's order. After a write a new hook is found by the id Stream gave it
    (``new_ids``); in a plan it has no id yet. Removed hooks are in ``changes`` only."""
    from hookctl.hooks.show import mask_hook

    ids = {c.id for c in changes if c.op != "remove" and c.id} | set(new_ids or ())
    planned_adds = new_ids is None and any(c.op == "add" and not c.id for c in changes)
    return [
        mask_hook(h)
        for h in hooks
        if (h.get("id") and h["id"] in ids) or (planned_adds and not h.get("id"))
    ]


def write_json(result: WriteResult) -> dict[str, object]:
    """``--json`` after a write: a dry run's changes, "nothing to change", or what changed
    (with the snapshot of the previous array and the ids of added hooks); each with
    ``hooks``, the hooks added or changed in ``hooks show --json``'s shape."""
    changes = [c.as_json() for c in result.changes]
    if result.dry_run:
        return {
            "dry_run": True,
            "changes": changes,
            "hooks": touched_hooks(result.after, result.changes),
        }
    if not result.changes:
        return {"changed": False, "changes": [], "hooks": []}
    fresh = iter(result.new_ids)  # id-less adds, in the array's order, as read back
    for change in changes:
        if change["op"] == "add" and change["id"] is None:
            change["id"] = next(fresh, None)
    return {
        "changed": True,
        "changes": changes,
        "snapshot": result.snapshot.id if result.snapshot else None,
        "new_ids": result.new_ids,
        "hooks": touched_hooks(result.live, result.changes, result.new_ids),
    }


def write_warnings(result: WriteResult) -> list[str]:
    """What went differently from a plain write: a concurrent writer, a lost response,
    hooks another writer removed meanwhile."""
    said = []
    if result.rebased:
        said.append(
            "another writer changed the hooks at the same time; the edit was re-applied "
            f"to the live array ({plural(result.rewrites, 'extra write')}, other hooks kept)"
        )
    if result.response_lost:
        said.append(
            f"the write got no answer ({result.response_lost}); reading back shows it is live"
        )
    if result.gone_since:
        said.append(
            f"another writer removed {'a hook' if len(result.gone_since) == 1 else 'hooks'} "
            "this write carried: " + ", ".join(result.gone_since) + " (see `hookctl hooks history`)"
        )
    return said


def done_line(result: WriteResult, done: str) -> str:
    """The success line, naming the snapshot of the previous array if one was saved."""
    snapshot = result.snapshot
    return done + (f" (previous array saved as snapshot {snapshot.id})" if snapshot else "")


def plan_json(
    plan: Plan, changes: list[Change], touched: list[Hook] | None = None
) -> dict[str, object]:
    """``hooks diff --json`` and ``hooks apply --json``: the plan, and ``hooks``, the hooks
    it adds or changes (``touched``: as read back after the write; else as planned)."""
    return {
        "changes": [c.as_json() for c in changes],
        "unmanaged": [h.get("id") for h in plan.unmanaged],
        "not_compared": plan.not_compared,
        "in_sync": not changes,
        "hooks": touched_hooks(plan.hooks, changes) if touched is None else touched,
    }


def plan_notes(plan: Plan, changes: list[Change]) -> list[str]:
    """What the diff does not show: kept unmanaged hooks, secrets not compared, in sync."""
    from hookctl.hooks import array as H

    notes = [
        f"unmanaged: {hook.get('hook_type')} hook {hook.get('id')} ({H.target(hook)}) is not "
        "in the file and is kept (--prune removes it)"
        for hook in plan.unmanaged
    ]
    notes += plan.not_compared
    if not changes:
        notes.append("in sync: the live hooks match the file")
    return notes
