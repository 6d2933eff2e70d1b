"""verify-signature and sign: the logic, standard library only (fast start-up).

Both the Typer command and the no-Typer fast path in ``hookctl.entry`` call
``run_verify`` / ``run_sign``, so they behave identically.
"""

from __future__ import annotations

from hookctl.base.errors import UsageError
from hookctl.config.envvars import require_env
from hookctl.webhooks.compression import is_gzip
from hookctl.webhooks.signing import sign, verify_any

# `typing` (and NamedTuple, contextlib) cost ~8 ms of a ~20 ms start in a regular install.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from hookctl.base.stdio import Stdin


_SINGLE_HEADERS = frozenset({"x-signature", "content-length", "transfer-encoding"})


class RawRequest:
    __slots__ = ("body", "headers")

    def __init__(self, headers: dict[str, str], body: bytes) -> None:
        self.headers = headers
        self.body = body


def parse_raw_request(data: bytes) -> RawRequest:
    """A captured HTTP/1.x request: request line, headers, blank line, body."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        head, found, body = data.partition(sep)
        if found:
            break
    else:
        raise UsageError(
            "the request file has no blank line between headers and body",
            "save the raw request (e.g. `nc -l`), or pass --body and --signature",
        )
    lines = head.decode("latin-1").splitlines()
    first = lines[0].split(" ") if lines else []
    if lines and ":" in first[0] and not (len(first) == 3 and first[2].startswith("HTTP/")):
        raise UsageError(
            "the request file starts with headers, not a request line like 'POST /path HTTP/1.1'",
            "add the request line before the headers, or pass --body and --signature",
        )
    if not lines or " " not in lines[0]:
        raise UsageError(
            "the request file does not start with a request line like 'POST /path HTTP/1.1'",
            "pass --body and --signature instead",
        )
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            continue
        key = name.strip().lower()
        if key in headers and key in _SINGLE_HEADERS:
            # two signatures (or two body lengths): which one the receiver used is
            # unknowable, and checking "the good one" would report valid for a forgery
            raise UsageError(
                f"the request file has more than one {name.strip()} header",
                "capture the request as the receiver got it, or pass --body and --signature",
            )
        headers[key] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _dechunk(body)
    elif headers.get("content-length", "").isdigit():
        body = body[: int(headers["content-length"])]
    # A gzip body (Content-Encoding: gzip) stays as captured: run_verify decodes it by its
    # magic bytes, as the SDKs do, whatever the header says.
    return RawRequest(headers, body)


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        try:
            size = int(size_line.split(b";")[0], 16)
        except ValueError:
            raise UsageError("the chunked request body is malformed", "check the capture") from None
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return bytes(out)


def _text(value: str, what: str, hint: str) -> str:
    """``value`` if it is UTF-8 text; argv and environment values that were not
    (a stray byte like ``$'\\xff'`` arrives surrogate-escaped) are bad input, exit 2."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(
            f"{what} is not UTF-8 text (it holds a stray non-UTF-8 byte)", hint
        ) from None
    return value


def read_input(path: str | None, stdin: Stdin) -> bytes:
    """Raw bytes of a file, or of stdin for ``None`` or ``-``; never decoded."""
    from hookctl.base.stdio import MAX_BODY, read_capped, size_text

    if path in (None, "-"):
        data = stdin.read_bytes(MAX_BODY)
        if data is None:
            raise UsageError("no body: stdin is a terminal", "pass --body FILE or pipe the body in")
        if len(data) > MAX_BODY:
            data = None
        where = "stdin"
    else:
        try:
            data = read_capped(path, MAX_BODY)
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}", "check the path") from None
        where = path
    if data is None:
        raise UsageError(
            f"the body in {where} is larger than {size_text(MAX_BODY)}",
            "a webhook body is far smaller: check that this is the captured body",
        )
    return data


