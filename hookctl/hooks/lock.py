"""Write locks: the local lock's key, and the optional shared lease in GCS.

Both are named from the app's identity, its API key (a key belongs to exactly
one app), never from how the base URL is spelt: ``http://127.0.0.1:8080``,
``http://127.1:8080``, ``http://localhost.:8080`` or a second DNS name of the
same server are one app and must take one lock. (An earlier version named the
lock from a normalised base URL; every spelling the normaliser did not fold got
a lease of its own, and writers through two spellings lost each other's edits.)
The key itself is not in the name, only a digest of it.

Local: hookctl processes that share a data dir serialise on a file lock
(``local_lock_name``).

Shared (``GcsLease``): a lock object in a GCS bucket, created with
``ifGenerationMatch=0`` (only one creator wins), holding the holder's identity
and an expiry. See the class docstring. This module owns the lease *protocol*;
the requests that read and write the object are ``hookctl.hooks.lockstore``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from hookctl.hooks.lockstore import LeaseHeld, LeaseObject


def app_lock_id(api_key: str) -> str:
    """The app's lock identity: a digest of its API key (no secret, no URL in it)."""
    key = f"hookctl-app-lock\n{api_key.strip()}"
    return hashlib.sha256(key.encode("utf-8", "backslashreplace")).hexdigest()[:16]


def local_lock_name(api_key: str) -> str:
    """The file name of the local write lock for one app, whatever its base URL."""
    return f"{app_lock_id(api_key)}.lock"


# ---------------------------------------------------------------- the shared lease in GCS

LOCK_URL = "the lock URL (lock_url)"
LEASE_SECONDS = 60.0
WAIT_SECONDS = 300.0
RENEW_MARGIN = 15.0


def parse_lock_url(url: str, api_key: str) -> tuple[str, str]:
    """``gs://BUCKET/PATH`` -> (bucket, object name). A PATH ending in ``/`` (or none) is a
    folder: the object is ``PATH/hookctl-<app>.lock``, one lease per app."""
    from hookctl.base.errors import UsageError
    from hookctl.base.validate import shown_url
    from hookctl.failover.keys import check_bucket

    hint = "e.g. gs://my-team-locks/hookctl/ (see `hookctl config show --sources`)"
    if not url.startswith("gs://"):
        raise UsageError(f"{LOCK_URL} {shown_url(url)} is not a gs://BUCKET/PATH URL", hint)
    bucket, _, path = url[5:].partition("/")
    if "@" in bucket:  # never echo what looks like user:password (the bucket check would)
        raise UsageError(f"{LOCK_URL} {shown_url(url)} holds a user:password@", hint)
    check_bucket(bucket)
    if not path or path.endswith("/"):
        path += f"hookctl-{app_lock_id(api_key)}.lock"
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise UsageError(f"{LOCK_URL} {shown_url(url)} has an empty or relative path segment", hint)
    return bucket, path


def identity() -> str:
    """Who holds a lease: user@host, pid and a random token (two processes never match)."""
    import getpass
    import os
    import socket
    import uuid

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()} pid {os.getpid()} ({uuid.uuid4().hex[:8]})"


