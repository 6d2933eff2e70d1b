"""Online checks of a failover bucket with a given key, through google-cloud-storage.

Every call a user waits for has a timeout and a bounded retry, both the global
``--timeout`` (``timeout=`` here): google-cloud-storage's default retry would
otherwise wait 120 s on an endpoint that never answers. A call that runs out
of time is reported with the endpoint it waited for, never as a ``RetryError``;
the token endpoint is named by the key's own ``token_uri``.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from hookctl.errors import HookctlError
from hookctl.failover.keys import ServiceAccountKey
from hookctl.retry import TIMED_OUT, network_reason
from hookctl.settings import DEFAULT_TIMEOUT

TIMEOUT = DEFAULT_TIMEOUT
GOOGLE_STORAGE = "https://storage.googleapis.com"
STREAM_PERMISSIONS = ("storage.objects.create", "storage.objects.get")
REPLAY_PERMISSIONS = ("storage.objects.list", "storage.objects.get")
SCOPE = "https://www.googleapis.com/auth/devstorage.read_write"


@dataclass
class Check:
    permission: str
    status: str  # ok | missing | not checked
    detail: str = ""

    def as_json(self) -> dict[str, str]:
        return {"permission": self.permission, "status": self.status, "detail": self.detail}


@dataclass
class ProbeReport:
    bucket: str
    purpose: str
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Stream's two permissions must be proven; for replay, nothing may be missing
        (get stays "not checked" while the prefix holds no object to read)."""
        if self.purpose == "stream":
            return all(c.status == "ok" for c in self.checks)
        return not any(c.status == "missing" for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {
            "bucket": self.bucket,
            "for": self.purpose,
            "ok": self.ok,
            "checks": [c.as_json() for c in self.checks],
            "notes": self.notes,
            "fixes": self.fixes,
        }


def _retry(timeout: float = TIMEOUT) -> Any:
    from google.cloud.storage.retry import DEFAULT_RETRY

    bounded = (
        DEFAULT_RETRY.with_timeout(timeout)
        if hasattr(DEFAULT_RETRY, "with_timeout")
        else DEFAULT_RETRY.with_deadline(timeout)
    )
    return bounded.with_delay(initial=0.2, maximum=2.0)


def timed_request(timeout: float) -> Any:
    """A google-auth transport whose every request waits at most ``timeout`` seconds
    (its default is 120 s)."""
    from google.auth.transport.requests import Request

    class _TimedRequest(Request):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            kwargs["timeout"] = min(float(kwargs.get("timeout") or timeout), timeout)
            return super().__call__(*args, **kwargs)  # type: ignore[no-untyped-call]

    return _TimedRequest()


def refresh_token(
    credentials: Any, *, timeout: float, key: ServiceAccountKey | None = None
) -> None:
    """Fetch a token now, within ``timeout``; failures name the token endpoint's host."""
    import google.auth.exceptions

    try:
        credentials.refresh(timed_request(timeout))
    except google.auth.exceptions.RefreshError as exc:
        if key is None:
            raise HookctlError(
                f"cannot get a token for GCS: {_short(str(exc))}", "check `gcloud auth`"
            ) from None
        raise _refresh_error(key, str(exc)) from None
    except google.auth.exceptions.TransportError as exc:
        uri = str(
            (key.info.get("token_uri") if key is not None else None)
            or getattr(credentials, "_token_uri", None)
            or getattr(credentials, "token_uri", None)
            or "https://oauth2.googleapis.com/token"
        )
        host = urlsplit(uri).netloc or uri
        reason = network_reason(_cause(exc))
        what = (
            f"did not answer within {timeout:g}s"
            if reason == TIMED_OUT or "timed out" in str(exc).lower()
            else f"could not be reached: {reason}"
        )
        raise HookctlError(
            f"the token endpoint {uri} {what}",
            f"check DNS and network access to {host} (proxy, firewall); "
            "raise --timeout if it is only slow",
        ) from None


def _cause(exc: BaseException) -> BaseException:
    """The innermost exception google-auth and requests wrapped."""
    seen = 0
    while seen < 8:
        inner = exc.__cause__ or exc.__context__ or (exc.args[0] if exc.args else None)
        if not isinstance(inner, BaseException):
            return exc
        exc, seen = inner, seen + 1
    return exc


def credentials_for(key: ServiceAccountKey, timeout: float = TIMEOUT) -> Any:
    """Service-account credentials with a token fetched now, within ``timeout``."""
    from google.oauth2 import service_account

    creds = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        key.info, scopes=[SCOPE]
    )
    refresh_token(creds, timeout=timeout, key=key)
    return creds


