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
SHOWN_MAX = 4096  # characters of one message shown; the rest is counted, not printed
_known: set[str] = set()
_SECRET_NAME = re.compile(
    r"(secret|gcs_credentials|private_key|s3_api_key|password|token)$", re.IGNORECASE
)
# Every pattern here runs over text hookctl did not write (errors, server answers,
# bucket objects, argv, env), so each is linear in the length of that text: a regular
# expression only where it starts at a literal and cannot backtrack (possessive
# quantifiers over classes that exclude what follows); the rest is a scan that never
# looks at a character twice. ``tests/base/test_redact_linear.py`` holds them to it.
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]++-----.*?(?:-----END [A-Z0-9 ]++-----|\Z)", re.DOTALL)
# a secret-looking name ending a word, then = or : (the name may be quoted)
_NAME_KEYWORD = re.compile(
    r"""(?:secret|gcs_credentials|private_key|s3_api_key|password)["']?\s*+[:=]\s*+""",
    re.IGNORECASE,
)
_QUOTED_REST = {'"': re.compile(r'(?:[^"\\]|\\.)*+'), "'": re.compile(r"(?:[^'\\]|\\.)*+")}
_BARE_VALUE = re.compile(r"[^\s,;)}\]]++")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


# scheme://authority: as urllib.parse.urlsplit reads it, the authority ends at the first
# "/", "?" or "#"; its userinfo is everything before the LAST "@", and the password is
# the userinfo after its first ":". In free text the authority also ends at whitespace
# and quotes (a URL inside a message or a JSON document), and the scheme is a letter
# then letters, digits, "+", "." or "-", starting a word.
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")
_AUTHORITY_IN_TEXT = re.compile(r"""[^/?#\s"'<>]*+""")
_URL_VALUE = re.compile(r"(?i)^[a-z][a-z0-9+.\-]*+://([^/?#]*+)")


def _password_in(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the password of the authority ``text[start:end]`` is, if it has one."""
    at = text.rfind("@", start, end)
    colon = text.find(":", start, at) if at >= 0 else -1
    return None if colon < 0 else (colon + 1, at)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _scheme_start(text: str, sep: int, floor: int) -> int | None:
    """The start of the scheme that ends at ``text[sep]`` (the ``://``), if one does:
    the leftmost letter at or after ``floor`` that starts a word and is followed by
    scheme characters only."""
    run = sep
    while run > floor and text[run - 1] in _SCHEME_CHARS:
        run -= 1
    for s in range(run, sep):
        if text[s].isascii() and text[s].isalpha() and (s == 0 or not _is_word(text[s - 1])):
            return s
    return None


def _url_passwords(text: str) -> list[tuple[int, int]]:
    """The password spans of every URL in free text, left to right (one pass)."""
    spans: list[tuple[int, int]] = []
    floor = 0  # where the previous URL ended: URLs never overlap
    sep = text.find("://")
    while sep >= 0:
        if _scheme_start(text, sep, floor) is None:
            sep = text.find("://", sep + 1)
            continue
        match = _AUTHORITY_IN_TEXT.match(text, sep + 3)
        assert match is not None  # a possessive star always matches
        span = _password_in(text, sep + 3, match.end())
        if span is not None:
            spans.append(span)
        floor = match.end()
        sep = text.find("://", floor)
    return spans


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    parts, last = [], 0
    for start, end in spans:
        parts += [text[last:start], MASK]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def mask_url_password(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@`` URL masked (all
    of it, up to the last ``@`` of the authority, as ``urlsplit`` reads it).

    A text that is one URL (a hook's ``webhook_url``) is read exactly as ``urlsplit``
    does; in any other text a URL's authority also ends at whitespace or a quote."""
    if "@" not in text:
        return text
    if _URL_VALUE.match(text) and not any(ch.isspace() for ch in text):
        span = _value_password(text)
        return text if span is None else _masked(text, [span])
    return _masked(text, _url_passwords(text))


def mask_known(text: str) -> str:
    """``text`` with every remembered secret (the API secret in use, hooks' secrets, a
    key's private key) masked: data on stdout can hold text others wrote (a receiver's
    answer shown by ``ping``, an envelope shown by ``failover object``) that echoes one."""
    if _known:
        for secret in sorted(_known, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, MASK)
    return text


def mask_passwords(data: Any) -> Any:
    """``data`` (JSON-like: dicts, lists, strings) with every URL password and every
    remembered secret in its strings masked; keys and other values as they are. The one
    rule every output passes (``--json``, NDJSON, tables, files) unless ``--show-secrets``."""
    if isinstance(data, str):
        return mask_url_password(mask_known(data))
    if isinstance(data, dict):
        return {key: mask_passwords(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [mask_passwords(item) for item in data]
    return data


def _value_password(url: str) -> tuple[int, int] | None:
    match = _URL_VALUE.match(url) if "@" in url else None
    return _password_in(url, match.start(1), match.end(1)) if match is not None else None


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
    """``text`` with every known secret, PEM block and secret-named value masked.

    Linear in the length of ``text`` (whatever it holds): it runs on every message,
    including ones whose text a bucket writer or a server chose."""
    if not text:
        return text
    text = _PEM.sub(MASK, mask_known(text))
    return mask_url_password(_mask_named(text))


def bounded(text: str, limit: int = SHOWN_MAX) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out: a message
    holding a server's 60 KB answer or a 70,000-character setting stays one readable
    line. Cut *after* ``redact`` (a cut could split a secret and leave half shown)."""
    if len(text) <= limit:
        return text
    rest = len(text[limit:].encode("utf-8", "surrogatepass"))
    return f"{text[:limit]}… ({rest} bytes more)"


def _named_value(text: str, start: int, stuck: dict[str, int]) -> int | None:
    """Where the value that starts at ``text[start]`` ends: a quoted string (backslash
    escapes), else a run up to a space, comma, semicolon or closing bracket.

    ``stuck[quote]``: a position from which a string opened by ``quote`` is known to
    have no end; a later opening quote before it was escaped in that scan, so it has
    none either (this keeps a text full of unclosed quotes linear)."""
    quote = text[start] if start < len(text) else ""
    if quote in _QUOTED_REST and start >= stuck.get(quote, -1):
        rest = _QUOTED_REST[quote].match(text, start + 1)
        assert rest is not None  # a possessive star always matches
        if rest.end() < len(text) and text[rest.end()] == quote:
            return rest.end() + 1
        stuck[quote] = rest.end()
    bare = _BARE_VALUE.match(text, start)
    return None if bare is None else bare.end()


def _mask_named(text: str) -> str:
    """Values after secret-looking names (``sqs_secret='…'``, ``"private_key": "…"``)
    masked; empty, masked, ``None``/``null`` and ``env:``/``file:`` references kept."""
    parts: list[str] = []
    done = 0  # text before this is settled: names never reach back into a value
    stuck: dict[str, int] = {}
    found = _NAME_KEYWORD.search(text, done)
    while found is not None:
        end = _named_value(text, found.end(), stuck)
        if end is None:
            found = _NAME_KEYWORD.search(text, found.start() + 1)
            continue
        value = text[found.end() : end]
        plain = value.strip("\"'")
        if plain not in ("", MASK, "None", "null") and not plain.startswith(("env:", "file:")):
            quote = value[0] if value[0] in "\"'" else ""
            parts += [text[done : found.end()], quote, MASK, quote]
            done = end
        found = _NAME_KEYWORD.search(text, max(end, done))
    parts.append(text[done:])
    return "".join(parts)
