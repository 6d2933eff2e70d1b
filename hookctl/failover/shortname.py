"""Object names short enough for an 80-column table, and back to the object.

A failover object's name is ~100 characters
(``stream/failed-events/2026/04/03/1775217600-message.new-<36-character hook id>.json``)
and every row of a listing starts with the same ``stream/failed-events/…``, so a
table cut at 80 columns showed the one part that is alike. What tells rows apart
is the file name: time, event type and hook. The short name is the start of it,
``1775217600-message.new-3f2a9c1d``: no ``.json``, the hook id as its shortest
prefix of at least 8 characters that no other hook of the app starts with, and the
``yyyy/mm/dd/`` folder in front only when the name's time falls outside its folder's
day (then the time does not say where to look). A table too narrow for it cuts it
in the middle with "…".

``failover object`` takes it back: a short name is looked for under its folder (the
day of its timestamp) among the names of that second only, with "…" matching any
characters, and must match exactly one object; a full name or ``gs://`` URL is used
as it is. Pure functions here; ``resolve`` lists through the source's bucket.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hookctl.base.errors import NotFound, UsageError
from hookctl.base.plaintext import shortest_unique_prefixes

if TYPE_CHECKING:
    from hookctl.failover.source import Source

SHORT = re.compile(
    r"^(?:(?P<day>[0-9]{4}/[0-9]{2}/[0-9]{2})/)?(?P<ts>[0-9]{1,12})-(?P<rest>[^/]+)$"
)
_FOLDER = re.compile(r"(?:^|/)(?P<day>[0-9]{4}/[0-9]{2}/[0-9]{2})/(?P<ts>[0-9]{1,12})-[^/]*$")


def hook_prefixes(hook_ids: Iterable[str]) -> dict[str, str]:
    """Each hook id's shortest prefix (8+ characters) no other id starts with."""
    return shortest_unique_prefixes([h for h in hook_ids if h])


def short_name(name: str, hook_id: str, prefixes: dict[str, str]) -> str:
    """The part of ``name`` a table shows: ``{ts}-{event_type}-{hook prefix}`` (folder in
    front when the timestamp is outside it). A name not of that shape is shown whole."""
    file = name.rsplit("/", 1)[-1]
    if not file.endswith(".json"):
        return name
    stem = file[: -len(".json")]
    short_hook = prefixes.get(hook_id, hook_id)
    if hook_id and stem.endswith(f"-{hook_id}"):
        stem = stem[: len(stem) - len(hook_id)] + short_hook
    folder = _FOLDER.search(name)
    if folder is None:
        return name
    if _day_of(int(folder["ts"])) != folder["day"]:
        stem = f"{folder['day']}/{stem}"
    return stem


def _day_of(ts: int) -> str | None:
    try:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y/%m/%d")
    except (ValueError, OverflowError, OSError):
        return None


@dataclass(frozen=True)
class Short:
    """A short name as typed: the folder to look in, the second, and the pattern."""

    text: str
    day: str
    ts: str
    pattern: re.Pattern[str]

    def matches(self, name: str) -> bool:
        return self.pattern.match(name.rsplit("/", 1)[-1]) is not None

    def hook_part(self) -> str:
        """What follows the last event-type character: the hook id prefix, as typed."""
        return self.text.rsplit("…", 1)[-1]


def parse_short(text: str) -> Short | None:
    """A short name (``1775217600-message.new-3f2a9c1d``, maybe with its folder, ``.json``
    or a "…"), or None when ``text`` is a full name to use as it is."""
    stem = text.removesuffix(".json")
    match = SHORT.match(stem)
    if match is None:
        return None
    day = match["day"] or _day_of(int(match["ts"]))
    if day is None:
        return None
    body = re.escape(f"{match['ts']}-{match['rest']}").replace("…", ".*")
    return Short(stem, day, match["ts"], re.compile(f"^{body}.*\\.json$", re.S))


def hook_for(short: Short, hook_ids: Iterable[str]) -> str | None:
    """The one hook whose id the short name ends with a prefix of, if exactly one."""
    tail = short.hook_part()
    found = [h for h in hook_ids if any(tail.endswith(f"-{h[:k]}") for k in range(1, len(h) + 1))]
    return found[0] if len(found) == 1 else None


def resolve(source: Source, text: str) -> str:
    """The full object name ``text`` stands for in ``source``: ``text`` itself unless it
    is a short name, which must match exactly one object of its second."""
    short = parse_short(text)
    if short is None:
        return text
    import asyncio

    from hookctl.failover.layout import base_prefix
    from hookctl.failover.source import open_bucket

    prefix = f"{base_prefix(source.path)}{short.day}/"

    async def names() -> list[str]:
        found: list[str] = []
        async with open_bucket(source, connections=2) as gcs:
            start, end = f"{prefix}{short.ts}-", f"{prefix}{short.ts}."  # "." sorts after "-"
            async for page in gcs.list(prefix, start, end):
                found += [item.name for item in page if short.matches(item.name)]
        return found

    found = asyncio.run(names())
    where = f"gs://{source.bucket}/{prefix}"
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(
            f"no object in {where} starts with {short.text}",
            "copy OBJECT from `hookctl failover list` (or the full name from its --json)",
        )
    shown = ", ".join(name.rsplit("/", 1)[-1] for name in found[:3])
    raise UsageError(
        f"{short.text} matches {len(found)} objects in {where} ({shown}"
        + (", …)" if len(found) > 3 else ")"),
        "paste more of the name (the event type, more of the hook id), or the full name",
    )