def _refresh_error(key: ServiceAccountKey, text: str) -> HookctlError:
    who = f"service account {key.client_email} (key {key.key_id[:8]}…)"
    lowered = text.lower()
    if "invalid_grant" in lowered and (
        "signature" in lowered
        or "not found" in lowered
        or "disabled" in lowered
        or "revoked" in lowered
    ):
        return HookctlError(
            f"Google refused the key: {who} was deleted, disabled, or the key "
            "was revoked (invalid_grant)",
            "create a new key for an enabled service account and use that",
        )
    if re.search(r"\b(iat|exp)\b|too early|in the future|short-lived", lowered):
        return HookctlError(
            f"Google refused the key's token: this machine's clock looks wrong "
            f"(invalid_grant: {_short(text)})",
            "sync the clock (e.g. `timedatectl set-ntp true`) and try again",
        )
    if "invalid_grant" in lowered:
        return HookctlError(
            f"Google refused the key of {who} (invalid_grant: {_short(text)})",
            "create a new key for the service account",
        )
    return HookctlError(
        f"the token request for {who} failed: {_short(text)}", "check the key and the network"
    )


def _short(text: str) -> str:
    return " ".join(text.split())[:200]


def storage_client(
    key: ServiceAccountKey | None, endpoint: str | None, timeout: float = TIMEOUT
) -> Any:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    creds = (
        credentials_for(key, timeout) if key is not None else AnonymousCredentials()  # type: ignore[no-untyped-call]
    )
    options = {"api_endpoint": endpoint} if endpoint else None
    project = key.project_id if key is not None else "hookctl"
    return storage.Client(project=project, credentials=creds, client_options=options)


def probe(
    bucket_name: str,
    path: str,
    key: ServiceAccountKey,
    *,
    purpose: str = "stream",
    endpoint: str | None = None,
    timeout: float = TIMEOUT,
) -> ProbeReport:
    """Check the permissions Stream (or replay) needs, with the key itself.

    Each call (the token, testIamPermissions, each probe) waits at most ``timeout``;
    the first one that runs out ends the probe with an error naming the endpoint."""
    import requests
    from google.api_core import exceptions as gexc

    report = ProbeReport(bucket_name, purpose)
    client = storage_client(key, endpoint, timeout)
    bucket = client.bucket(bucket_name)
    try:
        _probe(report, bucket, path, key.client_email, purpose, timeout, gexc)
    except gexc.Unauthorized as exc:
        raise _unauthorized(key.client_email, exc.message) from None
    except (gexc.RetryError, requests.exceptions.RequestException) as exc:
        raise _no_answer(endpoint or GOOGLE_STORAGE, timeout, exc) from None
    except gexc.GoogleAPICallError as exc:
        raise HookctlError(
            f"Cloud Storage call failed: {_short(str(exc))}",
            "check the bucket, the network, and --gcs-endpoint",
        ) from None
    return report


def _probe(
    report: ProbeReport,
    bucket: Any,
    path: str,
    email: str,
    purpose: str,
    timeout: float,
    gexc: Any,
) -> None:
    wanted = STREAM_PERMISSIONS if purpose == "stream" else REPLAY_PERMISSIONS
    granted: set[str] | None = None
    try:
        granted = set(
            bucket.test_iam_permissions(list(wanted), timeout=timeout, retry=_retry(timeout))
        )
    except (gexc.NotFound, gexc.MethodNotImplemented, gexc.BadRequest):
        # fake-gcs-server and some proxies answer 404 for the IAM endpoint: check the bucket
        granted = None
    except gexc.Forbidden as exc:
        granted = set()
        report.notes.append(
            f"testIamPermissions was refused ({_short(exc.message)}); "
            "checking with a real probe instead"
        )
    if granted is None:
        report.notes.append(
            "the server does not answer testIamPermissions; checked with a real probe only"
        )
    prefix = f"{path}/" if path else ""
    if purpose == "stream":
        _probe_write_read(report, bucket, prefix, email, granted, gexc, timeout)
    else:
        _probe_list_get(report, bucket, prefix, email, granted, gexc, timeout)


def _no_answer(endpoint: str, timeout: float, exc: BaseException) -> HookctlError:
    reason = network_reason(_cause(exc))
    text = str(exc).lower()
    if reason == TIMED_OUT or "timed out" in text or "timeout" in text:
        message = f"GCS at {endpoint} did not answer within {timeout:g}s"
    else:
        message = f"cannot reach GCS at {endpoint}: {_short(reason)}"
    return HookctlError(
        message, "check --gcs-endpoint and network access to it; raise --timeout if it is only slow"
    )


