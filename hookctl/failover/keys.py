"""Offline checks of a service-account key, a bucket name and a path prefix.

Each failure is its own ValidationFailed (exit 2) that says what is wrong and
what is needed. The private key is never included in a message.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hookctl.base.errors import ValidationFailed
from hookctl.base.stdio import MAX_KEY_FILE, read_capped, size_text

if TYPE_CHECKING:
    from hookctl.base.stdio import Stdin

REQUIRED = ("project_id", "private_key_id", "private_key", "client_email", "token_uri")
SA_EMAIL = re.compile(
    r"^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$"
    r"|^[a-z0-9-]+@(appspot|developer)\.gserviceaccount\.com$"
)
NEED = (
    "a service-account JSON key: IAM > Service accounts > Keys > Add key > JSON, or "
    "`gcloud iam service-accounts keys create key.json --iam-account SA_EMAIL`"
)


@dataclass(frozen=True)
class ServiceAccountKey:
    text: str  # the key as given (sent to Stream as gcs_credentials)
    info: dict[str, Any]

    @property
    def client_email(self) -> str:
        return str(self.info["client_email"])

    @property
    def key_id(self) -> str:
        return str(self.info["private_key_id"])

    @property
    def project_id(self) -> str:
        return str(self.info["project_id"])

    def summary(self) -> dict[str, str]:
        return {
            "client_email": self.client_email,
            "private_key_id": self.key_id,
            "project_id": self.project_id,
        }


def _bad(message: str, hint: str = f"use {NEED}") -> ValidationFailed:
    return ValidationFailed(message, hint)


def check_key(
    text: str,
    *,
    source: str = "the key",
    allow_http_token_uri: bool = False,
) -> ServiceAccountKey:
    """Parse and check a service-account key; raises ValidationFailed per problem."""
    from hookctl.base.redact import remember

    remember(text)
    if not text.strip():
        raise _bad(f"{source} is empty")
    try:
        info = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(f"{source} is not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(info, dict):
        raise _bad(f"{source} is JSON but not an object")
    _check_type(info.get("type"), source)
    for name in REQUIRED:
        value = info.get(name)
        if not isinstance(value, str) or not value.strip():
            raise _bad(
                f"{source} is missing {name!r} (a service-account key has {', '.join(REQUIRED)})",
                "download a fresh key; do not edit it by hand",
            )
    _check_private_key(info["private_key"], source)
    email = info["client_email"]
    if not SA_EMAIL.match(email):
        raise _bad(
            f"{source}: client_email {email!r} is not a service-account address "
            "(NAME@PROJECT.iam.gserviceaccount.com)"
        )
    token = urlsplit(info["token_uri"])
    loopback = token.hostname in ("127.0.0.1", "localhost", "::1")
    if not token.netloc or (
        token.scheme != "https"
        and not (token.scheme == "http" and (loopback or allow_http_token_uri))
    ):
        raise _bad(
            f"{source}: token_uri {info['token_uri']!r} is not an https URL",
            "Google's is https://oauth2.googleapis.com/token",
        )
    return ServiceAccountKey(text.strip(), info)


_NOT_A_KEY = {
    "authorized_user": "is a user credential (authorized_user, e.g. from `gcloud auth "
    "application-default login`), not a service-account key",
    "external_account": "is a workload-identity-federation config (external_account); "
    "Stream cannot use it",
    "impersonated_service_account": "is an impersonation config (impersonated_service_account), "
    "not a key",
}


def _check_type(kind: object, source: str) -> None:
    """The key's ``type``: each credential file that is not a service-account key says so."""
    if isinstance(kind, str) and kind in _NOT_A_KEY:
        raise _bad(f"{source} {_NOT_A_KEY[kind]}")
    if kind is None:
        raise _bad(
            f'{source} has no "type" field; a service-account key has "type": "service_account"'
        )
    if kind != "service_account":
        raise _bad(f'{source} has type {kind!r}; Stream needs "service_account"')


