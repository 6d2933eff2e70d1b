"""Validation at the edge: the one URL check, and escaping for output.

Every URL that enters hookctl (a hook's ``webhook_url`` from a flag or a hook
file, ``ping``/``trigger``/``replay --to``/``listen --forward-to`` targets, a
profile's ``--base-url``) passes ``url_problem``, so a value Stream would
store but no HTTP client can use (a newline, a tab, port 99999, a lone
surrogate from non-UTF-8 argv) is refused before any request is made.

Standard library only: ``verify-signature`` and settings import this module.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import SplitResult, urlsplit

from hookctl.base.errors import UsageError

MAX_URL_LENGTH = 2048
TEMPLATE = re.compile(r"\{\{\s*\.(?P<name>[A-Za-z]+)\s*\}\}")
TEMPLATE_NAMES = frozenset({"AppID", "EventType"})
# What an event type may be where it can fill a {{.EventType}}: Stream's names are all
# lower-case ASCII words joined by "." "_" "-" ("message.new"); never "..", "@", "?", "#".
EVENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}\Z")  # \Z, not $: no trailing newline
# Letters (incl. IDN), digits, hyphens, underscores: what a DNS label may hold; a hyphen
# never first or last (RFC 952/1123: "-bad-.com" is a name no resolver looks up).
_HOST_LABEL = re.compile(r"^\w(?:[\w-]{0,61}\w)?\Z")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_BAD_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs")
# RFC 3986 userinfo: unreserved / pct-encoded / sub-delims / ":"
_USERINFO = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*\Z")
USERINFO_PROBLEM = "has a character in its user:password that must be percent-encoded"
USERINFO_HINT = (
    "percent-encode those characters in the user name and the password (%40 for an @, "
    "%2F for a /, %3F for a ?, %23 for a #, %25 for a %, %3A for a ':' in the user "
    "name); nothing was changed"
)
# ``h:p/w@host``: by RFC 3986 a host "h" with port "p/w…", but just as likely a password
# holding a raw "/", "?" or "#": named both ways and never printed
PORT_OR_USERINFO_PROBLEM = (
    "has an invalid port, or a character in its user:password that must be percent-encoded"
)
PORT_OR_USERINFO_HINT = f"a port is a number 1-65535; if it is a password, {USERINFO_HINT}"


def url_hint(problem: str, otherwise: str) -> str:
    """The hint for a refused URL: how to percent-encode when ``problem`` (possibly behind
    a field prefix) is the user:password one, else ``otherwise``."""
    if problem.endswith(PORT_OR_USERINFO_PROBLEM):
        return PORT_OR_USERINFO_HINT
    return USERINFO_HINT if problem.endswith(USERINFO_PROBLEM) else otherwise


def userinfo_problem(userinfo: str) -> str | None:
    """Why a URL's ``user:password`` cannot be carried as written (a raw ``@``, ``/``,
    ``%`` …: clients split such a URL differently), or None. Names no character of it."""
    return None if _USERINFO.match(userinfo) else USERINFO_PROBLEM


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as-is: not UTF-8, whitespace or control characters."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid UTF-8"
    for ch in value:
        if ch.isspace() or unicodedata.category(ch) in _BAD_CATEGORIES:
            return f"contains {_describe(ch)}"
    return None


def invisible_problem(value: str) -> str | None:
    """Why ``value`` would not read as what it is: a bidi or other invisible formatting
    character (``\u202e`` shows ``abc`` as ``cba``), or None. For object-name prefixes,
    where spaces are legal but such characters only disguise a name."""
    for ch in value:
        if unicodedata.category(ch) == "Cf":
            return f"contains {_describe(ch)}"
    return None


def _describe(ch: str) -> str:
    if ch == " ":
        return "a space"
    if ch.isspace():
        return f"whitespace ({ch!a})"
    return f"a control or invisible character ({ch!a})"


def url_problem(value: object, *, templates: bool = False) -> str | None:
    """Why ``value`` is not an absolute http(s) URL hookctl accepts, or None.

    ``templates`` allows Stream's ``{{.AppID}}``-style placeholders (hook URLs only).
    """
    if not isinstance(value, str):
        return f"must be a string, not {type(value).__name__}"
    if not value:
        return "is empty"
    if len(value) > MAX_URL_LENGTH:
        return f"is {len(value)} characters long (at most {MAX_URL_LENGTH})"
    problem = text_problem(value)
    if problem:
        return problem
    plain = TEMPLATE.sub("x", value) if templates else value
    problem = _template_problem(value, plain) if templates else None
    if problem or "{{" in plain or "}}" in plain:
        return problem or "contains {{"
    try:
        parts = urlsplit(plain)
    except ValueError as exc:  # e.g. an unbalanced [ in the host
        return f"cannot be parsed ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return "must start with http:// or https://"
    if "@" in parts.netloc:
        problem = userinfo_problem(parts.netloc.rpartition("@")[0])
        if problem:
            return problem
    if _BAD_ESCAPE.search(plain):
        return "has a '%' that is not a percent escape (%XX, two hex digits; %25 for a '%')"
    return _host_problem(parts.hostname or "") or _port_problem(plain, parts)


def _template_problem(value: str, plain: str) -> str | None:
    """What is wrong with the ``{{.Template}}`` placeholders of a hook URL, or None."""
    unknown = {m["name"] for m in TEMPLATE.finditer(value)} - TEMPLATE_NAMES
    if unknown:  # Stream fills two names; any other stays in the URL as text, or fails there
        return (
            f"has {{{{.{sorted(unknown)[0]}}}}}: the templates Stream fills are "
            "{{.AppID}} and {{.EventType}} (case matters)"
        )
    if "{{" in plain or "}}" in plain:
        return "has a malformed {{.Template}} placeholder"
    part = template_part(value)
    if part not in (None, "path"):
        return f"has a {{{{.Template}}}} in its {part}: templates may only fill the path"
    return None


def check_listen_host(host: str) -> None:
    """``--host`` of ``listen`` and ``sandbox start``: a name or an address a URL can carry
    (not "bad host", a bidi control or 300 letters, which the socket layer turns into a
    TypeError or a lookup error under a wrong hint). UsageError otherwise."""
    bracketed = f"[{host}]" if ":" in host else host
    if url_problem(f"http://{bracketed}:1/"):
        raise UsageError(
            f"--host {printable(host, 80)} is not a host name or IP address to listen on",
            "e.g. --host 127.0.0.1 (or 0.0.0.0 for every interface)",
        )


def template_part(url: str) -> str | None:
    """The first part of ``url`` that holds a ``{{.Template}}``: "scheme", "userinfo",
    "host", "port", "path", "query" or "fragment"; None without one.

    Read from the raw text (a template is not a valid host, so urlsplit cannot be trusted
    to place it): the authority is everything between ``://`` and the first ``/?#``."""
    match = TEMPLATE.search(url)
    if match is None:
        return None
    where = match.start()
    scheme_end = url.find("://")
    if scheme_end < 0 or where < scheme_end:
        return "scheme"
    start = scheme_end + 3
    ends = [i for i in (url.find(c, start) for c in "/?#") if i >= 0]
    end = min(ends, default=len(url))
    if where < end:
        authority = url[start:end]
        at = authority.rfind("@")
        if where - start < at:
            return "userinfo"
        host_port = authority[at + 1 :]
        colon = host_port.rfind(":")
        in_port = colon >= 0 and "]" not in host_port[colon:]
        return "port" if in_port and where - start - at - 1 > colon else "host"
    query, fragment = url.find("?", end), url.find("#", end)
    if fragment >= 0 and where > fragment:
        return "fragment"
    if query >= 0 and where > query and (fragment < 0 or query < fragment):
        return "query"
    return "path"


