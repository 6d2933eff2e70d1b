"""What ``hookctl config`` does to the config file's profiles, without the command line.

Each function loads the file, checks what the user asked against it, and saves
(0600, through ``settings.ConfigFile.save``); the views return plain records for
JSON and tables. The secret is read by the caller between ``check_new`` and
``save_new`` so that a bad name or a clash fails before anyone is asked for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

from hookctl.base.errors import UsageError

if TYPE_CHECKING:
    from pathlib import Path

    from hookctl.config.settings import ConfigFile, Settings


class ProfileRow(TypedDict):
    """One profile as ``config list --json`` shows it (secret masked)."""

    name: str
    default: bool
    api_key: str | None
    api_secret: str
    base_url: str


class ProfileView(TypedDict):
    """One profile as ``config show NAME`` shows it."""

    name: str
    api_key: str | None
    api_secret: str | None
    base_url: str | None
    lock_url: str | None


def check_new(name: str, *, api_key: str, base_url: str | None, force: bool) -> ConfigFile:
    """The loaded config file, once ``name`` and the values may be added to it."""
    from hookctl.base.validate import check_profile_values
    from hookctl.config.settings import PROFILE_NAME, load_config

    check_profile_values(api_key=api_key, base_url=base_url)
    if not PROFILE_NAME.match(name):
        raise UsageError(
            f"profile name {name!r} is not allowed",
            "use letters, digits, '.', '_' or '-' (up to 64)",
        )
    config = load_config()
    if name in config.profiles and not force:
        raise UsageError(f"profile {name!r} already exists", "pass --force to replace it")
    return config


def add_profile(
    name: str,
    *,
    api_key: str,
    base_url: str | None,
    secret: Callable[[], str],
    default: bool = False,
    force: bool = False,
) -> str:
    """Add (or with ``force`` replace) a profile; the first one becomes the default.
    ``secret`` is called only once the name and values are accepted. Returns the
    line that says what was saved where."""
    from hookctl.config.settings import Profile

    config = check_new(name, api_key=api_key, base_url=base_url, force=force)
    config.profiles[name] = Profile(
        name, api_key, secret(), base_url.rstrip("/") if base_url else None
    )
    if default or not config.default_profile:
        config.default_profile = name
    config.save()
    return f"saved profile {name} to {config.path}" + (
        " (default)" if config.default_profile == name else ""
    )


def profile_rows() -> list[ProfileRow]:
    """Every profile, secret masked, as ``config list --json`` shows it."""
    from hookctl.config.settings import DEFAULT_BASE_URL, load_config, mask

    config = load_config()
    return [
        ProfileRow(
            name=p.name,
            default=p.name == config.default_profile,
            api_key=p.api_key,
            api_secret=mask(p.api_secret),
            base_url=p.base_url or DEFAULT_BASE_URL,
        )
        for p in config.profiles.values()
    ]


def _shown_secret(value: str | None, show_secrets: bool) -> str | None:
    from hookctl.config.settings import mask

    return value if show_secrets else (mask(value) if value else None)


def profile_view(name: str, *, show_secrets: bool = False) -> ProfileView:
    """One stored profile's fields (secret masked unless ``show_secrets``)."""
    from hookctl.config.settings import load_config

    prof = load_config().profile(name)
    return ProfileView(
        name=prof.name,
        api_key=prof.api_key,
        api_secret=_shown_secret(prof.api_secret, show_secrets),
        base_url=prof.base_url,
        lock_url=prof.lock_url,
    )


def settings_json(settings: Settings, *, sources: bool, show_secrets: bool) -> dict[str, object]:
    """``config show --json``: each setting's value (timeout and settle time as numbers), or with
    ``sources`` ``{"value": …, "source": …}``."""
    rows = settings.rows(show_secrets=show_secrets)
    values: dict[str, object] = {name: value for name, value, _ in rows}
    values["timeout"] = settings.timeout
    values["settle_seconds"] = settings.settle_seconds
    return {
        name: {"value": values[name], "source": source or None} if sources else values[name]
        for name, _, source in rows
    }


def use_profile(name: str) -> None:
    """Make an existing profile the default."""
    from hookctl.config.settings import load_config

    config = load_config()
    config.profile(name)
    config.default_profile = name
    config.save()


def remove_profile(name: str, confirm: Callable[[], None]) -> None:
    """Remove a profile once ``confirm()`` returns (it raises to cancel); the default
    moves to the first remaining profile by name."""
    from hookctl.config.settings import load_config

    config = load_config()
    config.profile(name)
    confirm()
    del config.profiles[name]
    if config.default_profile == name:
        config.default_profile = next(iter(sorted(config.profiles)), None)
    config.save()


def config_file() -> tuple[Path, bool]:
    """The config file's path, and whether it exists."""
    from hookctl.config.settings import config_path

    path = config_path()
    return path, path.exists()
