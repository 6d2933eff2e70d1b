"""Event-type filters: parsing the names users type."""

from __future__ import annotations

from hookctl.errors import UsageError


def split_names(values: list[str] | str | None) -> list[str]:
    """``a,b c`` (comma- or space-separated, repeatable) -> unique names, order kept."""
    if values is None:
        return []
    items = [values] if isinstance(values, str) else values
    out: list[str] = []
    for item in items:
        for name in item.replace(",", " ").split():
            if name not in out:
                out.append(name)
    return out


def resolve_filter(names: list[str], *, all_events: bool) -> list[str]:
    """The ``event_types`` value to store: ``[]`` means all events, incl. future ones."""
    if all_events and names:
        raise UsageError(
            "--events and --all-events contradict each other",
            "pass one of them: a list of types, or --all-events",
        )
    return [] if all_events else names
