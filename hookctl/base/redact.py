"""One redaction function at the error boundary.

Every message, hint, ``--json`` error, ``--verbose`` log line and ``--debug``
traceback passes ``redact`` before it is printed. It masks:

- every secret hookctl has seen in this run: the API secret, each hook's
  ``*_secret``, ``gcs_credentials`` (and the ``private_key`` inside it),
  S3-style ``s3_secret``/``s3_api_key``, secrets read from env vars, files or
  stdin; each also in its JSON-escaped and ``repr`` forms, so a secret quoted
  inside an error message is caught too;
- any PEM block (``-----BEGIN … KEY-----``), known or not;
- values that follow a secret-looking name (``sqs_secret='…'``, ``"private_key": "…"``);
- the password of a URL with userinfo (``https://user:********@host/…``).

Secrets are remembered per process (``remember``, ``remember_hooks``); the set only
grows. Standard library only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

MASK = "********"
MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words
_known: set[str] = set()
_SECRET_NAME = re.compile(
    r"(secret|gcs_credentials|private_key|s3_api_key|password|token)$", re.IGNORECASE
)
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?(?:-----END [A-Z0-9 ]+-----|\Z)", re.DOTALL)
_PEM_ESCAPED = re.compile(
    r"-----BEGIN [A-Z0-9 ]+-----(?:\\\\?n|[^\"'])*?(?:-----END [A-Z0-9 ]+-----|\Z)"
)
# name = value / "name": "value" / name='value' for secret-looking names
_NAMED = re.compile(
    r"""(?P<name>["']?[A-Za-z0-9_]*(?:secret|gcs_credentials|private_key|s3_api_key|password)["']?"""
    r"""\s*[:=]\s*)(?P<value>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,;)}\]]+)""",
    re.IGNORECASE,
)


# scheme://authority: as urllib.parse.urlsplit reads it, the authority ends at the first
# "/", "?" or "#"; its userinfo is everything before the LAST "@", and the password is
# the userinfo after its first ":". In free text the authority also ends at whitespace
# and quotes (a URL inside a message or a JSON document).
_URL_IN_TEXT = re.compile(r"""(?i)\b([a-z][a-z0-9+.\-]*://)([^/?#\s"'<>]*)""")
_URL_VALUE = re.compile(r"(?i)^([a-z][a-z0-9+.\-]*://)([^/?#]*)")


def _password_span(match: re.Match[str]) -> tuple[int, int] | None:
    """Where the password of a ``_URL_*`` match is (start, end in the text), if any."""
    authority = match[2]
    userinfo = authority.rpartition("@")[0] if "@" in authority else ""
    if ":" not in userinfo:
        return None
    start = match.start(2) + userinfo.index(":") + 1
    return start, match.start(2) + len(userinfo)


def _mask_match(match: re.Match[str]) -> str:
    span = _password_span(match)
    if span is None:
        return match[0]
    offset = match.start()
    text = match[0]
    return text[: span[0] - offset] + MASK + text[span[1] - offset :]


def mask_url_password(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@`` URL masked (all
    of it, up to the last ``@`` of the authority, as ``urlsplit`` reads it).

    A text that is one URL (a hook's ``webhook_url``) is read exactly as ``urlsplit``
    does; in any other text a URL's authority also ends at whitespace or a quote."""
    if "@" not in text:
        return text
    if _URL_VALUE.match(text) and not any(ch.isspace() for ch in text):
        return _URL_VALUE.sub(_mask_match, text, count=1)
    return _URL_IN_TEXT.sub(_mask_match, text)


def _value_password(url: str) -> tuple[int, int] | None:
    match = _URL_VALUE.match(url) if "@" in url else None
    return _password_span(match) if match is not None else None


def split_url_password(url: str) -> tuple[str, str | None]:
    """``url`` with its userinfo password masked, and that password as written (percent-
    encoding kept); ``(url, None)`` when it has none (or it is masked already)."""
    span = _value_password(url)
    if span is None or url[span[0] : span[1]] == MASK:
        return url, None
    return url[: span[0]] + MASK + url[span[1] :], url[span[0] : span[1]]


def fill_url_password(url: str, password: str) -> str | None:
    """``url`` with its masked password (``user:********@``) replaced by ``password``;
    None when ``url`` has no masked password to fill."""
    span = _value_password(url)
    if span is None or url[span[0] : span[1]] != MASK:
        return None
    return url[: span[0]] + password + url[span[1] :]


def url_password(url: str) -> str | None:
    """The password of ``url`` as written (masked or not), or None."""
    span = _value_password(url)
    return None if span is None else url[span[0] : span[1]]


def is_secret_name(name: str) -> bool:
    """True for a field whose value is a secret (``sqs_secret``, ``gcs_credentials`` …)."""
    return bool(_SECRET_NAME.search(name)) and not name.lower().endswith("_token_uri")


def remember(*values: Any) -> None:
    """Add secret values to the set masked by ``redact`` (empty or short values ignored)."""
    for value in values:
        if not isinstance(value, str) or len(value) < MIN_SECRET_LENGTH:
            continue
        for form in _forms(value):
            if len(form) >= MIN_SECRET_LENGTH:
                _known.add(form)
        if value.lstrip().startswith("{"):  # a service-account key: its private_key too
            try:
                doc = json.loads(value)
            except ValueError:
                continue
            if isinstance(doc, dict):
                remember_fields(doc)


def _forms(value: str) -> Iterable[str]:
    yield value
    yield value.strip()
    yield json.dumps(value)[1:-1]
    yield json.dumps(value, ensure_ascii=False)[1:-1]
    yield repr(value)[1:-1]
    yield ascii(value)[1:-1]
    for line in value.splitlines():  # a long key printed line by line
        if len(line.strip()) >= 16:
            yield line.strip()


def remember_fields(data: Any) -> None:
    """Remember every secret-named field inside ``data`` (dicts and lists, any depth)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and is_secret_name(key) and isinstance(value, str):
                remember(value)
            else:
                remember_fields(value)
    elif isinstance(data, list):
        for item in data:
            remember_fields(item)


def remember_hooks(hooks: Iterable[Any]) -> None:
    """Remember the secrets of an ``event_hooks`` array (as read or about to be written)."""
    remember_fields(list(hooks))


def redact(text: str) -> str:
    """``text`` with every known secret, PEM block and secret-named value masked."""
    if not text:
        return text
    for secret in sorted(_known, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    text = _PEM.sub(MASK, text)
    text = _PEM_ESCAPED.sub(MASK, text)
    return mask_url_password(_NAMED.sub(_mask_named, text))


def _mask_named(match: re.Match[str]) -> str:
    value = match["value"]
    if value.strip("\"'") in ("", MASK, "None", "null") or value.strip("\"'").startswith(
        ("env:", "file:")
    ):
        return match[0]
    quote = value[0] if value[0] in "\"'" else ""
    return f"{match['name']}{quote}{MASK}{quote}"