def _host_problem(host: str) -> str | None:
    if not host:
        return "has no host"
    if not (host.startswith("[") or ":" in host):  # not an IPv6 literal
        labels = host.rstrip(".").split(".")
        if len(host) > 253 or any(not _HOST_LABEL.match(label) for label in labels):
            return (
                f"has an invalid host {printable(host, 80)} (a DNS name: letters, digits "
                "and '-' inside labels of at most 63 characters)"
            )
        return None
    import ipaddress

    try:
        ipaddress.IPv6Address(host.strip("[]").split("%")[0])
    except ValueError:
        return f"has an invalid IPv6 host {host!r}"
    return None


def _port_problem(url: str, parts: SplitResult) -> str | None:
    netloc = parts.netloc
    try:
        port = parts.port
    except ValueError:
        if "@" not in netloc and not _plain_authority(url.partition("://")[2]):
            return PORT_OR_USERINFO_PROBLEM  # user:pass/with/slash@host: never print it
        # a user:password in the netloc passed url_problem's check: the port is what is
        # wrong, read after the last @ so no character of the password is shown
        return f"has an invalid port {netloc.rpartition('@')[2].rpartition(':')[2]!r} (1-65535)"
    if port is not None and not 1 <= port <= 65535:
        return f"has an invalid port {port} (1-65535)"
    if netloc.endswith(":"):
        return "has an empty port after ':'"
    return None


def _plain_authority(rest: str) -> bool:
    """Whether ``rest`` (a URL after ``://``) surely has no user:password: no ``@`` at all,
    or none in its authority (up to the first ``/?#``) and that authority ending in a
    ``:`` and digits, a port (an ``@`` after it is in the path, query or fragment). Else
    a password may hold a raw ``/?#`` (``u:p/w@host``), so all up to the last ``@`` is one."""
    ends = [i for i in (rest.find(c) for c in "/?#") if i >= 0]
    authority = rest[: min(ends, default=len(rest))]
    if "@" not in rest:
        return True
    return "@" not in authority and authority.rpartition(":")[2].isdigit()