def _check_private_key(pem: str, source: str) -> None:
    if "-----BEGIN" not in pem:
        raise _bad(
            f"{source}: private_key is not a PEM block (no -----BEGIN line)",
            "download a fresh key; do not edit it by hand",
        )
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise _bad(
            f"{source}: private_key does not parse as a PEM private key "
            "(truncated, re-wrapped, or encrypted?)",
            "download a fresh key; do not edit it by hand",
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise _bad(f"{source}: private_key is not an RSA key; service-account keys are RSA")


def check_bucket(name: str) -> str:
    """GCS bucket naming rules (https://cloud.google.com/storage/docs/buckets#naming)."""
    hint = "bucket names: 3-63 lowercase letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
    if name.startswith("gs://"):
        raise ValidationFailed(
            f"bucket {name!r} includes the gs:// scheme",
            f"pass just the name: {name[5:].split('/')[0]}",
        )
    if not 3 <= len(name) <= 222:
        raise ValidationFailed(
            f"bucket name {name!r} must be 3 to 63 characters (222 with dots)", hint
        )
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*[a-z0-9]", name):
        raise ValidationFailed(f"bucket name {name!r} breaks GCS naming rules", hint)
    if "." not in name and len(name) > 63:
        raise ValidationFailed(f"bucket name {name!r} is longer than 63 characters", hint)
    if (
        any(len(part) > 63 for part in name.split("."))
        or ".." in name
        or ".-" in name
        or "-." in name
    ):
        raise ValidationFailed(f"bucket name {name!r} has an invalid dotted component", hint)
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        raise ValidationFailed(f"bucket name {name!r} looks like an IP address", hint)
    if name.startswith("goog") or "google" in name or "g00gle" in name:
        raise ValidationFailed(
            f"bucket name {name!r} may not start with 'goog' or contain 'google'", hint
        )
    return name


# A failover name adds ~/2026/04/01/1775217600-<event type, up to 128>-<uuid>.json to the
# prefix: 512 bytes leaves room for that under GCS's 1,024-byte object name limit.
MAX_PATH_BYTES = 512


def normalise_path(path: str | None) -> str:
    """``/stream//failed-events/`` -> ``stream/failed-events``; ``..`` is refused."""
    if not path:
        return ""
    from hookctl.base.validate import invisible_problem
    from hookctl.base.validate import printable as shown
    from hookctl.failover.layout import printable

    if printable(path) != path:  # a control character or bad UTF-8: no object matches it
        raise ValidationFailed(
            f"path prefix {printable(path)[:200]!r} contains a control character",
            "give a plain prefix such as stream/failed-events",
        )
    if invisible_problem(path):  # a bidi control: the prefix shown is not the one used
        raise ValidationFailed(
            f"path prefix {shown(path, 200)} {invisible_problem(path)}",
            "give a plain prefix such as stream/failed-events",
        )
    parts = [p for p in path.strip().split("/") if p and p != "."]
    if any(p == ".." for p in parts):
        raise ValidationFailed(
            f"path prefix {path[:200]!r} contains '..'",
            "give a plain prefix such as stream/failed-events",
        )
    joined = "/".join(parts)
    if len(joined.encode()) > MAX_PATH_BYTES:  # GCS names are at most 1024 bytes
        raise ValidationFailed(
            f"path prefix is {len(joined.encode())} bytes long (at most {MAX_PATH_BYTES}): "
            "the names Stream writes under it would pass GCS's 1,024-byte limit",
            "give a short prefix such as stream/failed-events",
        )
    return joined


def key_summary(credentials: str | None) -> dict[str, str]:
    """client_email / key id / project of a stored key, for display; never the key."""
    try:
        info = json.loads(credentials or "")
    except ValueError:
        return {"client_email": "(unreadable key)"}
    if not isinstance(info, dict):
        return {"client_email": "(unreadable key)"}
    return {k: str(info.get(k, "")) for k in ("client_email", "private_key_id", "project_id")}


def read_key(file: str | None, env_var: str | None, stdin: Stdin) -> ServiceAccountKey:
    """The key from exactly one of a file (``-``: ``stdin``) and an environment variable,
    checked; never from the command line."""
    from hookctl.base.errors import UsageError
    from hookctl.config.envvars import require_env

    if bool(file) == bool(env_var):
        raise UsageError(
            "give the key with exactly one of --credentials FILE (or -) and --credentials-env VAR",
            "the key is never read from the command line",
        )
    if env_var:
        text = require_env(env_var, f'export {env_var}="$(cat key.json)"')
        return check_key(text, source=f"the key in ${env_var}")
    if file == "-":
        return check_key(stdin.read_text(), source="the key on stdin")
    assert file is not None
    try:
        raw = read_capped(file, MAX_KEY_FILE)
        if raw is None:
            raise UsageError(
                f"key file {file} is larger than {size_text(MAX_KEY_FILE)}",
                "give the service account's JSON key file (a few KB)",
            )
        text = raw.decode("utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read key file {file}: {exc.strerror}", "check the path") from None
    except UnicodeDecodeError:
        raise UsageError(f"key file {file} is not text", "give the JSON key file") from None
    return check_key(text, source=f"key file {file}")