class GcsLease:
    """A lease on one object in a GCS bucket, shared by every hookctl that points at it.

    - acquire: create the object with ``ifGenerationMatch=0`` (a multipart upload: the
      request fake-gcs-server and GCS both check), holding ``holder`` and ``expires_at``;
      only one creator gets 200, the others 412 and wait (polling with jitter);
    - a lease whose ``expires_at`` has passed is taken over by overwriting it with
      ``ifGenerationMatch=<its generation>`` (compare-and-swap, also checked by both),
      with a note naming the old holder; an unexpired lease is never taken;
    - renew (``check``, before each write) and release use the generation this process
      wrote: release reads the object, and only if it is still ours (same generation and
      holder) deletes it with ``ifGenerationMatch``. GCS enforces that precondition on
      DELETE; fake-gcs-server ignores it (tests show both), so the read before is what
      keeps a release from deleting a successor's lease on the emulator.

    Every request has a bounded timeout.
    """

    def __init__(
        self,
        bucket: str,
        name: str,
        *,
        endpoint: str | None = None,
        credentials: Any = None,
        timeout: float = 10.0,
        lease_seconds: float = LEASE_SECONDS,
        wait_seconds: float = WAIT_SECONDS,
        operation: str = "",
        on_note: Callable[[str], None] | None = None,
    ) -> None:
        self.bucket = bucket
        self.name = name
        self.lease_seconds = lease_seconds
        self.wait_seconds = wait_seconds
        self.operation = operation
        self.on_note = on_note
        self.holder = identity()
        self.generation: str | None = None
        self.expires_at = 0.0
        self.store = LeaseObject(
            bucket, name, endpoint=endpoint, credentials=credentials, timeout=timeout
        )

    @property
    def url(self) -> str:
        return self.store.url

    def _upload(self, if_generation: str) -> str:
        """Write our lease with ``ifGenerationMatch``; its new generation, or LeaseHeld."""
        import json
        import time

        now = time.time()
        expires_at = now + self.lease_seconds
        lease = {
            "holder": self.holder,
            "operation": self.operation,
            "acquired_at": now,
            "expires_at": expires_at,
        }
        generation = self.store.write(json.dumps(lease), if_generation)
        self.expires_at = expires_at
        return generation

    def read(self) -> tuple[str, dict[str, object]] | None:
        """(generation, lease) of the lock object as stored now, or None if there is none."""
        return self.store.read()

    def _note(self, message: str) -> None:
        if self.on_note is not None:
            self.on_note(message)

    # ------------------------------------------------------------ the protocol

    def acquire(self) -> None:
        import random
        import time

        from hookctl.base.errors import HookctlError

        deadline = time.monotonic() + self.wait_seconds
        waited_for: str | None = None
        pause = 0.05
        while True:
            try:
                self.generation = self._upload("0")
                return
            except LeaseHeld:
                pass
            current = self.read()
            if current is None:
                continue  # released between our create and our read: try again now
            generation, lease = current
            expires = _number(lease.get("expires_at"))
            holder = str(lease.get("holder") or "an unknown holder")
            if time.time() > expires:
                try:
                    self.generation = self._upload(generation)
                except LeaseHeld:
                    continue  # someone else took it over first
                self._note(
                    f"took over the shared lock {self.url}: the lease of {holder} "
                    f"expired {time.time() - expires:.0f}s ago"
                )
                return
            if waited_for != holder:
                self._note(f"waiting for the shared lock {self.url}, held by {holder}")
                waited_for = holder
            if time.monotonic() > deadline:
                raise HookctlError(
                    f"the shared lock {self.url} is held by {holder} (its lease ends in "
                    f"{expires - time.time():.0f}s); waited {self.wait_seconds:.0f}s",
                    "try again later; a lease is taken over only after it expires; "
                    "nothing was written",
                )
            time.sleep(pause + random.uniform(0, pause))
            pause = min(pause * 1.5, 1.0)

    def check(self) -> None:
        """Before each write: renew the lease if it ends soon; LockLost if it is not ours."""
        import time

        from hookctl.base.errors import HookctlError

        if self.generation is None or time.time() < self.expires_at - RENEW_MARGIN:
            return
        try:
            self.generation = self._upload(self.generation)
        except LeaseHeld:
            self.generation = None
            raise HookctlError(
                f"the shared lock {self.url} was taken over by someone else (this lease "
                "expired) before the write",
                "nothing more was written; run the command again",
            ) from None

    def release(self) -> None:
        if self.generation is None:
            return
        mine, self.generation = self.generation, None
        current = self.read()
        if current is None or current[0] != mine or current[1].get("holder") != self.holder:
            self._note(f"the shared lock {self.url} was no longer ours to release")
            return
        self.store.delete(mine)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> GcsLease:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.release()
        finally:
            self.close()


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def shared_lock(
    api_key: str,
    lock_url: str | None,
    source: str = LOCK_URL,
    *,
    timeout: float,
    operation: str = "",
    on_note: Callable[[str], None] | None = None,
) -> GcsLease | None:
    """The shared lease for this app (``lock_url`` from the settings: its env var or a
    profile's ``lock_url``), or None when none is set."""
    from hookctl.config.settings import gcs_endpoint

    if not lock_url:
        return None
    setting = (lock_url.strip(), source)
    bucket, name = parse_lock_url(setting[0], api_key)
    endpoint = gcs_endpoint()
    credentials = None
    if not endpoint:
        import google.auth
        import google.auth.exceptions

        from hookctl.base.errors import HookctlError

        try:
            credentials, _ = google.auth.default(
                scopes=["https://www.googleapis.com/auth/devstorage.read_write"]
            )
        except google.auth.exceptions.DefaultCredentialsError:
            raise HookctlError(
                f"no credentials for the shared lock {setting[0]} ({setting[1]})",
                "set GOOGLE_APPLICATION_CREDENTIALS to a key with roles/storage.objectUser on "
                "the bucket, or run `gcloud auth application-default login`",
            ) from None
    return GcsLease(
        bucket,
        name,
        endpoint=endpoint,
        credentials=credentials,
        timeout=timeout,
        operation=operation,
        on_note=on_note,
    )
