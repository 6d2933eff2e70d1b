"""What names one object generation: the journal's key and the ``X-Webhook-Id`` a replay sends.

Both derive from the bucket, the object's name and its generation, so a rerun, a resumed
run and a second operator agree on them without asking each other.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hookctl.failover.gcs import Listed


def object_key(bucket: str, item: Listed) -> str:
    """The journal's name for one object generation."""
    return key_of(bucket, item.name, item.generation)


def key_of(bucket: str, name: str, generation: str) -> str:
    """``object_key`` from a name and generation (``failover list`` judges rows)."""
    return f"gs://{bucket}/{name}#{generation}"


def webhook_id(bucket: str, item: Listed) -> str:
    """``uuid5(NAMESPACE_URL, object_key)``, per object generation, so a receiver that
    deduplicates sees a replay once; built without a ``UUID`` (a test checks it agrees).
    An archived copy keeps its original's id (``Listed.webhook_id``, from its metadata)."""
    if item.webhook_id is not None:
        return item.webhook_id
    digest = _URL_NAMESPACE.copy()
    digest.update(object_key(bucket, item).encode())
    raw = bytearray(digest.digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_URL_NAMESPACE = hashlib.sha1(uuid.NAMESPACE_URL.bytes, usedforsecurity=False)
