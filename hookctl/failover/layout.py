"""Stream's failover object layout: names, date prefixes, time windows, shards.

Standard library only, no I/O. Stream writes each failed event to
``{gcs_path}/{yyyy}/{mm}/{dd}/{timestamp}-{event_type}-{hook_id}.json``
(``timestamp`` in Unix seconds, UTC). Event types and hook ids may both contain
``.`` and ``-``, so a name is read from both ends: the timestamp from the left,
``.json`` from the right, and the ``{event_type}-{hook_id}`` middle is split
with what is known (hook ids, the event catalog), in this order:

1. a known hook id at the end (``--hook``, the hook ids of the app);
2. the longest catalog event type at the start;
3. a UUID at the end (what Stream's hook ids look like);
4. the first ``-`` (event types use ``.`` and ``_``; hook ids often hold ``-``).

The rule for time (Stream's own documented example has a name timestamp a year
away from its folder): the ``yyyy/mm/dd`` folder is the day of record and
decides which prefixes are listed; the name's timestamp orders and filters an
object only when it falls inside that day; otherwise the envelope's
``failed_at`` decides.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hookctl.base.errors import UsageError

DAY = timedelta(days=1)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# ASCII digits only: `\d` and int() would read full-width or Arabic-Indic digits
# ("１２-…") as a timestamp Stream never writes.
_NAME = re.compile(
    r"^(?P<prefix>(?:.*/)?)(?P<y>[0-9]{4})/(?P<m>[0-9]{2})/(?P<d>[0-9]{2})/"
    r"(?P<ts>[0-9]{1,12})-(?P<middle>[^/]+)\.json$"
)
_UNICODE_DIGITS = re.compile(r"^(?:.*/)?\d{4}/\d{2}/\d{2}/\d{1,12}-[^/]+\.json$")
_UUID_TAIL = re.compile(
    r"-(?P<id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
)


@dataclass(slots=True, unsafe_hash=True)  # not frozen: see gcs.Listed (hot path)
class ObjectName:
    """A failover object name, parsed (``NameParser`` builds these)."""

    name: str
    prefix: str  # gcs_path with its trailing slash, or ""
    day: date  # the folder: the day of record
    timestamp: int  # Unix seconds from the name
    event_type: str
    hook_id: str
    # The name's time when it falls inside its folder's day (then it can be trusted),
    # else None. Decided by the parser on integers (``trusted_at``): listing asks it
    # several times a name.
    trusted_time: datetime | None = field(default=None, repr=False, compare=False)

    @property
    def name_time(self) -> datetime | None:
        """The name's timestamp as a time, or None when no calendar holds it (999999999999)."""
        try:
            return datetime.fromtimestamp(self.timestamp, UTC)
        except (ValueError, OverflowError, OSError):
            return None

    @property
    def time_in_folder(self) -> bool:
        return self.trusted_time is not None


def day_start(day: date) -> int:
    """The Unix second a UTC day starts at."""
    return (day.toordinal() - _EPOCH_ORDINAL) * 86400


def trusted_at(timestamp: int, start: int) -> datetime | None:
    """The name's time if it lies in the folder's day (which starts at ``start``), else None."""
    return datetime.fromtimestamp(timestamp, UTC) if start <= timestamp < start + 86400 else None


def parse_name(
    name: str, *, hook_ids: Iterable[str] = (), event_types: Iterable[str] = ()
) -> ObjectName | None:
    """Parse an object name; None if it does not follow Stream's layout."""
    return NameParser(hook_ids, event_types).parse(name)


