"""Internal: the settings a public API call works with (the CLI's precedence rules)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hookctl.config.settings import Settings


def settings(
    *,
    api_key: str | None,
    api_secret: str | None,
    base_url: str | None,
    profile: str | None,
    timeout: float | None,
) -> Settings:
    """Arguments first (like flags), then ``STREAM_*``/``HOOKCTL_*`` variables, then the
    profile, then defaults: ``hookctl.config.settings.resolve``, plus the secret, which the
    command line never takes but a program may pass."""
    from hookctl.base.redact import remember
    from hookctl.config.settings import resolve

    found = resolve(
        flag_api_key=api_key, flag_base_url=base_url, flag_profile=profile, flag_timeout=timeout
    )
    if api_secret:
        remember(api_secret)  # never shown in an error message
        found = replace(
            found,
            api_secret=api_secret,
            sources={**found.sources, "api_secret": "argument api_secret"},
        )
    return found