def gather_secrets(
    secret_envs: list[str], secret_files: list[str], profile: str | None = None
) -> list[tuple[str, str]]:
    """(label, secret) pairs; labels name the source, never the value.

    Explicit sources (--secret-env, --secret-file) win; otherwise
    STREAM_API_SECRET, then the profile (the usual precedence).
    """
    from hookctl.base.stdio import MAX_SECRET_FILE, read_capped, size_text

    secrets: list[tuple[str, str]] = []
    for var in secret_envs:
        value = require_env(var, f"export {var}=... or use --secret-file")
        _text(value, f"environment variable {var}", f"export {var} with the API secret as text")
        secrets.extend((f"env:{var}", v) for v in _split(value))
    for path in secret_files:
        try:
            raw = read_capped(path, MAX_SECRET_FILE)
            if raw is None:
                raise UsageError(
                    f"secret file {path} is larger than {size_text(MAX_SECRET_FILE)}",
                    "the file should hold the API secret (one per line when rotating)",
                )
            text = raw.decode("utf-8").strip()
        except OSError as exc:
            raise UsageError(
                f"cannot read secret file {path}: {exc.strerror}", "check the path"
            ) from None
        except UnicodeDecodeError:
            raise UsageError(
                f"secret file {path} is not UTF-8 text",
                "put the API secret (as shown in the dashboard) in it",
            ) from None
        if not text:
            raise UsageError(f"secret file {path} is empty", "put the API secret in it")
        secrets.extend((f"file:{path}", v) for v in _split(text))
    if secrets:
        return secrets
    from hookctl.config.envvars import secret_from_env

    env_secret = secret_from_env()
    if env_secret and not profile:  # env beats profiles: no need to read the config file
        return [("env:STREAM_API_SECRET", env_secret)]
    from hookctl.config.settings import resolve

    settings = resolve(flag_profile=profile)
    if settings.api_secret:
        _text(
            settings.api_secret, "the API secret", "set STREAM_API_SECRET or the profile's secret"
        )
        source = settings.sources.get("api_secret", "")
        label = (
            "env:STREAM_API_SECRET" if source.startswith("env") else f"profile:{settings.profile}"
        )
        return [(label, settings.api_secret)]
    raise UsageError(
        "no API secret to check the signature with",
        "pass --secret-env VAR or --secret-file FILE, set STREAM_API_SECRET, "
        "or configure a profile (`hookctl config add`)",
    )


def _is_json(body: bytes) -> bool:
    import json

    try:
        json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError, JSONDecodeError, deep
        return False
    return True


def _split(value: str) -> list[str]:
    """Several secrets (rotation) may be given one per line."""
    return [v.strip() for v in value.splitlines() if v.strip()]


def _body_and_signature(
    body_path: str | None, signature: str | None, request_path: str | None, stdin: Stdin
) -> tuple[bytes, str]:
    """The body and the signature to check, from --body/--signature or --request; a
    usage error for two sources of either, none, or an empty body."""
    if request_path is not None:
        if body_path is not None:
            raise UsageError("--request and --body both give a body", "pass one of them")
        if signature is not None:
            raise UsageError(
                "--request and --signature both give a signature",
                "pass --request alone (its X-Signature header is checked), or --body "
                "and --signature",
            )
        request = parse_raw_request(read_input(request_path, stdin))
        body, signature = request.body, request.headers.get("x-signature")
        if signature is None:
            raise UsageError(
                "the request has no X-Signature header",
                "capture the full request, or pass --body and --signature",
            )
    else:
        body = read_input(body_path, stdin)
    if not signature or not signature.strip():
        raise UsageError("no signature given", 'pass --signature "$SIG" or --request FILE')
    if not body:
        where = "the request" if request_path is not None else (body_path or "stdin")
        raise UsageError(
            f"the body in {where} is empty", "Stream never signs an empty body: check the input"
        )
    return body, signature


def signed_bytes(
    body: bytes, signature: str, *, base64_wrapped: bool = False
) -> tuple[bytes, bool]:
    """(the bytes Stream signed, whether they arrived compressed); an empty or non-text
    signature, an empty body and a corrupt compressed body are UsageErrors."""
    if not signature or not signature.strip():
        raise UsageError("no signature given", 'pass --signature "$SIG" or --request FILE')
    _text(signature, "the signature", "pass the X-Signature header's value (64 hex characters)")
    if not body:
        raise UsageError("the body is empty", "Stream never signs an empty body: check the input")
    if not (base64_wrapped or is_gzip(body)):
        return body, False
    from hookctl.webhooks.compression import decode_body

    body, compressed, was_base64 = decode_body(body, base64_wrapped=base64_wrapped)
    if base64_wrapped and not was_base64 and not compressed and not _is_json(body):
        raise UsageError(
            "--base64: the body is neither base64 nor JSON",
            "pass the SQS/SNS message body as received, or leave out --base64",
        )
    return body, compressed