class NameParser:
    """``parse_name`` with the known hook ids and event types prepared once (hot path).

    Object names come from the bucket, which is untrusted: whatever the name
    (unpaired surrogates, control characters, ``..`` segments, timestamps no
    calendar holds), ``explain`` returns either the parsed name or the reason it
    is not one of Stream's, and never raises.
    """

    def __init__(self, hook_ids: Iterable[str] = (), event_types: Iterable[str] = ()) -> None:
        self.hook_ids = sorted({h for h in hook_ids if h}, key=len, reverse=True)
        self.event_types = frozenset(event_types)
        self._splits: dict[str, tuple[str, str] | None] = {}
        self._days: dict[tuple[str, str, str], date] = {}
        # folder (the name up to its last "/") → (prefix, day, the day's first second),
        # or None when the folder is not a clean one of Stream's (the full check decides)
        self._folders: dict[str, tuple[str, date, int] | None] = {}

    def parse(self, name: str) -> ObjectName | None:
        parsed = self.explain(name)
        return parsed if isinstance(parsed, ObjectName) else None

    def explain(self, name: str) -> ObjectName | str:
        """The parsed name, or why it is outside Stream's failover layout."""
        if type(name) is str and name.isascii():  # the usual name: no full check
            parsed = self._usual(name)
            if parsed is not None:
                return parsed
        return self._explain(name)

    def _usual(self, name: str) -> ObjectName | None:
        """``_explain``'s answer for an ASCII name it would place, with string operations
        and the folder's verdict remembered (hot path: once per listed name, ~3x faster
        than the full check); None when unsure, and ``_explain`` decides. It accepts a
        subset of what ``_explain`` places, with the same result (a property test)."""
        slash = name.rfind("/")
        if slash < 0:
            return None
        folder = name[:slash]
        known = self._folders.get(folder, _UNSEEN_FOLDER)
        if known is _UNSEEN_FOLDER:
            known = self._folders[folder] = clean_folder(folder)
            if len(self._folders) >= _SPLITS_KEPT:
                self._folders.clear()
        # ASCII: not printable is exactly a control character (0x00-0x1f, 0x7f), and
        # isprintable is a fifth of the regex's cost
        if known is None or len(name) > MAX_NAME or not name.isprintable():
            return None
        ts, dash, rest = name[slash + 1 :].partition("-")
        if not (dash and 0 < len(ts) <= 12 and ts.isdigit() and rest.endswith(".json")):
            return None
        middle = rest[:-5]
        split = self._splits.get(middle)
        if split is None:
            return None  # a middle the full check has not split (yet)
        prefix, day, start = known
        timestamp = int(ts)
        event_type, hook_id = split
        trusted = datetime.fromtimestamp(timestamp, UTC) if 0 <= timestamp - start < 86400 else None
        return ObjectName(name, prefix, day, timestamp, event_type, hook_id, trusted)

    def _explain(self, name: str) -> ObjectName | str:
        """``explain`` for any name: every check, in order."""
        problem = name_problem(name)
        if problem is not None:
            return problem
        match = _NAME.match(name)
        if match is None:
            if _UNICODE_DIGITS.match(name):
                return "date folder or timestamp has non-ASCII digits"
            return "name outside Stream's failover layout"
        prefix, y, m, d, ts, middle = match.groups()  # one call, not six lookups (hot path)
        day = self._days.get((y, m, d))  # a listing repeats few folders
        if day is None:
            try:
                day = date(int(y), int(m), int(d))
            except ValueError:
                return f"folder {y}/{m}/{d} is not a calendar day"
            if len(self._days) >= _SPLITS_KEPT:
                self._days.clear()
            self._days[(y, m, d)] = day
        split = self.split_of(middle)
        if split is None:
            return "name has no {event_type}-{hook_id} part"
        event_type, hook_id = split
        timestamp = int(ts)
        trusted = trusted_at(timestamp, day_start(day))
        return ObjectName(name, prefix, day, timestamp, event_type, hook_id, trusted)

    def split_of(self, middle: str) -> tuple[str, str] | None:
        """A name's ``{event_type}-{hook_id}`` middle split as the full check splits it
        (None: it cannot be), remembered: a backlog repeats few."""
        split = self._splits.get(middle)
        if split is None:
            split = self._split(middle)
            if len(self._splits) >= _SPLITS_KEPT:
                self._splits.clear()
            self._splits[middle] = split
        return split

    def _split(self, middle: str) -> tuple[str, str] | None:
        for hook_id in self.hook_ids:
            if middle.endswith(f"-{hook_id}") and len(middle) > len(hook_id) + 1:
                return middle[: -len(hook_id) - 1], hook_id
        dash = middle.rfind("-")
        while dash > 0:  # the longest catalog event type followed by "-" and a hook id
            if middle[:dash] in self.event_types and dash < len(middle) - 1:
                return middle[:dash], middle[dash + 1 :]
            dash = middle.rfind("-", 0, dash)
        uuid_tail = _UUID_TAIL.search(middle)
        if uuid_tail is not None and uuid_tail.start() > 0:
            return middle[: uuid_tail.start()], uuid_tail["id"]
        event_type, dash_found, hook_id = middle.partition("-")
        if not dash_found or not event_type or not hook_id:
            return None
        return event_type, hook_id


MAX_NAME = 1024  # GCS's limit, in UTF-8 bytes
_SPLITS_KEPT = 4096  # distinct name middles (and folders) remembered by a NameParser
_UNSEEN_FOLDER: Any = object()
_FOLDER = re.compile(r"^(?P<prefix>(?:.*/)?)(?P<y>[0-9]{4})/(?P<m>[0-9]{2})/(?P<d>[0-9]{2})$")


def clean_folder(folder: str) -> tuple[str, date, int] | None:
    """(prefix, day, the day's first second) for a folder ``_explain`` accepts whatever
    file name follows it: ASCII, no empty, ``.`` or ``..`` segment, ``…/yyyy/mm/dd``
    naming a calendar day; None for any other. (Control characters are looked for in
    the whole name, each time.)"""
    match = _FOLDER.match(folder)
    if match is None or not folder.isascii() or not _BAD_SEGMENTS.isdisjoint(folder.split("/")):
        return None
    prefix, y, m, d = match.groups()
    try:
        day = date(int(y), int(m), int(d))
    except ValueError:
        return None
    return prefix, day, day_start(day)


