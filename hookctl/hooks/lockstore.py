"""The transport under the shared lease: one GCS object, read and written with
generation preconditions through the JSON API (httpx, imported lazily).

``hookctl.hooks.lock.GcsLease`` owns the protocol (who holds the lease, expiry,
take-over, renew, release); this module only moves bytes: a multipart upload
with ``ifGenerationMatch`` (412 → ``LeaseHeld``), a read of the metadata then of
that generation's content, a conditional delete, and a bearer token refreshed
within the budget. Every request has a bounded timeout, and every failure is one
``HookctlError`` that names the lock and says nothing was written.
"""

from __future__ import annotations

from typing import Any

_GOOGLE = "https://storage.googleapis.com"
_BOUNDARY = "hookctl-lease-boundary"
_MAX_ANSWER = 1024 * 1024  # a lease and its metadata are a few hundred bytes


class LeaseHeld(Exception):
    """Internal: the object exists (412 on create) or changed (412 on compare-and-swap)."""


class LeaseObject:
    """One object in a GCS bucket (or a GCS-compatible ``endpoint``)."""

    def __init__(
        self,
        bucket: str,
        name: str,
        *,
        endpoint: str | None = None,
        credentials: Any = None,
        timeout: float = 10.0,
    ) -> None:
        self.bucket = bucket
        self.name = name
        self.endpoint = (endpoint or _GOOGLE).rstrip("/")
        self.credentials = credentials
        self.timeout = min(timeout, 30.0)
        self._http: Any = None

    @property
    def url(self) -> str:
        return f"gs://{self.bucket}/{self.name}"

    def _client(self) -> Any:
        if self._http is None:
            import httpx

            from hookctl.stream.deadline import deadline_transport

            self._http = httpx.Client(
                timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 5.0)),
                transport=deadline_transport(),
            )
        return self._http

    def _headers(self) -> dict[str, str]:
        creds = self.credentials
        if creds is None:
            return {}
        if not getattr(creds, "valid", False):
            _refresh(creds, self.timeout)
        return {"Authorization": f"Bearer {creds.token}"}

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> Any:
        import httpx

        from hookctl.base.errors import HookctlError

        headers = self._headers()
        if content_type:
            headers["Content-Type"] = content_type
        from hookctl.stream.deadline import AnswerTooLarge, read_capped, within

        client = self._client()
        try:
            # the whole exchange within the timeout, and a lease is a few hundred bytes:
            # a lock server that drips bytes or answers without end cannot hold a write
            with within(self.timeout):
                request = client.build_request(
                    method, self.endpoint + path, params=params, content=content, headers=headers
                )
                response = client.send(request, stream=True)
                try:
                    body = read_capped(response, _MAX_ANSWER)
                finally:
                    response.close()
            return httpx.Response(response.status_code, headers={}, content=body)
        except AnswerTooLarge:
            raise HookctlError(
                f"the shared lock {self.url} at {self.endpoint} answered more than "
                f"{_MAX_ANSWER} bytes",
                "check the lock URL and the GCS endpoint setting; nothing was written",
            ) from None
        except httpx.HTTPError as exc:
            raise HookctlError(
                f"cannot reach the shared lock {self.url} at {self.endpoint}: {type(exc).__name__}",
                "check the lock URL, the network and the GCS endpoint setting; nothing was written",
            ) from None

    def _object_path(self) -> str:
        from urllib.parse import quote

        return f"/storage/v1/b/{self.bucket}/o/{quote(self.name, safe='')}"

    def write(self, body: str, if_generation: str) -> str:
        """Upload ``body`` with ``ifGenerationMatch`` (a multipart upload: the request
        fake-gcs-server and GCS both check); the new generation, or LeaseHeld."""
        import json

        meta = json.dumps({"name": self.name, "contentType": "application/json"})
        data = (
            f"--{_BOUNDARY}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{meta}\r\n"
            f"--{_BOUNDARY}\r\nContent-Type: application/json\r\n\r\n{body}\r\n--{_BOUNDARY}--\r\n"
        ).encode()
        response = self._request(
            "POST",
            f"/upload/storage/v1/b/{self.bucket}/o",
            params={"uploadType": "multipart", "ifGenerationMatch": if_generation},
            content=data,
            content_type=f"multipart/related; boundary={_BOUNDARY}",
        )
        if response.status_code == 412:
            raise LeaseHeld()
        self._raise_for(response, "write")
        return _generation(response, self.url)

    def read(self) -> tuple[str, dict[str, object]] | None:
        """(generation, content as a JSON object) as stored now, or None if there is none."""
        import json

        meta = self._request("GET", self._object_path())
        if meta.status_code == 404:
            return None
        self._raise_for(meta, "read")
        generation = _generation(meta, self.url)
        media = self._request(
            "GET", self._object_path(), params={"alt": "media", "generation": generation}
        )
        if media.status_code == 404:
            return None  # released in between
        self._raise_for(media, "read")
        try:
            lease = json.loads(media.content)
        except ValueError:
            lease = {}
        return generation, lease if isinstance(lease, dict) else {}

    def delete(self, if_generation: str) -> None:
        """Delete with ``ifGenerationMatch``; an object already gone or replaced is left."""
        response = self._request(
            "DELETE", self._object_path(), params={"ifGenerationMatch": if_generation}
        )
        if response.status_code in (404, 412):
            return  # already gone, or a successor's: leave it
        self._raise_for(response, "release")

    def _raise_for(self, response: Any, what: str) -> None:
        from hookctl.base.errors import HookctlError

        status = int(response.status_code)
        if 200 <= status < 300:
            return
        hint = {
            401: "the credentials were refused (GOOGLE_APPLICATION_CREDENTIALS)",
            403: "the credentials need storage.objects.create/get/delete on the lock bucket "
            "(roles/storage.objectUser)",
            404: "the lock bucket does not exist",
        }.get(status, "try again later")
        raise HookctlError(
            f"cannot {what} the shared lock {self.url}: GCS answered {status}",
            f"{hint}; nothing was written",
        )

    def close(self) -> None:
        client = self._http
        self._http = None
        if client is not None:
            client.close()


def _refresh(credentials: Any, timeout: float) -> None:
    from hookctl.base.errors import HookctlError
    from hookctl.failover.gauth import timed_request

    try:
        credentials.refresh(timed_request(timeout))
    except Exception as exc:  # google-auth raises several types; all mean "no token"
        raise HookctlError(
            f"cannot get a token for the shared lock bucket: {type(exc).__name__}",
            "check GOOGLE_APPLICATION_CREDENTIALS; nothing was written",
        ) from None


def _generation(response: Any, url: str) -> str:
    """The ``generation`` of an object's metadata, as digits, or a HookctlError."""
    import json

    from hookctl.base.errors import HookctlError

    try:
        generation = json.loads(response.content).get("generation")
    except (ValueError, RecursionError, AttributeError):
        generation = None
    text = str(generation) if isinstance(generation, (str, int)) else ""
    if not (text.isascii() and text.isdigit()):
        raise HookctlError(
            f"the shared lock {url}: GCS answered without an object generation",
            "check the lock URL and the GCS endpoint setting; nothing was written",
        )
    return text