def check_url(value: object, *, what: str = "URL", templates: bool = False) -> str:
    """``value`` if it is an acceptable URL; else ``UsageError`` (exit 2) naming ``what``."""
    problem = url_problem(value, templates=templates)
    if problem:
        raise UsageError(
            f"{what} {shown_url(value)} is not an absolute http(s) URL: it {problem}",
            url_hint(
                problem,
                "give an absolute http(s) URL like https://example.com/stream "
                "(no spaces, valid port); nothing was changed",
            ),
        )
    assert isinstance(value, str)
    return value


def shown_url(value: object, limit: int = 200) -> str:
    """``printable(value)`` for a URL being refused, with anything that may be a password
    masked. A refused URL may not split as urlsplit would (``u:s3cr#t@host``), so this
    is deliberately wide: between ``://`` and the last ``@``, all after the first ``:``."""
    if isinstance(value, str) and "://" in value:
        scheme, _, rest = value.partition("://")
        userinfo, at, host = rest.rpartition("@")
        if at and ":" in userinfo and not _plain_authority(rest):
            user = userinfo.partition(":")[0]
            value = f"{scheme}://{user}:********@{host}"
    elif isinstance(value, str) and "@" in value:  # no scheme: user:p@ss@host
        value = "********@" + value.rpartition("@")[2]
    return printable(value, limit)


def printable(value: object, limit: int = 200) -> str:
    """``repr``-style text of ``value`` that any terminal can print (escapes, cut short)."""
    text = ascii(value) if isinstance(value, str) else repr(value)
    text = text.encode("ascii", "backslashreplace").decode("ascii")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# What a terminal acts on rather than shows: C0 controls but newline and tab, DEL, C1
# controls (0x9b is a one-byte CSI), and the bidi overrides that reorder a line.
_TERMINAL_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def escape_controls(text: str) -> str:
    """``text`` with every character a terminal would act on (ESC, CR, BEL, C1, bidi
    overrides) written as a visible escape (``\\x1b``); newline and tab stay.

    The Console passes every message, and every line it prints to a terminal, through
    this: response bodies, headers and error texts from receivers, bucket object names.
    """
    return _TERMINAL_CONTROLS.sub(_escape, text)


def encodable(text: str, encoding: str | None) -> str:
    """``text`` with what ``encoding`` cannot carry escaped (``\\udcff``), never an error."""
    enc = encoding or "utf-8"
    try:
        text.encode(enc)
        return text
    except (UnicodeEncodeError, LookupError):
        try:
            return text.encode(enc, "backslashreplace").decode(enc)
        except LookupError:
            return text.encode("utf-8", "backslashreplace").decode("utf-8")


# Stream's API keys are about a dozen characters; the key travels in every request's
# query string, so a pasted file or a whole .env must stop here, not in the HTTP library.
MAX_API_KEY = 256


def api_key_problem(api_key: str) -> str | None:
    """Why ``api_key`` cannot be an API key: empty, too long, whitespace or controls."""
    if not api_key.strip():
        return "is empty"
    if len(api_key) > MAX_API_KEY:
        return f"is {len(api_key):,} characters long (Stream API keys are about 12)"
    if not api_key.isascii():
        return "contains non-ASCII characters"
    return text_problem(api_key)


def check_profile_values(*, api_key: str | None, base_url: str | None) -> None:
    """``config add``: a short printable API key and, if given, a valid base URL."""
    if api_key is not None:
        problem = api_key_problem(api_key)
        if problem:
            raise UsageError(
                f"--api-key {printable(api_key, 40)} {problem}",
                "give the app's API key (from Stream's dashboard)",
            )
    if base_url is not None:
        check_url(base_url, what="--base-url")


def bad_input(exc: BaseException) -> tuple[str, str] | None:
    """A one-line error and hint for what hostile input makes a parser or the OS raise;
    None for anything else (a bug: "unexpected failure")."""
    if isinstance(exc, OSError) and exc.filename is not None:
        return (  # a path the user gave that cannot be read or written
            f"cannot use {printable(exc.filename)}: {exc.strerror or type(exc).__name__}",
            "check the path and its permissions; nothing was changed",
        )
    if isinstance(exc, ValueError) and "null byte" in str(exc):
        return "a path or value contains a NUL character", "remove it; nothing was changed"
    kinds = {
        UnicodeError: "a value or file is not valid UTF-8 text",
        RecursionError: "a value or file is nested too deeply to read",
        OverflowError: "a number is out of range",
        MemoryError: "a value or file is too large to read",
    }
    what = next((text for kind, text in kinds.items() if isinstance(exc, kind)), None)
    if what is None:
        return None
    return (
        f"{what} ({type(exc).__name__})",
        "check the arguments, files and environment values you passed; nothing was changed",
    )