def name_problem(name: object) -> str | None:
    """Why an object name cannot be handled safely at all, or None if it can."""
    if not isinstance(name, str) or not name:
        return "object has no name"
    if name.isascii():  # one byte a character, no surrogates; control = not printable
        size, control = len(name), not name.isprintable()
    else:
        try:
            size = len(name.encode("utf-8"))
        except UnicodeEncodeError:
            return "name is not valid UTF-8"
        control = _CONTROL_CHAR.search(name) is not None
    if size > MAX_NAME:
        return f"name is longer than {MAX_NAME} bytes"
    if control:
        return "name holds control characters"
    if not _BAD_SEGMENTS.isdisjoint(name.split("/")):
        return "name has an empty, '.' or '..' path segment"
    return None


_CONTROL_CHAR = re.compile(r"[\x00-\x1f\x7f]")
_BAD_SEGMENTS = frozenset({"", ".", ".."})


_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F]}


def printable(name: str) -> str:
    """A name safe to print and to put in JSON: unpaired surrogates and control
    characters become backslash escapes (only names that have them change)."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8").translate(_CONTROL)


def object_name(path: str, failed_at: datetime, event_type: str, hook_id: str) -> str:
    """The name Stream gives a failed event (the sandbox writes with this)."""
    when = failed_at.astimezone(UTC)
    prefix = f"{path.strip('/')}/" if path.strip("/") else ""
    return f"{prefix}{when:%Y/%m/%d}/{int(when.timestamp())}-{event_type}-{hook_id}.json"


def base_prefix(path: str) -> str:
    return f"{path.strip('/')}/" if path.strip("/") else ""


def day_prefixes(path: str, since: datetime, until: datetime) -> list[tuple[date, str]]:
    """The ``{path}/yyyy/mm/dd/`` prefixes whose day overlaps [since, until), oldest first."""
    base = base_prefix(path)
    days = []
    day = since.astimezone(UTC).date()
    last = (until.astimezone(UTC) - timedelta(microseconds=1)).date()
    while day <= last:
        days.append((day, f"{base}{day:%Y/%m/%d}/"))
        day += DAY
    return days


def name_ranges(
    prefix: str, day: date, since: datetime, until: datetime
) -> list[tuple[str | None, str | None]]:
    """Name ranges ``[start, end)`` under one day prefix that hold every object the window can.

    A list call can start and end at given names (GCS's ``startOffset`` and
    ``endOffset``), and names sort by their 10-digit timestamp, so a window that
    covers only part of a day maps to a name range. The folder-vs-name rule still
    holds: names whose timestamp lies outside the folder's day sort below or
    above the whole day and are listed too (a second, usually empty range at
    each end), so the envelope can decide them. What is skipped is the day's own
    timestamps outside the window; the one bound: a name whose timestamp has
    other than 10 digits (before 2001-09-09 or after 2286) and whose digits sort
    among those skipped names is not seen (``--scan`` lists everything).
    ``None`` means the prefix's first or last name. A window covering the whole
    day gives one range: the whole prefix.
    """
    start = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    stop = start + 86400
    # Integer seconds t are in the window when since <= t < until.
    low = max(start, math.ceil(since.timestamp()))
    high = min(stop, math.ceil(until.timestamp()))
    if (low <= start and high >= stop) or not 10**9 <= start < stop < 10**10:
        return [(None, None)]
    ranges: list[tuple[str | None, str | None]] = [(None, f"{prefix}{start}")]
    if low < high:
        ranges.append((f"{prefix}{low}", f"{prefix}{high}"))
    ranges.append((f"{prefix}{stop}", None))
    merged = [ranges[0]]
    for first, last in ranges[1:]:  # adjacent ranges become one list call
        if merged[-1][1] == first:
            merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


MAX_SHARDS = 100_000  # Cloud Run runs at most 10,000 tasks, a Kubernetes indexed Job 100,000


def parse_shard(text: str) -> tuple[int, int]:
    """``2/8`` → (2, 8): shard 2 of shards 0…7 (0-based, like CLOUD_RUN_TASK_INDEX). At
    most ``MAX_SHARDS``: a count of 10^20 left every task a share of nothing, exit 0."""
    from hookctl.base.numbers import whole

    index, slash, count = text.partition("/")
    i, n = whole(index), whole(count)  # ASCII digits only: not "1_0", not "١"
    if not slash or i is None or n is None or not 1 <= n <= MAX_SHARDS or not 0 <= i < n:
        raise UsageError(
            f"--shard {text[:80]!r} is not INDEX/COUNT with 0 <= INDEX < COUNT <= {MAX_SHARDS:,}",
            "e.g. --shard 0/8 … --shard 7/8 (the same numbering as CLOUD_RUN_TASK_INDEX)",
        )
    return i, n


def shard_of(name: str, count: int) -> int:
    """A stable shard for an object name: the same on every machine and Python version."""
    digest = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def envelope(
    *,
    hook_id: str,
    url: str,
    event_type: str,
    error: str,
    failed_at: datetime,
    payload: dict[str, Any],
) -> dict[str, Any]:
    """The JSON object Stream writes for one failed event (field order as documented)."""
    return {
        "original_hook_id": hook_id,
        "original_webhook_url": url,
        "event_type": event_type,
        "error_message": error,
        "failed_at": failed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "payload": payload,
    }
