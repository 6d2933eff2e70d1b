"""Why a signature check failed: ``verify-signature --explain``.

"My signature check fails" is the most common complaint in Stream's SDK issue
trackers. The usual causes change the bytes between Stream and the check: a
framework re-serialises the JSON, an editor adds a newline or a BOM, a proxy
converts line endings, compression is undone (or not), the wrong secret is
used, or the signature itself was copied wrongly. This module tries each
likely cause and says which one fits; when none does, the body is not what
Stream signed.

Imported only when ``--explain`` is given (the fast path stays small); standard
library only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from hookctl.webhooks.signing import normalise_signature, sign

Secret = tuple[str, str]  # (label, value); labels name the source, never the value
BOM = b"\xef\xbb\xbf"


class Finding(NamedTuple):
    cause: str  # a stable code for --json
    explanation: str
    secret: str | None = None  # the label of the secret that matched


def _matches(body: bytes, wanted: str, secrets: list[Secret]) -> str | None:
    for label, secret in secrets:
        if hmac.compare_digest(sign(body, secret), wanted):
            return label
    return None


def _signature_problem(signature: str, body: bytes, secrets: list[Secret]) -> Finding | None:
    """The signature is not 64 lowercase-hex characters: say what it is instead."""
    import base64
    import binascii
    import string

    given = normalise_signature(signature)
    for prefix in ("sha256=", "v1=", "hmac-sha256="):
        if given.startswith(prefix) and _matches(body, given[len(prefix) :], secrets):
            return Finding(
                "signature-prefix",
                f"the signature carries a {prefix!r} prefix: Stream's X-Signature is the bare "
                "hex digest; without the prefix it matches",
            )
    raw = signature.strip()
    try:
        decoded = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(decoded) == 32:
        for label, secret in secrets:
            digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
            if hmac.compare_digest(digest, decoded):
                return Finding(
                    "signature-base64",
                    "the signature is base64 of the HMAC; Stream sends (and hookctl checks) "
                    "lowercase hex: it matches once encoded as hex",
                    label,
                )
    if len(given) != 64:
        return Finding(
            "signature-length",
            f"the signature has {len(given)} characters; an X-Signature (hex HMAC-SHA256) has "
            "64: it was cut or padded when copied, or it is not Stream's signature",
        )
    if any(c not in string.hexdigits for c in given):
        return Finding(
            "signature-not-hex",
            "the signature is 64 characters but not hexadecimal: it is not an X-Signature "
            "(lowercase hex HMAC-SHA256)",
        )
    return None


def _reserialisations(body: bytes) -> Iterator[tuple[str, bytes]]:
    try:
        parsed = json.loads(body.removeprefix(BOM))
    except (ValueError, UnicodeDecodeError):
        return
    for sort_keys in (False, True):
        for ascii_only in (True, False):
            for name, kwargs in (
                ("compact (no spaces)", {"separators": (",", ":")}),
                ("spaced (', ' and ': ')", {}),
                ("indented by 2", {"indent": 2}),
                ("indented by 4", {"indent": 4}),
            ):
                text = json.dumps(parsed, sort_keys=sort_keys, ensure_ascii=ascii_only, **kwargs)
                what = name + (", keys sorted" if sort_keys else "")
                what += "" if ascii_only else ", non-ASCII kept as UTF-8"
                yield what, text.encode()


def _variants(body: bytes) -> Iterator[tuple[str, str, bytes]]:
    """(cause, explanation, bytes) for every likely alteration of the body."""
    from hookctl.webhooks.compression import compress, is_gzip

    if is_gzip(body):
        yield (
            "signed-compressed",
            "the signature was computed over the gzip bytes; Stream signs the uncompressed "
            "JSON, so whatever produced this signature is not Stream (or signed after compressing)",
            body,
        )
    else:
        yield (
            "compressed",
            "the signature matches the body gzipped: whatever signed it compressed first; "
            "Stream signs the uncompressed JSON",
            compress(body),
        )
    endings: list[tuple[str, str, bytes]] = [
        ("trailing-newline-added", "a trailing newline was added to the body", body.rstrip(b"\n")),
        (
            "trailing-newline-added",
            "a trailing CRLF was added to the body",
            body.removesuffix(b"\r\n"),
        ),
        (
            "trailing-whitespace-added",
            "trailing whitespace was added to the body",
            body.rstrip(),
        ),
        ("trailing-newline-removed", "the body's trailing newline was removed", body + b"\n"),
        ("trailing-newline-removed", "the body's trailing CRLF was removed", body + b"\r\n"),
        (
            "crlf",
            "line endings were converted from LF to CRLF",
            body.replace(b"\r\n", b"\n"),
        ),
        ("crlf", "line endings were converted from CRLF to LF", body.replace(b"\n", b"\r\n")),
        ("bom-added", "a UTF-8 byte-order mark (BOM) was added in front", body.removeprefix(BOM)),
        ("bom-removed", "the body's UTF-8 byte-order mark (BOM) was removed", BOM + body),
    ]
    for cause, text, variant in endings:
        if variant != body:
            yield cause, text + ": the original bytes match", variant
    for what, variant in _reserialisations(body):
        if variant != body:
            yield (
                "reserialised",
                f"the JSON was re-serialised: the signature matches it written {what}; check "
                "the raw request body as received, before any JSON parsing",
                variant,
            )


def _sorted_everywhere(value: Any) -> bool:
    if isinstance(value, dict):
        keys = list(value)
        return keys == sorted(keys) and all(_sorted_everywhere(v) for v in value.values())
    if isinstance(value, list):
        return all(_sorted_everywhere(v) for v in value)
    return True


def _reserialised_shape(body: bytes) -> str:
    """Signs that a parser wrote this body, not Stream: indentation, sorted keys."""
    try:
        parsed = json.loads(body.removeprefix(BOM))
    except (ValueError, UnicodeDecodeError):
        return ""
    signs = []
    if b"\n  " in body or b"\n\t" in body:
        signs.append("indented")
    if isinstance(parsed, dict) and len(parsed) > 2 and _sorted_everywhere(parsed):
        signs.append("keys sorted at every level")
    return ", ".join(signs)


def _other_secrets(given: list[Secret]) -> list[Secret]:
    """Secrets configured on this machine but not given: env STREAM_API_SECRET, profiles."""
    from hookctl.base.errors import HookctlError
    from hookctl.config.envvars import secret_from_env
    from hookctl.config.settings import load_config

    values = {v for _, v in given}
    found: list[Secret] = []
    env = secret_from_env()
    if env and env not in values:
        found.append(("env:STREAM_API_SECRET", env))
        values.add(env)
    try:
        profiles = load_config().profiles
    except HookctlError:
        profiles = {}
    for name, profile in sorted(profiles.items()):
        if profile.api_secret and profile.api_secret not in values:
            found.append((f"profile:{name}", profile.api_secret))
            values.add(profile.api_secret)
    return found


def explain(
    received: bytes,
    checked: bytes,
    signature: str,
    secrets: list[Secret],
) -> Finding:
    """The most likely reason ``signature`` does not match.

    ``received`` is the body as given, ``checked`` the bytes that were verified
    (the uncompressed JSON of a gzip body).
    """
    wanted = normalise_signature(signature)
    problem = _signature_problem(signature, checked, secrets)
    if problem is not None:
        return problem
    others = _other_secrets(secrets)
    label = _matches(checked, wanted, others)
    if label is not None:
        return Finding(
            "other-secret",
            f"the body was signed with another secret: the one from {label}, not "
            f"{'the one' if len(secrets) == 1 else 'the ones'} given; check which app (API key) sent it, or a secret rotation",
            label,
        )
    everyone = secrets + others
    tried: list[Callable[[], Iterator[tuple[str, str, bytes]]]] = [lambda: _variants(checked)]
    if received != checked:
        tried.append(lambda: _variants(received))
    for variants in tried:
        for cause, text, variant in variants():
            label = _matches(variant, wanted, everyone)
            if label is not None:
                suffix = f" (with the secret from {label})" if label not in dict(secrets) else ""
                return Finding(cause, text + suffix, label)
    shape = _reserialised_shape(checked)
    if shape:
        return Finding(
            "reserialised",
            f"the JSON looks re-serialised ({shape}): Stream sends compact JSON in its own key "
            "order, and that order cannot be rebuilt from this body; check the raw request "
            "body as received, before any JSON parsing",
        )
    given = "secret" if len(secrets) == 1 else "secrets"
    hint = (
        f"the body is not what Stream signed with the given {given}: no common alteration "
        "(newline, CRLF, BOM, compression, JSON re-serialisation) explains it. Capture the "
        "raw request body before any framework parses it, and check the secret belongs to "
        "the app whose API key sent the request"
    )
    try:
        json.loads(checked)
    except ValueError:
        hint += "; note the body is not valid JSON"
    return Finding("unknown", hint)


def as_json(finding: Finding) -> dict[str, Any]:
    return {"cause": finding.cause, "explanation": finding.explanation, "secret": finding.secret}
