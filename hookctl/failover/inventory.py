"""What lies in the failover bucket: ``failover list`` and ``failover show OBJECT``."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hookctl.errors import UsageError
from hookctl.failover.gcs import Bucket, Listed, TooLarge
from hookctl.failover.select import Candidate, Finder, Skipped
from hookctl.models import Envelope, MalformedObject, parse_envelope

CONCURRENCY = 16


@dataclass(frozen=True)
class Row:
    name: str
    generation: str
    size: int
    event_type: str
    hook_id: str
    time: datetime
    time_from: str  # "name" or "failed_at"

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "generation": self.generation,
            "size": self.size,
            "event_type": self.event_type,
            "hook_id": self.hook_id,
            "time": self.time.isoformat().replace("+00:00", "Z"),
            "time_from": self.time_from,
        }


@dataclass
class Summary:
    days: Counter[str]
    event_types: Counter[str]
    hooks: Counter[str]
    count: int = 0
    bytes: int = 0

    def add(self, row: Row) -> None:
        self.days[row.time.date().isoformat()] += 1
        self.event_types[row.event_type] += 1
        self.hooks[row.hook_id] += 1
        self.count += 1
        self.bytes += row.size


def new_summary() -> Summary:
    return Summary(Counter(), Counter(), Counter())


async def rows(finder: Finder, max_bytes: int, malformed: list[Skipped]) -> AsyncIterator[Row]:
    """Objects in the selection, in listing order. Only objects whose name cannot
    place them in time (timestamp outside the folder's day) are downloaded."""
    bucket = finder.bucket
    slots = asyncio.Semaphore(CONCURRENCY)
    window: asyncio.Queue[Any] = asyncio.Queue(maxsize=CONCURRENCY * 4)

    async def resolve(candidate: Candidate) -> Row | Skipped | None:
        item, parsed = candidate.item, candidate.parsed
        assert parsed is not None
        if candidate.decided:
            return Row(
                item.name,
                item.generation,
                item.size,
                parsed.event_type,
                parsed.hook_id,
                parsed.name_time,
                "name",
            )
        async with slots:
            try:
                envelope = parse_envelope(await bucket.download(item, max_bytes))
            except TooLarge:
                return Skipped(
                    item.name, f"object is over the {max_bytes} byte limit", item.generation
                )
            except MalformedObject as exc:
                return Skipped(item.name, exc.reason, item.generation)
        if not finder.selection.by_envelope(
            envelope.event_type, envelope.original_hook_id, envelope.failed_at
        ):
            finder.listing.filtered += 1
            return None
        return Row(
            item.name,
            item.generation,
            item.size,
            envelope.event_type,
            envelope.original_hook_id,
            envelope.failed_at,
            "failed_at",
        )

    async def produce() -> None:
        try:
            async for candidate in finder.candidates():
                await window.put(asyncio.create_task(resolve(candidate)))
        finally:
            await window.put(None)

    producer = asyncio.create_task(produce())
    try:
        while (task := await window.get()) is not None:
            result = await task
            if isinstance(result, Skipped):
                malformed.append(result)
            elif result is not None:
                yield result
        await producer
    finally:
        producer.cancel()


async def read_object(
    bucket: Bucket, name: str, max_bytes: int
) -> tuple[Listed, Envelope | None, bytes, str | None]:
    """One object: its metadata, the parsed envelope (or why not), and the raw bytes."""
    name = name.removeprefix(f"gs://{bucket.name}/")
    if name.startswith("gs://"):
        raise UsageError(f"{name} is not in bucket {bucket.name}", "pass --bucket for that bucket")
    item = await bucket.head(name)
    try:
        body = await bucket.download(item, max_bytes)
    except TooLarge:
        return item, None, b"", f"object is over the {max_bytes} byte limit"
    try:
        return item, parse_envelope(body), body, None
    except MalformedObject as exc:
        return item, None, body, exc.reason


def pick_failover(hooks: list[dict[str, Any]], hook_id: str | None) -> dict[str, Any]:
    """The hook whose failover_config to read: ``--hook``, or the only hook with failover."""
    from hookctl.hooks import get

    if hook_id:
        hook = get(hooks, hook_id)
        if not hook.get("failover_config"):
            raise UsageError(
                f"hook {hook.get('id')} has no failover configured",
                "pass --bucket/--path to read a bucket directly",
            )
        return hook
    with_failover = [h for h in hooks if h.get("failover_config")]
    if len(with_failover) == 1:
        return with_failover[0]
    if not with_failover:
        raise UsageError(
            "no hook of this app has failover configured",
            "pass --bucket (and --path) to read a bucket directly",
        )
    ids = ", ".join(str(h.get("id")) for h in with_failover)
    raise UsageError(f"{len(with_failover)} hooks have failover ({ids})", "pick one with --hook ID")