def _grant(bucket: str, email: str, role: str) -> str:
    return (
        f"grant {role} on bucket {bucket} to {email}: gcloud storage buckets "
        f"add-iam-policy-binding gs://{bucket} --member=serviceAccount:{email} --role={role}"
    )


def _from_iam(granted: set[str] | None, permission: str) -> str:
    """The status of a permission no probe could exercise: what testIamPermissions said."""
    return "ok" if granted and permission in granted else "not checked"


def _unauthorized(email: str, message: str) -> HookctlError:
    return HookctlError(
        f"Cloud Storage refused the token of {email} (401: {_short(message)})",
        "the key may have been revoked or the service account disabled; create a new key",
    )


def _not_found(bucket: str) -> HookctlError:
    return HookctlError(
        f"bucket {bucket} does not exist (or the key's project cannot see it)",
        f"create it (`gcloud storage buckets create gs://{bucket}`) or fix --bucket",
    )


def _probe_write_read(
    report: ProbeReport,
    bucket: Any,
    prefix: str,
    email: str,
    granted: set[str] | None,
    gexc: Any,
    timeout: float,
) -> None:
    name = f"{prefix}.hookctl-probe-{int(time.time())}-{uuid.uuid4().hex[:8]}.json"
    blob = bucket.blob(name)
    payload = json.dumps({"hookctl": "failover probe", "safe_to_delete": True}).encode()
    try:
        blob.upload_from_string(
            payload, content_type="application/json", timeout=timeout, retry=_retry(timeout)
        )
        report.checks.append(
            Check("storage.objects.create", "ok", f"wrote gs://{bucket.name}/{name}")
        )
    except gexc.NotFound:
        raise _not_found(bucket.name) from None
    except gexc.Forbidden:
        report.checks.append(Check("storage.objects.create", "missing", "403 on create"))
        report.fixes.append(_grant(bucket.name, email, "roles/storage.objectCreator"))
        report.checks.append(
            Check(
                "storage.objects.get",
                _from_iam(granted, "storage.objects.get"),
                "from testIamPermissions" if granted is not None else "needs an object to read",
            )
        )
        return
    try:
        if blob.download_as_bytes(timeout=timeout, retry=_retry(timeout)) != payload:
            report.notes.append("the probe object read back with different bytes")
        report.checks.append(Check("storage.objects.get", "ok", "read the probe back"))
    except gexc.Forbidden:
        report.checks.append(Check("storage.objects.get", "missing", "403 on get"))
        report.fixes.append(
            f"{email} can create but not read objects: roles/storage.objectCreator (which Stream's "
            "docs suggest) grants storage.objects.create only; use roles/storage.objectUser "
            "instead, or add roles/storage.objectViewer — "
            + _grant(bucket.name, email, "roles/storage.objectViewer")
        )
    try:
        blob.delete(timeout=timeout, retry=_retry(timeout))
        report.notes.append("deleted the probe object")
    except gexc.Forbidden:
        report.notes.append(
            f"could not delete the probe object (objectCreator cannot delete): "
            f"gcloud storage rm gs://{bucket.name}/{name}"
        )
    except gexc.NotFound:
        pass


def _probe_list_get(
    report: ProbeReport,
    bucket: Any,
    prefix: str,
    email: str,
    granted: set[str] | None,
    gexc: Any,
    timeout: float,
) -> None:
    try:
        blobs = list(
            bucket.list_blobs(prefix=prefix, max_results=1, timeout=timeout, retry=_retry(timeout))
        )
        report.checks.append(
            Check("storage.objects.list", "ok", f"listed gs://{bucket.name}/{prefix}")
        )
    except gexc.NotFound:
        raise _not_found(bucket.name) from None
    except gexc.Forbidden:
        report.checks.append(Check("storage.objects.list", "missing", "403 on list"))
        report.fixes.append(
            "objectCreator cannot list — "
            + _grant(bucket.name, email, "roles/storage.objectViewer")
        )
        return
    if not blobs:
        report.checks.append(
            Check(
                "storage.objects.get",
                _from_iam(granted, "storage.objects.get"),
                "no object under the prefix to read",
            )
        )
        return
    try:
        blobs[0].download_as_bytes(timeout=timeout, retry=_retry(timeout))
        report.checks.append(Check("storage.objects.get", "ok", f"read {blobs[0].name}"))
    except gexc.Forbidden:
        report.checks.append(Check("storage.objects.get", "missing", "403 on get"))
        report.fixes.append(_grant(bucket.name, email, "roles/storage.objectViewer"))
