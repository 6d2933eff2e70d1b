"""Write locks: the local lock's key, and the optional shared lease in GCS.

Local: hookctl processes that share a data dir serialise on a file lock whose
name is derived from the *normalised* base URL and the API key, so
``http://localhost:8080/``, ``http://127.0.0.1:8080`` and ``http://[::1]:8080``
(one app) take the same lock.

Shared (``GcsLease``): a lock object in a GCS bucket, created with
``ifGenerationMatch=0`` (only one creator wins), holding the holder's identity
and an expiry. See the class docstring.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

_LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]", "localhost.", "ip6-localhost"}
_DEFAULT_PORT = {"http": 80, "https": 443}


def normalise_base_url(url: str) -> str:
    """``scheme://host:port/path`` with case, loopback spelling, default port and
    trailing slash made canonical."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if host in _LOOPBACK:
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or _DEFAULT_PORT.get(scheme, 0)
    path = parts.path.rstrip("/")
    return f"{scheme}://{host}:{port}{path}"


def local_lock_name(base_url: str, api_key: str) -> str:
    """The file name of the local write lock for one app (no secret in it)."""
    key = f"{normalise_base_url(base_url)}\n{api_key}"
    return hashlib.sha256(key.encode("utf-8", "backslashreplace")).hexdigest()[:16] + ".lock"
