"""Compressed webhook bodies, decoded exactly as Stream's official SDKs decode them.

With the app setting ``enable_hook_payload_compression`` Stream gzips webhook
bodies and sends ``Content-Encoding: gzip``; ``X-Signature`` is still the HMAC of
the **uncompressed** JSON. The SDKs (getstream ``webhook.gunzip_payload``,
stream-chat-js) decide by the gzip magic bytes ``1f 8b``, not by the header: a
JSON body can never start with ``0x1f``, so the bytes are the reliable signal
(a proxy may have decompressed the body and left the header). SQS and SNS
message bodies are base64 of the gzip (``decode_body(..., base64_wrapped=True)``,
as ``getstream.webhook.decode_sqs_payload``/``decode_sns_payload``).

This module is on the ``verify-signature`` start-up path: standard library only,
and ``gzip``/``zlib``/``base64`` are imported only when a body needs them.
"""

from __future__ import annotations

from hookctl.base.errors import UsageError

GZIP_MAGIC = b"\x1f\x8b"


class CorruptBody(UsageError):
    """The body looks gzipped (magic bytes) but does not decompress. Exit 2."""


class InflatesTooFar(UsageError):
    """A gzip body that decompresses to more than the limit (a bomb). Exit 2."""


# decode_body returns (body, compressed, base64): the bytes Stream signed (the
# uncompressed JSON), whether they arrived gzipped, whether base64-wrapped (SQS/SNS).
# A plain tuple: `typing` (NamedTuple) costs ~8 ms on the verify-signature start-up path.
Decoded = tuple[bytes, bool, bool]


def is_gzip(body: bytes) -> bool:
    return body[:2] == GZIP_MAGIC


def _inflates_past(body: bytes, limit: int) -> bool:
    """Whether the gzip members in ``body`` decompress to more than ``limit`` bytes
    (a gzip bomb), found without producing more than ``limit + 1`` bytes."""
    import zlib

    total, data = 0, body
    while data[:2] == GZIP_MAGIC:
        inflater = zlib.decompressobj(wbits=31)
        try:
            total += len(inflater.decompress(data, limit + 1 - total))
        except zlib.error:
            return False  # corrupt: gzip.decompress reports it
        if total > limit:
            return True
        if not inflater.eof:
            return False  # truncated: gzip.decompress reports it
        data = inflater.unused_data
    return False


def gunzip(body: bytes, limit: int | None = None) -> bytes:
    """Decompress a gzip body; ``CorruptBody`` for a corrupt or truncated one,
    ``InflatesTooFar`` for one that decompresses to more than ``limit`` (``MAX_BODY``)."""
    import gzip
    import zlib

    from hookctl.base.stdio import MAX_BODY, size_text

    limit = MAX_BODY if limit is None else limit
    if _inflates_past(body, limit):
        raise InflatesTooFar(
            f"the gzip body decompresses to more than {size_text(limit)}",
            "a webhook body is far smaller: check that this is the captured body",
        )
    try:
        return gzip.decompress(body)
    except (OSError, zlib.error, EOFError) as exc:
        # BadGzipFile (an OSError) for a bad header, zlib.error for a corrupt
        # stream, EOFError for a truncated one: the same three the SDK catches.
        reason = str(exc) or type(exc).__name__
        raise CorruptBody(
            f"the body starts with gzip's magic bytes (1f 8b) but does not decompress: {reason}",
            "the body was cut short or altered on the way; capture the raw bytes again",
        ) from None


def compress(body: bytes) -> bytes:
    """Gzip ``body`` as Stream does for a compressed delivery (``mtime`` 0: reproducible)."""
    import gzip

    return gzip.compress(body, mtime=0)


def _unwrap_sns(text: str) -> str:
    """The ``Message`` of an SNS notification envelope; anything else unchanged."""
    import json

    try:
        envelope = json.loads(text)
    except ValueError:
        return text
    if isinstance(envelope, dict) and isinstance(envelope.get("Message"), str):
        return str(envelope["Message"])
    return text


def decode_body(body: bytes, *, base64_wrapped: bool = False, limit: int | None = None) -> Decoded:
    """The uncompressed bytes Stream signed, however they arrived.

    ``base64_wrapped``: an SQS/SNS message body (an SNS notification envelope is
    unwrapped first); raw JSON is accepted too, as the SDKs accept it.
    """
    was_base64 = False
    if base64_wrapped:
        import base64
        import binascii

        raw = body.decode("utf-8", "replace")
        text = _unwrap_sns(raw)
        try:
            body = base64.b64decode(text.strip(), validate=True)
            was_base64 = True
        except (binascii.Error, ValueError):
            if text is not raw:  # the Message of an SNS envelope, as it was
                body = text.encode()
    if is_gzip(body):
        return gunzip(body, limit), True, was_base64
    return body, False, was_base64
