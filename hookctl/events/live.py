"""The live event list: Stream's ``GET /hook/events``, cached in the data dir.

stream-chat-js calls ``GET /hook/events`` (optionally ``?product=``), answered
with ``{"events": [{"name", "description", "products": [...]}]}``. hookctl's
bundled catalog (``data/events.json``) stays the default, so offline commands
never wait on the network. ``events list --live`` fetches the list (bounded by
the client's timeout), caches it per server with the time it was fetched, and
re-fetches on ``--refresh`` or when the copy is older than ``MAX_AGE``.
Validation of event types in writes uses a cached live list when one exists
(no request of its own), else the bundled catalog; every caller says which.

No typer/rich; the fetch is passed in, so this module does no HTTP itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hookctl.base.errors import HookctlError
from hookctl.events.catalog import Catalog, EventType, load_catalog

MAX_AGE = 24 * 3600.0
MAX_CACHE = 16 * 1024 * 1024  # bytes: Stream's list is ~20 KB
Fetch = Callable[[], list[dict[str, Any]]]


@dataclass
class Choice:
    catalog: Catalog
    source: str  # "live" (fetched now) | "cache" | "bundled"
    note: str

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "note": self.note, "date": self.catalog.date}


def cache_path(data_dir: Path, base_url: str) -> Path:
    from hookctl.hooks.history import app_slug

    return data_dir / "catalog" / f"{app_slug(base_url, 'hook-events')}.json"


def age_text(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.0f} days"


def to_catalog(events: list[dict[str, Any]], *, source: str, date: str) -> Catalog:
    """A Catalog from the live list; aliases (Feeds model names) come from the bundle.
    Names that are not plain event types (``EVENT_TYPE``) are dropped: a tampered cache
    or server must not make ``x@host#`` a known type that then fills a URL template."""
    from hookctl.base.validate import EVENT_TYPE

    bundled = load_catalog()
    out = []
    for raw in events:
        name = raw.get("name") if isinstance(raw, dict) else None
        if not isinstance(name, str) or not EVENT_TYPE.match(name):
            continue
        products = raw.get("products") or []
        if not isinstance(products, list):
            products = []
        known = bundled.get(name)
        product = (
            str(products[0])
            if isinstance(products, list) and len(products) == 1
            else (known.product if known else ",".join(str(p) for p in products))
        )
        out.append(
            EventType(
                name,
                product,
                str(raw.get("description") or (known.description if known else "")),
                known.aliases if known else (),
            )
        )
    return Catalog(source, date, tuple(out), bundled.unmapped)


def _read(path: Path) -> dict[str, Any] | None:
    """The cached list, or None when there is none hookctl could have written: not a
    regular file (a FIFO would block), over ``MAX_CACHE`` bytes, or another shape
    (``fetched_at`` that is not a finite time: NaN, 1e309, text)."""
    from hookctl.base.stdio import read_capped

    try:
        data = read_capped(path, MAX_CACHE)
        doc = json.loads(data) if data is not None else None
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("events"), list):
        return None
    fetched = doc.get("fetched_at", 0)
    if isinstance(fetched, bool) or not isinstance(fetched, int | float):
        return None
    if not 0 <= fetched < 2**33:  # also refuses NaN and infinity
        return None
    return doc


def _from_cache(doc: dict[str, Any], now: float, why: str = "") -> Choice:
    fetched = float(doc.get("fetched_at", 0))
    stamp = time.strftime("%Y-%m-%d", time.gmtime(fetched))
    catalog = to_catalog(doc["events"], source=f"GET {doc.get('url', '/hook/events')}", date=stamp)
    note = (
        f"live event list from {doc.get('base_url')}, cached {age_text(now - fetched)} ago "
        f"({len(catalog.events)} types)"
    )
    return Choice(catalog, "cache", note + (f"; {why}" if why else ""))


def _bundled(why: str) -> Choice:
    catalog = load_catalog()
    return Choice(
        catalog, "bundled", f"bundled catalog of {catalog.date}" + (f": {why}" if why else "")
    )


def choose(
    cache: Path,
    base_url: str,
    fetch: Fetch | None,
    *,
    refresh: bool = False,
    max_age: float = MAX_AGE,
    now: float | None = None,
) -> Choice:
    """The live list (fetched or cached) or the bundled catalog, and a note saying which.

    ``fetch`` None means: do not touch the network (use a cached list if there is one).
    """
    now = time.time() if now is None else now
    doc = _read(cache)
    fresh = doc is not None and now - float(doc.get("fetched_at", 0)) < max_age
    if fetch is None or (fresh and not refresh):
        return _from_cache(doc, now) if doc is not None else _bundled("no live list cached")
    try:
        events = fetch()
    except HookctlError as exc:
        why = f"the live list is not available ({exc.message})"
        return _from_cache(doc, now, why) if doc is not None else _bundled(why)
    if not events:
        return _bundled(f"{base_url} answered GET /hook/events with no events")
    doc = {"base_url": base_url, "url": "/hook/events", "fetched_at": now, "events": events}
    from hookctl.config.settings import write_private

    cache.parent.mkdir(parents=True, exist_ok=True)
    write_private(cache, json.dumps(doc).encode())
    choice = _from_cache(doc, now)
    choice.source = "live"
    choice.note = (
        f"live event list from {base_url}, fetched now ({len(choice.catalog.events)} types)"
    )
    return choice
