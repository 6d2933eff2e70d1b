"""The event-type catalog and the filters users type (names, aliases, patterns).

Standard library only: the catalog loads without httpx, pydantic or GCS.
A hook's ``event_types`` decides what it receives: empty means every event,
including types Stream adds later; a list means exactly those types.
"""

from __future__ import annotations

import difflib
import fnmatch
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from hookctl.base.errors import UsageError
from hookctl.base.plaintext import plural

PRODUCTS = ("chat", "video", "feeds", "moderation")


@dataclass(frozen=True)
class EventType:
    name: str
    product: str
    description: str
    aliases: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "product": self.product,
            "description": self.description,
            "aliases": list(self.aliases),
        }


class Catalog:
    def __init__(
        self, source: str, date: str, events: tuple[EventType, ...], unmapped: dict[str, str]
    ) -> None:
        self.source = source
        self.date = date
        self.events = events
        self.unmapped = unmapped
        self.names = [e.name for e in events]
        self._by_name = {e.name: e for e in events}
        self._aliases = {a.lower(): e.name for e in events for a in e.aliases}

    def get(self, name: str) -> EventType | None:
        return self._by_name.get(name)

    def alias(self, name: str) -> str | None:
        return self._aliases.get(name.lower())


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    raw = json.loads(resources.files("hookctl.data").joinpath("events.json").read_text())
    events = tuple(
        EventType(e["name"], e["product"], e["description"], tuple(e.get("aliases", [])))
        for e in raw["events"]
    )
    unmapped = {u["alias"]: u["note"] for u in raw.get("unmapped_aliases", [])}
    return Catalog(raw["source"], raw["date"], events, unmapped)


def split_names(values: list[str] | str | None) -> list[str]:
    """``a,b c`` (comma- or space-separated, repeatable) -> names, order kept."""
    if values is None:
        return []
    items = [values] if isinstance(values, str) else values
    return [name for item in items for name in item.replace(",", " ").split()]


def given_names(values: list[str] | str | None, *, flag: str = "--events") -> list[str]:
    """``split_names`` for a list the user gave: one that names nothing (``""``, ``","``)
    is a UsageError, never an empty list, because an empty list means ALL events."""
    names = split_names(values)
    if values is not None and not names:
        raise UsageError(
            f"{flag} names no event type (an empty list would mean ALL events, incl. future ones)",
            "give event types, e.g. message.new; for every event use --all-events "
            "(`hooks events set ID --all`)",
        )
    return names


def complete(incomplete: str) -> list[tuple[str, str]]:
    """Tab completion of an event-type value from the bundled catalog: ``(value, help)``.
    In a comma-separated list (``--events message.new,rea``) only the last name is
    completed, the names before it kept, and names already given are not offered again."""
    done, _, last = incomplete.rpartition(",")
    given = set(done.split(",")) if done else set()
    prefix = f"{done}," if done else ""
    return [
        (prefix + e.name, e.description)
        for e in load_catalog().events
        if e.name.startswith(last) and e.name not in given
    ]


def duplicates(names: list[str]) -> list[str]:
    """The names given more than once, in first-seen order."""
    seen: set[str] = set()
    twice: dict[str, None] = {}
    for name in names:
        if name in seen:
            twice[name] = None
        seen.add(name)
    return list(twice)


def is_pattern(name: str) -> bool:
    return any(ch in name for ch in "*?[")


@dataclass
class Resolution:
    """Wire names to store, and what the user should be told about them."""

    names: list[str] = field(default_factory=list)
    expanded: dict[str, int] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    def notes(self, *, filtering: bool = False) -> list[str]:
        """What to tell the user; ``filtering``: the names select failed events to read
        (``failover list``/``replay -e``), nothing is stored and --all-events is no option."""
        verb = "read as" if filtering else "stored as"
        out = [f"{alias} {verb} its wire name {wire}" for alias, wire in self.aliases.items()]
        for pattern, count in self.expanded.items():
            advice = (
                "types not in hookctl's catalog will not match it (leave out -e for every type)"
                if filtering
                else "types Stream adds later will not match it (use --all-events to receive "
                "everything)"
            )
            out.append(f"{pattern} expanded to {plural(count, 'event type')}; {advice}")
        return out

    def warnings(self) -> list[str]:
        return [
            f"{name} is not in hookctl's event catalog; written as given (--allow-unknown)"
            for name in self.unknown
        ]


_SYNONYMS = {
    "created": ("new", "added"),
    "create": ("new", "created"),
    "new": ("created", "added"),
    "added": ("new", "created"),
    "add": ("added", "new"),
    "removed": ("deleted",),
    "deleted": ("removed",),
    "delete": ("deleted",),
    "edited": ("updated",),
    "changed": ("updated",),
    "update": ("updated",),
}


def suggest(name: str, catalog: Catalog) -> str:
    """'did you mean …?': same-noun synonyms first (message.created -> message.new)."""
    pool = catalog.names + [a for e in catalog.events for a in e.aliases]
    noun, _, verb = name.rpartition(".")
    close = [f"{noun}.{alt}" for alt in _SYNONYMS.get(verb, ()) if catalog.get(f"{noun}.{alt}")]
    close += [c for c in difflib.get_close_matches(name, pool, n=3, cutoff=0.6) if c not in close]
    close = close[:3]
    if not close:
        close = [n for n in catalog.names if n.split(".")[0] == name.split(".")[0]][:3]
    return f"did you mean {' or '.join(close)}?" if close else "see `hookctl events list`"


