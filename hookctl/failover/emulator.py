"""A forgotten emulator variable, caught before anything waits on Google.

The common slip: a new shell without ``HOOKCTL_GCS_ENDPOINT``, against a sandbox
bucket. Without an endpoint every GCS request goes to storage.googleapis.com,
which (offline, or behind a firewall) costs a DNS failure after the whole
``--timeout`` and a hint about the network, when the cause is one variable. So a
job is refused at once, before any token or GCS request, when Google's host is
the target and either

1. the key's ``token_uri`` is on this machine (``sandbox keygen`` keys point at
   the sandbox; a token from a local server is never valid at Google), or
2. the bucket came from a hook of a Stream app served on this machine by a
   hookctl sandbox that runs a local GCS (its ``/_sandbox/health`` says where).

Profiles hold no GCS endpoint (it is a flag or an environment variable only), so
a profile that points ``base_url`` at a sandbox is case 2.
"""

from __future__ import annotations

import ipaddress
import json
from urllib.parse import urlsplit

from hookctl.base.errors import ConfigError
from hookctl.failover.keys import ServiceAccountKey

GOOGLE_HOST = "https://storage.googleapis.com"
HEALTH_WAIT = 2.0  # seconds for a loopback sandbox to say where its GCS is


def on_this_machine(url: str) -> bool:
    """Whether ``url``'s host is a loopback name or address."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    if host.lower() in ("localhost", "localhost.localdomain") or host.lower().endswith(
        ".localhost"
    ):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def sandbox_gcs(base_url: str | None, timeout: float = HEALTH_WAIT) -> str | None:
    """The local GCS endpoint of the hookctl sandbox at ``base_url``, if that is a
    sandbox on this machine that runs one; None otherwise (never raises). Only a
    loopback URL is asked, and nothing but ``GET /_sandbox/health`` (no credentials)."""
    import urllib.request

    if not base_url or not on_this_machine(base_url):
        return None
    try:
        with urllib.request.urlopen(
            f"{base_url.rstrip('/')}/_sandbox/health", timeout=timeout
        ) as response:
            answer = json.loads(response.read(65536))
    except (OSError, ValueError):
        return None
    if not isinstance(answer, dict) or not answer.get("sandbox"):
        return None
    endpoint = answer.get("gcs_endpoint")
    return endpoint if isinstance(endpoint, str) and on_this_machine(endpoint) else None


def _fix(endpoint: str | None) -> str:
    if endpoint:
        return f"export HOOKCTL_GCS_ENDPOINT={endpoint} (the sandbox's GCS), or pass --gcs-endpoint"
    return (
        "set HOOKCTL_GCS_ENDPOINT to the local GCS server (`hookctl sandbox start --gcs` prints the "
        "export line), or pass --gcs-endpoint URL"
    )


def check_key(key: ServiceAccountKey | None, endpoint: str | None, base_url: str | None) -> None:
    """Refuse a sandbox key aimed at Google's host (case 1), naming the variable."""
    if endpoint or key is None:
        return
    token_uri = str(key.info.get("token_uri") or "")
    if not on_this_machine(token_uri):
        return
    raise ConfigError(
        f"HOOKCTL_GCS_ENDPOINT is not set, so this would read {GOOGLE_HOST} with a local sandbox's "
        f"key (its tokens come from {token_uri})",
        _fix(sandbox_gcs(base_url) or sandbox_gcs(_origin(token_uri))),
    )


def check_bucket(bucket: str, endpoint: str | None, base_url: str | None) -> None:
    """Refuse reading a hook's bucket from Google when the app is a local sandbox with
    its own GCS (case 2)."""
    if endpoint:
        return
    local = sandbox_gcs(base_url)
    if local is None:
        return
    raise ConfigError(
        f"HOOKCTL_GCS_ENDPOINT is not set, so this would read gs://{bucket} from {GOOGLE_HOST}, but "
        f"the hook is the local sandbox's ({base_url}) and its bucket is on {local}",
        _fix(local),
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
