"""Real GCS-compatible servers for tests: fake-gcs-server, a token endpoint, key generation."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


@contextmanager
def fake_gcs_server(data: Path | None = None) -> Iterator[str]:
    """fake-gcs-server on a free port; ``data`` preloads ``data/<bucket>/<object>`` files."""
    from hookctl.sandbox.gcs import LocalGcs

    with LocalGcs(data=data) as gcs:
        yield gcs.url


@contextmanager
def token_server(answer: dict[str, Any] | None = None, status: int = 200) -> Iterator[str]:
    """An OAuth token endpoint on loopback (answers every POST the same way)."""
    body = json.dumps(
        answer or {"access_token": "x", "expires_in": 3600, "token_type": "Bearer"}
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/token"
    finally:
        server.shutdown()
        server.server_close()


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

    def error(code: int, permission: str) -> bytes:
        reason = "forbidden" if code == 403 else "required"
        message = (
            f"stream-failover@hookctl-test.iam.gserviceaccount.com does not have "
            f"{permission} access to the Google Cloud Storage object."
        )
        return json.dumps(
            {
                "error": {
                    "code": code,
                    "message": message,
                    "errors": [{"message": message, "domain": "global", "reason": reason}],
                }
            }
        ).encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _route(self, op: str, permission: str, ok_body: bytes) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if "auth" in refuse:
                self._answer(401, error(401, permission))
            elif op in refuse:
                self._answer(403, error(403, permission))
            else:
                self._answer(200, ok_body)

        def do_POST(self) -> None:
            meta = json.dumps({"name": "probe", "bucket": "b", "generation": "1"}).encode()
            self._route("create", "storage.objects.create", meta)

        def do_GET(self) -> None:
            if "/iam/testPermissions" in self.path:
                self._answer(404, b'{"error": {"code": 404, "message": "not implemented"}}')
            elif "alt=media" in self.path:
                self._route(
                    "get",
                    "storage.objects.get",
                    b'{"hookctl": "failover probe", "safe_to_delete": true}',
                )
            else:
                self._route("list", "storage.objects.list", b'{"items": []}')

        def do_DELETE(self) -> None:
            self._route("delete", "storage.objects.delete", b"")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def counting_proxy(upstream: str) -> Iterator[tuple[str, list[str]]]:
    """A loopback reverse proxy that records every request line (``GET /storage/...``)."""
    import http.client
    from urllib.parse import urlsplit

    seen: list[str] = []
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _relay(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append(f"{self.command} {self.path}")
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            conn.request(self.command, self.path, body=body or None, headers=headers)
            response = conn.getresponse()
            data = response.read()
            self.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in ("transfer-encoding", "content-length", "connection"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            conn.close()

        do_GET = do_POST = do_DELETE = _relay

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


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
