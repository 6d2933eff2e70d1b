"""The replay hot path's shortcuts give the same answers as the plain code they replace.

Replay computes an ``X-Webhook-Id``, serialises a payload, reads a download and checks
a name once per event; each has a faster form (issue 27). These pin that the fast
form agrees with the obvious one on any input, and that a download the listing
under-reports is still cut at the size limit, compressed or not.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import uuid
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from hookctl.failover.gcs import Auth, Bucket, Listed, TooLarge
from hookctl.failover.ids import webhook_id
from hookctl.stream.models import parse_envelope, payload_body
from tests.loopback import Loopback, Reply

ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | ANY_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=20,
)


@given(st.text(max_size=30), ANY_TEXT, st.text("0123456789", max_size=17))
def test_webhook_id_is_uuid5_of_the_object_generation(bucket: str, name: str, gen: str) -> None:
    expected = uuid.uuid5(uuid.NAMESPACE_URL, f"gs://{bucket}/{name}#{gen}")
    assert webhook_id(bucket, Listed(name, gen, 0)) == str(expected)


@given(st.dictionaries(ANY_TEXT, JSON, max_size=6))
def test_payload_body_is_compact_utf8_json_of_the_payload(extra: dict[str, Any]) -> None:
    payload = {**extra, "type": "message.new"}
    envelope = parse_envelope(
        json.dumps(
            {
                "original_hook_id": "h",
                "original_webhook_url": "https://example.com/hook",
                "event_type": "message.new",
                "failed_at": "2026-03-01T00:00:00Z",
                "payload": payload,
            }
        ).encode()
    )
    body = payload_body(envelope)
    assert json.loads(body) == payload  # the same value, floats exactly
    if not _has_float(payload):  # floats may be spelt otherwise (`1e-5` as `0.00001`)
        assert body == json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _has_float(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return isinstance(value, float)


def _download(server: Loopback, limit: int) -> bytes | str:
    async def main() -> bytes | str:
        async with Bucket("b", Auth(None), endpoint=server.base_url, timeout=5) as bucket:
            try:
                return await bucket.download(Listed("a/1-x-h.json", "7", 10), limit)
            except TooLarge:
                return "too large"

    return asyncio.run(main())


def test_a_download_larger_than_listed_is_cut_at_the_limit_compressed_or_not() -> None:
    big = b"x" * 5000
    with Loopback() as server:
        server.route(
            "GET",
            "/download/*",
            Reply(200, big),  # plain, with Content-Length: over the limit
            Reply(200, gzip.compress(big), {"Content-Encoding": "gzip"}),  # 5 KB from ~40 B
            Reply(200, b"y" * 100),
        )
        assert _download(server, 1000) == "too large"
        assert _download(server, 1000) == "too large"
        assert _download(server, 1000) == b"y" * 100
