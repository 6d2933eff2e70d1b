"""Online checks of a failover bucket with a given key, through google-cloud-storage.

Every call a user waits for has a timeout and a bounded retry, both the global
``--timeout`` (``timeout=`` here): google-cloud-storage's default retry would
otherwise wait 120 s on an endpoint that never answers, and each exchange (headers
and body) ends within it too (``failover.exchange``), and the checks as a whole
within ``PROBE_CALLS`` of it (each call gets what is left). A call that runs out
of time is reported with the endpoint it waited for, never as a ``RetryError``;
the token endpoint is named by the key's own ``token_uri``. The credentials and
the client with those bounds are ``failover.gauth``; this module owns the checks
(testIamPermissions, then a real write/read/delete or list/get) and their report.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hookctl.base.errors import HookctlError
from hookctl.base.retry import TIMED_OUT, network_reason
from hookctl.failover.exchange import ran_out
from hookctl.failover.gauth import (
    TIMEOUT,
    bounded_retry,
    cause,
    short,
    storage_client,
    token_error,
)
from hookctl.failover.keys import ServiceAccountKey
from hookctl.stream.deadline import AnswerTooLarge

GOOGLE_STORAGE = "https://storage.googleapis.com"
STREAM_PERMISSIONS = ("storage.objects.create", "storage.objects.get")
REPLAY_PERMISSIONS = ("storage.objects.list", "storage.objects.get")


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

    Each call (the token, testIamPermissions, each probe) waits at most ``timeout``,
    or what is left of ``PROBE_CALLS`` of them for the checks as a whole; the first one
    that runs out ends the probe with an error naming the endpoint."""
    import google.auth.exceptions as gauth_errors
    import requests
    from google.api_core import exceptions as gexc

    from hookctl.failover.emulator import check_key

    check_key(key, endpoint, None)
    report = ProbeReport(bucket_name, purpose)
    ends = time.monotonic() + PROBE_CALLS * timeout

    def limits() -> dict[str, Any]:
        """A bucket call's timeout and retry: ``timeout``, or what is left of the checks'."""
        left = max(min(timeout, ends - time.monotonic()), 0.001)
        return {"timeout": left, "retry": bounded_retry(left)}

    client = storage_client(key, endpoint, timeout)
    bucket = client.bucket(bucket_name)
    try:
        _probe(report, bucket, path, key.client_email, purpose, limits, gexc)
    except gexc.Unauthorized as exc:
        raise _unauthorized(key.client_email, exc.message) from None
    except (gauth_errors.RefreshError, gauth_errors.TransportError) as exc:
        # a 401 made the session fetch a new token, through gauth.timed_request
        raise token_error(exc, None, timeout=timeout, key=key) from None
    except AnswerTooLarge as exc:
        raise HookctlError(
            f"GCS at {endpoint or GOOGLE_STORAGE} answered more than {exc.limit} bytes",
            "check --gcs-endpoint: a bucket's API answers are far smaller; nothing was changed",
        ) from None
    except (gexc.RetryError, requests.exceptions.RequestException) as exc:
        raise _no_answer(endpoint or GOOGLE_STORAGE, timeout, exc) from None
    except gexc.GoogleAPICallError as exc:
        raise HookctlError(
            f"Cloud Storage call failed: {short(str(exc))}",
            "check the bucket, the network, and --gcs-endpoint",
        ) from None
    finally:
        client.close()
    return report


# The most calls the checks make (the token, testIamPermissions, then write, read and
# delete), each within ``timeout``: the checks' whole budget, kept by ``limits``.
PROBE_CALLS = 5
Limits = Callable[[], dict[str, Any]]


def _probe(
    report: ProbeReport,
    bucket: Any,
    path: str,
    email: str,
    purpose: str,
    limits: Limits,
    gexc: Any,
) -> None:
    wanted = STREAM_PERMISSIONS if purpose == "stream" else REPLAY_PERMISSIONS
    granted: set[str] | None = None
    try:
        granted = set(bucket.test_iam_permissions(list(wanted), **limits()))
    except (gexc.NotFound, gexc.MethodNotImplemented, gexc.BadRequest):
        # fake-gcs-server and some proxies answer 404 for the IAM endpoint: check the bucket
        granted = None
    except gexc.Forbidden as exc:
        granted = set()
        report.notes.append(
            f"testIamPermissions was refused ({short(exc.message)}); "
            "checking with a real probe instead"
        )
    if granted is None:
        report.notes.append(
            "the server does not answer testIamPermissions; checked with a real probe only"
        )
    prefix = f"{path}/" if path else ""
    if purpose == "stream":
        _probe_write_read(report, bucket, prefix, email, granted, gexc, limits)
    else:
        _probe_list_get(report, bucket, prefix, email, granted, gexc, limits)


def _no_answer(endpoint: str, timeout: float, exc: BaseException) -> HookctlError:
    if ran_out(exc):
        return HookctlError(
            f"GCS at {endpoint} did not finish answering within {timeout:g}s "
            "(it answers, but too slowly)",
            "check --gcs-endpoint and the network, or raise --timeout; nothing was changed",
        )
    reason = network_reason(cause(exc))
    text = str(exc).lower()
    if reason == TIMED_OUT or "timed out" in text or "timeout" in text:
        message = f"GCS at {endpoint} did not answer within {timeout:g}s"
    else:
        message = f"cannot reach GCS at {endpoint}: {short(reason)}"
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
        f"Cloud Storage refused the token of {email} (401: {short(message)})",
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
    limits: Limits,
) -> None:
    name = f"{prefix}.hookctl-probe-{int(time.time())}-{uuid.uuid4().hex[:8]}.json"
    blob = bucket.blob(name)
    payload = json.dumps({"hookctl": "failover probe", "safe_to_delete": True}).encode()
    try:
        blob.upload_from_string(payload, content_type="application/json", **limits())
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
        if blob.download_as_bytes(**limits()) != payload:
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
        blob.delete(**limits())
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
    limits: Limits,
) -> None:
    try:
        blobs = list(bucket.list_blobs(prefix=prefix, max_results=1, **limits()))
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
        blobs[0].download_as_bytes(**limits())
        report.checks.append(Check("storage.objects.get", "ok", f"read {blobs[0].name}"))
    except gexc.Forbidden:
        report.checks.append(Check("storage.objects.get", "missing", "403 on get"))
        report.fixes.append(_grant(bucket.name, email, "roles/storage.objectViewer"))
