"""Internal: ``hookctl.api.verify_signature`` and ``sign``, over ``webhooks.verify``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Verification:
    """The verdict on one delivery, as ``hookctl verify-signature --json`` gives it.

    ``matched`` is the index of the secret that matched (``None`` when invalid);
    ``compressed`` says the body arrived gzip-compressed (checked over its uncompressed
    bytes, which is what Stream signs); ``body`` holds those checked bytes.
    """

    valid: bool
    reason: str | None
    matched: int | None
    compressed: bool
    body: bytes

    def __bool__(self) -> bool:
        return self.valid


def verify_signature(
    body: bytes,
    signature: str,
    secrets: str | Sequence[str],
    *,
    base64_wrapped: bool = False,
) -> Verification:
    """Check a Stream webhook's ``X-Signature`` against the raw request body.

    ``body`` is the request body as received: plain JSON, or gzip (Stream's compressed
    deliveries, recognised by their magic bytes). ``secrets``: the app's API secret, or
    several during a rotation (every one is tried, in constant time). ``base64_wrapped``
    reads an SQS/SNS message body. Malformed input (an empty signature, a corrupt gzip
    body) raises ``UsageError``; a mismatch is ``valid=False`` with a reason.

    Example::

        from hookctl.api import verify_signature

        result = verify_signature(request_body, headers["X-Signature"], os.environ["SECRET"])
        if not result:
            raise PermissionError(result.reason)
    """
    from hookctl.webhooks.verify import check_signature

    given = [secrets] if isinstance(secrets, str) else list(secrets)
    valid, reason, matched, compressed, checked = check_signature(
        body, signature, given, base64_wrapped=base64_wrapped
    )
    return Verification(valid, reason, matched, compressed, checked)


def sign(body: bytes, secret: str) -> str:
    """Stream's ``X-Signature`` for ``body`` (lowercase hex HMAC-SHA256 of the plain bytes).

    Example::

        from hookctl.api import sign, verify_signature

        assert verify_signature(b'{"type":"message.new"}', sign(b'{"type":"message.new"}', "s"), "s")
    """
    from hookctl.webhooks.signing import sign as hmac_sign

    return hmac_sign(body, secret)
