"""Building the objects a command works through, from the settings in effect.

``cli.context.AppContext`` calls these lazily (on first use), so ``--help`` never
pays for them; the rules (the base URL is checked before any credential is sent,
the shared lock comes from ``lock_url``, the API secret is a credential no hook may
carry) live here, where they can be tested without the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hookctl.config.settings import Settings
    from hookctl.events.live import Choice, Fetch
    from hookctl.hooks.writer import SafeWriter
    from hookctl.stream.client import StreamClient

Say = Callable[[str], None]


def stream_client(
    settings: Settings,
    *,
    timeout: float,
    log: Say | None = None,
    on_hooks: Callable[[list[dict[str, Any]]], None] | None = None,
) -> StreamClient:
    """A Stream API client for these settings: the base URL is checked and the
    credentials required (a usage error names where each came from)."""
    from hookctl.base.validate import check_url
    from hookctl.config.settings import require_credentials
    from hookctl.stream.client import StreamClient

    check_url(settings.base_url, what=f"the base URL (from {settings.sources.get('base_url')})")
    key, secret = require_credentials(settings)
    return StreamClient(
        settings.base_url,
        key,
        secret,
        credentials=settings.describe_credentials(),
        timeout=timeout,
        log=log,
        on_hooks=on_hooks,
    )


def safe_writer(
    client: StreamClient,
    settings: Settings,
    *,
    timeout: float,
    force_v2: bool = False,
    on_note: Say | None = None,
) -> SafeWriter:
    """The one write path for this app, with the shared lock when ``lock_url`` is set."""
    from hookctl.config.settings import data_dir
    from hookctl.hooks.lock import shared_lock
    from hookctl.hooks.writer import SafeWriter

    assert settings.api_key is not None  # a client was built: credentials are present
    lease = shared_lock(
        settings.api_key,
        settings.lock_url,
        settings.sources.get("lock_url", "lock_url"),
        timeout=timeout,
        on_note=on_note,
    )
    return SafeWriter(
        client,
        settings.api_key,
        settings.data_dir or data_dir(),
        force_v2=force_v2,
        shared_lock=lease,
        settle=settings.settle_seconds,
        credentials=[settings.api_secret] if settings.api_secret else [],
    )


def event_catalog(base_url: str, fetch: Fetch | None, *, refresh: bool = False) -> Choice:
    """The event catalog to use and a note saying which: with ``fetch``, Stream's
    ``GET /hook/events`` (cached); otherwise a cached live list if any, else bundled."""
    from hookctl.config.settings import data_dir
    from hookctl.events.live import cache_path, choose

    return choose(cache_path(data_dir(), base_url), base_url, fetch, refresh=refresh)