def verdict(body: bytes, signature: str, secrets: list[str]) -> tuple[int | None, str | None]:
    """(the index of the secret that matches, None) or (None, why it is invalid)."""
    index = verify_any(body, signature, secrets)
    if index is not None:
        return index, None
    reason = "signature does not match the body"
    if len(signature.strip()) != 64:
        reason += f" (expected 64 hex characters, got {len(signature.strip())})"
    return None, reason


def check_signature(
    body: bytes, signature: str, secrets: list[str], *, base64_wrapped: bool = False
) -> tuple[bool, str | None, int | None, bool, bytes]:
    """``verify-signature`` for a program (``hookctl.api.verify_signature``): (valid,
    reason, index of the matching secret, compressed, the checked bytes)."""
    checked, compressed = signed_bytes(body, signature, base64_wrapped=base64_wrapped)
    index, reason = verdict(checked, signature, secrets)
    return index is not None, reason, index, compressed, checked


def run_verify(
    *,
    body_path: str | None,
    signature: str | None,
    request_path: str | None,
    secret_envs: list[str],
    secret_files: list[str],
    profile: str | None = None,
    base64_wrapped: bool = False,
    explain: bool = False,
    save_body: str | None = None,
    stdin: Stdin,
) -> dict[str, Any]:
    """Returns ``{valid, reason, matched_secret, compressed}``; raises UsageError for bad input.

    A gzip body (by its magic bytes) is checked over its uncompressed bytes, which is
    what Stream signs; ``base64_wrapped`` reads an SQS/SNS message body; ``save_body``
    writes those checked bytes (the uncompressed JSON) to a file. ``explain``
    adds ``explanation`` (``{cause, explanation, secret}``) to an invalid result.
    """
    body, signature = _body_and_signature(body_path, signature, request_path, stdin)
    received = body
    body, compressed = signed_bytes(body, signature, base64_wrapped=base64_wrapped)
    if save_body is not None:
        try:
            with open(save_body, "wb") as handle:
                handle.write(body)
        except OSError as exc:
            raise UsageError(
                f"cannot write {save_body}: {exc.strerror}", "check the path"
            ) from None
    secrets = gather_secrets(secret_envs, secret_files, profile)
    index, reason = verdict(body, signature, [s for _, s in secrets])
    if index is None:
        result: dict[str, Any] = {
            "valid": False,
            "reason": reason,
            "matched_secret": None,
            "compressed": compressed,
        }
        if explain:
            from hookctl.webhooks.explain import as_json
            from hookctl.webhooks.explain import explain as find_cause

            result["explanation"] = as_json(find_cause(received, body, signature, secrets))
        return result
    return {
        "valid": True,
        "reason": None,
        "matched_secret": secrets[index][0],
        "compressed": compressed,
    }


def render_result(result: dict[str, Any], *, as_json: bool) -> str:
    """The verdict as printed on stdout, by the Typer command and the fast path alike."""
    if as_json:
        import json

        return json.dumps(result)
    if result["valid"]:
        return "valid"
    text = f"invalid: {result['reason']}"
    explanation = result.get("explanation")  # --explain
    if isinstance(explanation, dict):
        text += f"\ncause: {explanation['explanation']}"
    return text


def run_sign(
    *,
    body_path: str | None,
    secret_envs: list[str],
    secret_files: list[str],
    profile: str | None = None,
    stdin: Stdin,
    allow_empty: bool = False,
) -> str:
    """The X-Signature of a body; an empty or whitespace-only body (usually a missing
    pipe or file) is a usage error unless ``allow_empty``: Stream never sends one."""
    body = read_input(body_path, stdin)
    if not allow_empty and not body.strip():
        what = "empty" if not body else "only whitespace"
        raise UsageError(
            f"the body in {body_path or 'stdin'} is {what}",
            "Stream never signs an empty body: check the input (pass --allow-empty to "
            "sign it anyway)",
        )
    _, secret = gather_secrets(secret_envs, secret_files, profile)[0]
    return sign(body, secret)
