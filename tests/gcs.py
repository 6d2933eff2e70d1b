"""Real GCS-compatible servers for tests: fake-gcs-server, a token endpoint, key generation."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.loopback import Loopback, Reply, Request


@contextmanager
def fake_gcs_server(data: Path | None = None) -> Iterator[str]:
    """fake-gcs-server on a free port; ``data`` preloads ``data/<bucket>/<object>`` files."""
    from hookctl.sandbox.gcs import LocalGcs

    with LocalGcs(data=data) as gcs:
        yield gcs.url


@contextmanager
def token_server(answer: dict[str, Any] | None = None, status: int = 200) -> Iterator[str]:
    """An OAuth token endpoint on loopback (answers every POST the same way)."""
    body = answer or {"access_token": "x", "expires_in": 3600, "token_type": "Bearer"}
    with Loopback() as server:
        yield server.route("POST", "/token", Reply(status, body))


_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: Any = None) -> str:
    return (
        (key or _RSA)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def ec_pem() -> str:
    return pem(ec.generate_private_key(ec.SECP256R1()))


def service_account_key(token_uri: str, **overrides: Any) -> dict[str, Any]:
    key = {
        "type": "service_account",
        "project_id": "hookctl-test",
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": pem(),
        "client_email": "stream-failover@hookctl-test.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
    }
    key.update(overrides)
    return {k: v for k, v in key.items() if v is not None}


@contextmanager
def gcs_refusing(refuse: set[str]) -> Iterator[str]:
    """A loopback server in GCS's JSON API shape that answers 403 (or 401) on purpose.

    ``refuse`` holds operations: "create", "get", "delete", "list", or "auth" (401 on all).
    """

    def error(code: int, permission: str) -> dict[str, Any]:
        reason = "forbidden" if code == 403 else "required"
        message = (
            f"stream-failover@hookctl-test.iam.gserviceaccount.com does not have "
            f"{permission} access to the Google Cloud Storage object."
        )
        return {
            "error": {
                "code": code,
                "message": message,
                "errors": [{"message": message, "domain": "global", "reason": reason}],
            }
        }

    def answer(op: str, permission: str, ok_body: Any) -> Reply:
        if "auth" in refuse:
            return Reply(401, error(401, permission))
        if op in refuse:
            return Reply(403, error(403, permission))
        return Reply(200, ok_body)

    def handle(request: Request) -> Reply:
        if request.method == "POST":
            meta = {"name": "probe", "bucket": "b", "generation": "1"}
            return answer("create", "storage.objects.create", meta)
        if request.method == "DELETE":
            return answer("delete", "storage.objects.delete", b"")
        if "/iam/testPermissions" in request.path:
            return Reply(404, {"error": {"code": 404, "message": "not implemented"}})
        if request.query.get("alt") == ["media"]:
            probe = {"hookctl": "failover probe", "safe_to_delete": True}
            return answer("get", "storage.objects.get", probe)
        return answer("list", "storage.objects.list", {"items": []})

    with Loopback() as server:
        server.route("*", "*", handler=handle)
        yield server.base_url


def relay(request: Request, upstream: str) -> Reply:
    """Pass ``request`` on to ``upstream`` (a loopback proxy's route handler) and its
    answer back, without hop-by-hop headers."""
    import http.client
    from urllib.parse import urlsplit

    target = urlsplit(upstream)
    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    headers = {k: v for k, v in request.headers.items() if k != "host"}
    conn.request(request.method, request.target, body=request.body or None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    hop = ("transfer-encoding", "content-length", "connection")
    kept = {k: v for k, v in response.getheaders() if k.lower() not in hop}
    return Reply(response.status, data, kept)


@contextmanager
def counting_proxy(upstream: str) -> Iterator[tuple[str, list[str]]]:
    """A loopback reverse proxy that records every request line (``GET /storage/...``)."""
    seen: list[str] = []

    def record(request: Request) -> Reply:
        seen.append(f"{request.method} {request.target}")
        return relay(request, upstream)

    with Loopback() as server:
        server.route("*", "*", handler=record)
        yield server.base_url, seen


def write_object(data: Path, bucket: str, name: str, body: bytes | dict[str, Any]) -> None:
    """Put one object into a fake-gcs-server ``-data`` directory."""
    path = data / bucket / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body if isinstance(body, bytes) else json.dumps(body).encode())


def upload(url: str, bucket: str, name: str, body: bytes | dict[str, Any]) -> None:
    """Upload one object to a running server through its JSON API (media upload)."""
    from urllib.parse import quote

    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{url}/upload/storage/v1/b/{bucket}/o?uploadType=media&name={quote(name, safe='')}",
        method="POST",
        data=data,
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()