def resolve(
    names: list[str], *, allow_unknown: bool = False, catalog: Catalog | None = None
) -> Resolution:
    """Validate and expand names; raise ``UsageError`` (exit 2) for typos."""
    catalog = catalog or load_catalog()
    result = Resolution()

    def keep(name: str) -> None:
        if name not in result.names:
            result.names.append(name)

    for name in names:
        if name in ("*", "all"):
            raise UsageError(
                f"{name!r} is not an event type",
                "use --all-events to receive every event, including future ones",
            )
        if is_pattern(name):
            matches = [n for n in catalog.names if fnmatch.fnmatchcase(n, name)]
            if not matches:
                raise UsageError(
                    f"the pattern {name!r} matches no event type in the catalog",
                    "see `hookctl events list --search TEXT`",
                )
            result.expanded[name] = len(matches)
            for match in matches:
                keep(match)
        elif catalog.get(name):
            keep(name)
        elif (wire := catalog.alias(name)) is not None:
            result.aliases[name] = wire
            keep(wire)
        elif name in catalog.unmapped:
            raise UsageError(
                f"{name} has no wire name that hookctl knows: {catalog.unmapped[name]}",
                "pass the wire name with --allow-unknown if you know it",
            )
        elif allow_unknown:
            result.unknown.append(name)
            keep(name)
        else:
            raise UsageError(
                f"unknown event type {name!r}: {suggest(name, catalog)}",
                "pass --allow-unknown for types newer than hookctl's catalog",
            )
    return result


def resolve_filter(
    names: list[str],
    *,
    all_events: bool,
    allow_unknown: bool = False,
    catalog: Catalog | None = None,
) -> Resolution:
    """The ``event_types`` value to store: ``[]`` means all events, incl. future ones."""
    if all_events and names:
        raise UsageError(
            "--events and --all-events contradict each other",
            "pass one of them: a list of types, or --all-events",
        )
    if all_events:
        return Resolution()
    return resolve(names, allow_unknown=allow_unknown, catalog=catalog)


def one_event_type(
    name: str, catalog: Catalog | None = None, *, unknown_hint: str | None = None
) -> str:
    """The wire name of a single catalog event type (aliases accepted).

    Raises UsageError with a suggestion for an unknown name, and refuses patterns.
    """
    catalog = catalog or load_catalog()
    if is_pattern(name):
        raise UsageError(
            f"{name!r} is a pattern; this needs one event type",
            "see `hookctl events list --search TEXT`",
        )
    wire = catalog.alias(name) or name
    if catalog.get(wire) is None:
        # Commands that take one event type (ping, trigger, events route, sandbox emit)
        # have no --allow-unknown: the hint must not offer it.
        raise UsageError(
            f"unknown event type {name!r}: {suggest(name, catalog)}",
            unknown_hint
            or "see `hookctl events list --search TEXT` (or `hookctl events list --live` for "
            "Stream's current list)",
        )
    return wire


def search(
    product: str | None = None, text: str | None = None, catalog: Catalog | None = None
) -> list[EventType]:
    catalog = catalog or load_catalog()
    out = []
    for event in catalog.events:
        if product and event.product != product:
            continue
        if text:
            needle = text.lower()
            hay = " ".join([event.name, event.description, *event.aliases]).lower()
            if needle not in hay:
                continue
        out.append(event)
    return out


@dataclass
class Route:
    hook: dict[str, Any]
    receives: bool
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.hook.get("id"),
            "hook_type": self.hook.get("hook_type"),
            "enabled": bool(self.hook.get("enabled", False)),
            "receives": self.receives,
            "reason": self.reason,
        }


def is_custom(event_type: str) -> bool:
    """Stream's ``custom`` event type (events clients send themselves)."""
    return event_type == "custom"


def route(
    event_type: str, hooks: list[dict[str, Any]], catalog: Catalog | None = None
) -> list[Route]:
    """For each hook, whether it would receive ``event_type``, and why.

    Product scoping is an assumption (Stream does not document it): a hook whose
    ``product`` is set to one product other than ``all`` is taken not to receive
    events that the catalog files under another product.
    """
    catalog = catalog or load_catalog()
    event = catalog.get(event_type)
    out = []
    for hook in hooks:
        types = hook.get("event_types") or []
        product = hook.get("product")
        if not hook.get("enabled", False):
            out.append(Route(hook, False, "disabled"))
        elif product not in (None, "", "all") and event is not None and event.product != product:
            out.append(Route(hook, False, f"product is {product}, the event is {event.product}"))
        elif is_custom(event_type):
            # Custom events reach a hook only when should_send_custom_events is true
            # (getstream's EventHook field; its default is not documented: taken as off).
            wanted = hook.get("should_send_custom_events") is True
            out.append(
                Route(hook, wanted, f"custom event: should_send_custom_events is {wanted}".lower())
            )
        elif not types:
            out.append(Route(hook, True, "all events (incl. future)"))
        elif event_type in types:
            out.append(Route(hook, True, "listed"))
        else:
            out.append(Route(hook, False, f"not in its {plural(len(types), 'listed type')}"))
    return out
