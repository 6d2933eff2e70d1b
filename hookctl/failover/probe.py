"""Online checks of a failover bucket with a given key, through google-cloud-storage.

Every call a user waits for has a timeout and a bounded retry: an unreachable
token endpoint must fail in seconds, not hang in the library's default retry.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from hookctl.errors import HookctlError
from hookctl.failover.keys import ServiceAccountKey

TIMEOUT = 10.0
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


def _retry() -> Any:
    from google.cloud.storage.retry import DEFAULT_RETRY

    bounded = (
        DEFAULT_RETRY.with_timeout(TIMEOUT)
        if hasattr(DEFAULT_RETRY, "with_timeout")
        else DEFAULT_RETRY.with_deadline(TIMEOUT)
    )
    return bounded.with_delay(initial=0.2, maximum=2.0)


def credentials_for(key: ServiceAccountKey) -> Any:
    """Service-account credentials with a token fetched now, within TIMEOUT."""
    import google.auth.exceptions
    from google.auth.transport.requests import Request
    from google.oauth2 import service_account

    class _TimedRequest(Request):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            kwargs["timeout"] = min(float(kwargs.get("timeout") or TIMEOUT), TIMEOUT)
            return super().__call__(*args, **kwargs)  # type: ignore[no-untyped-call]

    creds = service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
        key.info, scopes=[SCOPE]
    )
    try:
        creds.refresh(_TimedRequest())
    except google.auth.exceptions.RefreshError as exc:
        raise _refresh_error(key, str(exc)) from None
    except google.auth.exceptions.TransportError as exc:
        raise HookctlError(
            f"cannot reach the key's token endpoint {key.info.get('token_uri')}: "
            f"{_short(str(exc))}",
            "check DNS and network access to oauth2.googleapis.com (proxy, firewall)",
        ) from None
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


def storage_client(key: ServiceAccountKey | None, endpoint: str | None) -> Any:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    creds = credentials_for(key) if key is not None else AnonymousCredentials()  # type: ignore[no-untyped-call]
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
) -> ProbeReport:
    """Check the permissions Stream (or replay) needs, with the key itself."""
    from google.api_core import exceptions as gexc

    report = ProbeReport(bucket_name, purpose)
    client = storage_client(key, endpoint)
    bucket = client.bucket(bucket_name)
    wanted = STREAM_PERMISSIONS if purpose == "stream" else REPLAY_PERMISSIONS
    email = key.client_email
    granted: set[str] | None = None
    try:
        granted = set(bucket.test_iam_permissions(list(wanted), timeout=TIMEOUT, retry=_retry()))
    except gexc.NotFound:
        # fake-gcs-server and some proxies answer 404 for the IAM endpoint: check the bucket
        granted = None
    except (gexc.MethodNotImplemented, gexc.BadRequest):
        granted = None
    except gexc.Unauthorized as exc:
        raise _unauthorized(email, exc.message) from None
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
    try:
        if purpose == "stream":
            _probe_write_read(report, bucket, prefix, email, granted, gexc)
        else:
            _probe_list_get(report, bucket, prefix, email, granted, gexc)
    except gexc.Unauthorized as exc:
        raise _unauthorized(email, exc.message) from None
    except (gexc.GoogleAPICallError, gexc.RetryError) as exc:
        raise HookctlError(
            f"Cloud Storage call failed: {_short(str(exc))}",
            "check the bucket, the network, and --gcs-endpoint",
        ) from None
    return report


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
    report: ProbeReport, bucket: Any, prefix: str, email: str, granted: set[str] | None, gexc: Any
) -> None:
    name = f"{prefix}.hookctl-probe-{int(time.time())}-{uuid.uuid4().hex[:8]}.json"
    blob = bucket.blob(name)
    payload = json.dumps({"hookctl": "failover probe", "safe_to_delete": True}).encode()
    try:
        blob.upload_from_string(
            payload, content_type="application/json", timeout=TIMEOUT, retry=_retry()
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
        if blob.download_as_bytes(timeout=TIMEOUT, retry=_retry()) != payload:
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
        blob.delete(timeout=TIMEOUT, retry=_retry())
        report.notes.append("deleted the probe object")
    except gexc.Forbidden:
        report.notes.append(
            f"could not delete the probe object (objectCreator cannot delete): "
            f"gcloud storage rm gs://{bucket.name}/{name}"
        )
    except gexc.NotFound:
        pass


def _probe_list_get(
    report: ProbeReport, bucket: Any, prefix: str, email: str, granted: set[str] | None, gexc: Any
) -> None:
    try:
        blobs = list(
            bucket.list_blobs(prefix=prefix, max_results=1, timeout=TIMEOUT, retry=_retry())
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
        blobs[0].download_as_bytes(timeout=TIMEOUT, retry=_retry())
        report.checks.append(Check("storage.objects.get", "ok", f"read {blobs[0].name}"))
    except gexc.Forbidden:
        report.checks.append(Check("storage.objects.get", "missing", "403 on get"))
        report.fixes.append(_grant(bucket.name, email, "roles/storage.objectViewer"))
