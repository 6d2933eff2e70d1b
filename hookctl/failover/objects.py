"""One object in the failover bucket, for ``failover object``: metadata and envelope.

The time shown is the envelope's ``failed_at`` (the failure time Stream recorded), the
same one ``failover list`` and ``replay --dry-run`` show once they have read the envelope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hookctl.base import aio
from hookctl.base.errors import UsageError
from hookctl.base.validate import printable
from hookctl.failover.gcs import Bucket, Listed, TooLarge
from hookctl.failover.layout import parse_name
from hookctl.failover.select import time_text
from hookctl.failover.source import Source, open_bucket
from hookctl.stream.models import Envelope, MalformedObject, parse_envelope

SHOW_MAX_BYTES = 20 * 1024 * 1024


def split_gs_url(name: str, bucket: str | None) -> tuple[str | None, str]:
    """``gs://BUCKET/NAME`` names its bucket, unless one was given (then NAME is checked
    against it when read)."""
    if name.startswith("gs://") and not bucket:
        found, _, rest = name.removeprefix("gs://").partition("/")
        if not rest:
            raise UsageError(
                f"{printable(name)[:200]} names a bucket, not an object",
                "give gs://BUCKET/NAME (see `hookctl failover list` for names)",
            )
        return found, rest
    return bucket, name


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


@dataclass(frozen=True)
class ObjectView:
    """One object for ``failover object``: metadata, the envelope or why there is none."""

    item: Listed
    envelope: Envelope | None
    body: bytes
    problem: str | None

    @property
    def excerpt(self) -> str:
        """The start of an object that is not an envelope."""
        return self.body[:300].decode("utf-8", "replace")

    @property
    def time(self) -> tuple[datetime | None, str]:
        """The event's one time and where it is from, as ``failover list`` labels it: the
        envelope's ``failed_at``, else the time in the object's name (None: neither)."""
        if self.envelope is not None:
            return self.envelope.failed_at, "failed_at"
        parsed = parse_name(self.item.name)
        return (parsed.name_time if parsed else None), "name"

    def as_json(self) -> dict[str, Any]:
        """``failover object --json``: the envelope, or why there is none."""
        item = self.item
        when, source = self.time
        head = {
            "name": item.name,
            "generation": item.generation,
            "size": item.size,
            "time": time_text(when) if when else None,
            "time_from": source if when else None,
        }
        if self.envelope is None:
            return {**head, "malformed": self.problem, "excerpt": self.excerpt}
        return {**head, "envelope": self.envelope.model_dump(mode="json")}


def fetch_object(source: Source, name: str, max_bytes: int = SHOW_MAX_BYTES) -> ObjectView:
    async def main() -> ObjectView:
        async with open_bucket(source, connections=2) as gcs:
            return ObjectView(*await read_object(gcs, name, max_bytes))

    return aio.run(main())
