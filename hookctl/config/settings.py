"""Configuration: the profile file and the precedence of every setting.

Precedence, decided in this module and nowhere else:

1. flags (``--api-key``, ``--base-url``, ``--timeout``, ``--gcs-endpoint``,
   ``--shard``; ``--profile`` picks a profile whose values then count as flags,
   because the user named it on this command line)
2. environment (``STREAM_API_KEY``, ``STREAM_API_SECRET``, ``STREAM_BASE_URL``,
   ``HOOKCTL_TIMEOUT``, ``HOOKCTL_GCS_ENDPOINT``/``STORAGE_EMULATOR_HOST``,
   ``CLOUD_RUN_TASK_INDEX``/``CLOUD_RUN_TASK_COUNT``/``JOB_COMPLETION_INDEX``,
   ``HOOKCTL_LOCK_URL``, ``HOOKCTL_SETTLE_SECONDS``, ``HOOKCTL_DATA_DIR``,
   ``HOOKCTL_CONFIG``)
3. the profile named by ``HOOKCTL_PROFILE``, else the file's default profile
   (``api_key``, ``api_secret``, ``base_url``, ``lock_url``)
4. built-in defaults (the base URL, the 10 s timeout, the 0.5 s settle delay, 0 with
   a shared lock, the platform's dirs)

``resolve`` returns one ``Settings`` object that carries every value with the
place it came from (``hookctl config show --sources`` prints them). Settings
that belong to one command's flags (``--gcs-endpoint``, ``--shard``) are
resolved by the functions below from that flag and the environment; no other
module reads these environment variables.

Standard library only (plus platformdirs): ``verify-signature`` reads the
secret through this module and must start fast.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hookctl.base.errors import ConfigError

# The settings no profile holds (timeout, GCS endpoint, shard, settle) and the raw reads of the
# fast paths live in envvars.py (no dataclasses, pathlib or typing); re-exported here.
from hookctl.config.envvars import DEFAULT_SETTLE as DEFAULT_SETTLE
from hookctl.config.envvars import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
from hookctl.config.envvars import Env as Env
from hookctl.config.envvars import _env, _shard_raw
from hookctl.config.envvars import default_settle as default_settle
from hookctl.config.envvars import gcs_endpoint as gcs_endpoint
from hookctl.config.envvars import gcs_endpoint_setting as gcs_endpoint_setting
from hookctl.config.envvars import require_env as require_env
from hookctl.config.envvars import secret_from_env as secret_from_env
from hookctl.config.envvars import settle_setting as settle_setting
from hookctl.config.envvars import shard as shard
from hookctl.config.envvars import shard_setting as shard_setting
from hookctl.config.envvars import timeout_setting as timeout_setting

DEFAULT_BASE_URL = "https://chat.stream-io-api.com"
PROFILE_FIELDS = ("api_key", "api_secret", "base_url", "lock_url")
PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")  # \Z: "$" allows a final "\n"
ENV_FOR = {
    "api_key": "STREAM_API_KEY",
    "api_secret": "STREAM_API_SECRET",
    "base_url": "STREAM_BASE_URL",
    "lock_url": "HOOKCTL_LOCK_URL",
}


def config_path(env: Env | None = None) -> Path:
    """``HOOKCTL_CONFIG`` or the platform's user config dir."""
    override = _env(env).get("HOOKCTL_CONFIG")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("hookctl", appauthor=False)) / "config.toml"


def data_dir(env: Env | None = None) -> Path:
    """``HOOKCTL_DATA_DIR`` or the platform's user data dir (history, journals, locks)."""
    override = _env(env).get("HOOKCTL_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("hookctl", appauthor=False))


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Atomically write ``data`` to ``path`` with mode 0600.

    The file is written to a temporary sibling created 0600 and renamed over
    the target, so a crash never leaves a half-written file behind.
    """
    from hookctl.base.fsutil import write_atomic

    private_dir(path.parent)
    write_atomic(path, data, mode=0o600)


@dataclass
class Profile:
    name: str
    api_key: str | None = None
    api_secret: str | None = None
    base_url: str | None = None
    lock_url: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {k: v for k in PROFILE_FIELDS if (v := getattr(self, k))}


@dataclass
class ConfigFile:
    path: Path
    default_profile: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)

    def profile(self, name: str) -> Profile:
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles)) or "none yet"
            raise ConfigError(  # a name the user typed: usage, exit 2
                f"unknown profile {name!r} (profiles: {known})",
                "list them with `hookctl config list`, add one with `hookctl config add NAME`",
            ) from None

    def save(self) -> None:
        import tomli_w

        doc: dict[str, Any] = {}
        if self.default_profile:
            doc["default_profile"] = self.default_profile
        doc["profiles"] = {name: p.as_dict() for name, p in sorted(self.profiles.items())}
        write_private(self.path, tomli_w.dumps(doc).encode())


def load_config(path: Path | None = None) -> ConfigFile:
    """Read and check the config file; a missing file is an empty config."""
    import tomllib

    path = path or config_path()
    from hookctl.base.stdio import MAX_CONFIG_FILE, read_capped, size_text

    try:
        raw = read_capped(path, MAX_CONFIG_FILE)
    except FileNotFoundError:
        return ConfigFile(path)
    except OSError as exc:
        raise ConfigError(
            f"cannot read config file {path}: {exc.strerror}",
            "fix its permissions, or point HOOKCTL_CONFIG at another file",
        ) from None
    if raw is None:
        raise ConfigError(
            f"config file {path} is larger than {size_text(MAX_CONFIG_FILE)}",
            "point HOOKCTL_CONFIG at hookctl's config file (a few KB of TOML)",
        )
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"config file {path} is not valid TOML: {exc}",
            "fix the file by hand, or move it away and re-add profiles with `hookctl config add`",
        ) from None
    return _parse_config(path, doc)


def _parse_config(path: Path, doc: dict[str, Any]) -> ConfigFile:
    def bad(where: str, what: str) -> ConfigError:
        return ConfigError(
            f"config file {path}: {where} {what}",
            "fix the file by hand, or re-add the profile with `hookctl config add`",
        )

    default = doc.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise bad("default_profile", "must be a string")
    profiles_raw = doc.get("profiles", {})
    if not isinstance(profiles_raw, dict):
        raise bad("[profiles]", "must be a table of profiles")
    profiles: dict[str, Profile] = {}
    for name, body in profiles_raw.items():
        if not isinstance(body, dict):
            raise bad(f"[profiles.{name}]", "must be a table")
        values: dict[str, str] = {}
        for key, value in body.items():
            if key not in PROFILE_FIELDS:
                raise bad(
                    f"[profiles.{name}].{key}",
                    f"is not a known setting ({', '.join(PROFILE_FIELDS)})",
                )
            if not isinstance(value, str):
                raise bad(f"[profiles.{name}].{key}", "must be a string")
            values[key] = value
        profiles[name] = Profile(name=name, **values)
    if default is not None and default not in profiles:
        raise bad("default_profile", f"names {default!r}, which is not in [profiles]")
    return ConfigFile(path, default, profiles)


SECRET_SETTINGS = frozenset({"api_secret"})
NUMBERS = frozenset({"timeout", "settle_seconds"})  # shown as numbers in --json


@dataclass(frozen=True)
class Settings:
    """Every setting after precedence, with where each value came from.

    ``sources`` maps a setting's name to its origin ("flag --api-key",
    "env STREAM_API_KEY", "profile prod (default)", "default"); a setting with
    no value and no default has no entry."""

    api_key: str | None
    api_secret: str | None
    base_url: str
    profile: str | None
    sources: dict[str, str]
    timeout: float = DEFAULT_TIMEOUT
    gcs_endpoint: str | None = None
    shard: str | None = None  # as found ("2/8", or "3/?" without --shard-count)
    lock_url: str | None = None
    settle_seconds: float = DEFAULT_SETTLE  # the pause before a write's read-back
    data_dir: Path | None = None
    config_path: Path | None = None

    def exposed_secret(self) -> str | None:
        """A warning when the API secret in use comes from a config file that other users
        can read (group or world bits set, as a copied or hand-made file may have)."""
        if self.config_path is None or not self.sources.get("api_secret", "").startswith("profile"):
            return None
        try:
            mode = os.stat(self.config_path).st_mode & 0o777
        except OSError:
            return None
        if not mode & 0o077:
            return None
        return (
            f"config file {self.config_path} holds the API secret and is readable by others "
            f"(mode {mode:04o}); run: chmod 600 {self.config_path}"
        )

    def describe_credentials(self) -> str:
        """Where the key and secret came from, for error messages (never the values)."""
        key_src = self.sources.get("api_key", "nowhere")
        sec_src = self.sources.get("api_secret", "nowhere")
        if key_src == sec_src:
            return f"the API key and secret ({key_src})"
        return f"the API key ({key_src}) and secret ({sec_src})"

    def rows(self, *, show_secrets: bool = False) -> list[tuple[str, str | None, str]]:
        """(setting, value as shown, source) for every setting, secrets masked."""
        out: list[tuple[str, str | None, str]] = []
        for name in (
            "profile",
            "api_key",
            "api_secret",
            "base_url",
            "timeout",
            "settle_seconds",
            "gcs_endpoint",
            "shard",
            "lock_url",
            "data_dir",
            "config_path",
        ):
            value = getattr(self, name)
            text = None if value is None else (f"{value:g}" if name in NUMBERS else str(value))
            if name in SECRET_SETTINGS and not show_secrets:
                text = mask(text) if text else None
            out.append((name, text, self.sources.get(name, "")))
        return out


def _chosen_profile(
    flag_profile: str | None, env: Env, config: ConfigFile
) -> tuple[Profile | None, str, str]:
    """The profile in effect, why (for the ``profile`` row), and the source label its
    values get: ``--profile``, else ``HOOKCTL_PROFILE``, else the file's default."""
    if flag_profile:
        prof = config.profile(flag_profile)
        return prof, "flag --profile", f"profile {prof.name} (flag --profile)"
    if env.get("HOOKCTL_PROFILE"):
        prof = config.profile(env["HOOKCTL_PROFILE"])
        return prof, "env HOOKCTL_PROFILE", f"profile {prof.name} (env HOOKCTL_PROFILE)"
    if config.default_profile:
        prof = config.profile(config.default_profile)
        return prof, f"default_profile in {config.path}", f"profile {prof.name} (default)"
    return None, "none (no --profile, HOOKCTL_PROFILE or default_profile)", ""


def resolve(
    *,
    flag_api_key: str | None = None,
    flag_base_url: str | None = None,
    flag_profile: str | None = None,
    flag_timeout: float | None = None,
    env: Env | None = None,
    config: ConfigFile | None = None,
) -> Settings:
    """Apply the precedence rules documented at the top of this module."""
    env = dict(os.environ) if env is None else env
    config = config if config is not None else load_config(config_path(env))
    values: dict[str, str] = {}
    sources: dict[str, str] = {}

    def take(field_name: str, value: str | None, source: str) -> None:
        if value and field_name not in values:
            values[field_name] = value
            sources[field_name] = source

    take("api_key", flag_api_key, "flag --api-key")
    take("base_url", flag_base_url, "flag --base-url")
    prof, profile_source, origin = _chosen_profile(flag_profile, env, config)
    sources["profile"] = profile_source
    if flag_profile:  # a profile named on the command line counts as flags
        for name in PROFILE_FIELDS:
            take(name, getattr(prof, name), origin)
    for name in PROFILE_FIELDS:
        take(name, env.get(ENV_FOR[name]), f"env {ENV_FOR[name]}")
    if prof is not None and not flag_profile:
        for name in PROFILE_FIELDS:
            take(name, getattr(prof, name), origin)
    take("base_url", DEFAULT_BASE_URL, "default")
    timeout, sources["timeout"] = timeout_setting(flag_timeout, env)
    settle, sources["settle_seconds"] = settle_setting(bool(values.get("lock_url")), env)
    endpoint, endpoint_source = gcs_endpoint_setting(None, env)
    shard_raw, shard_source = _shard_raw(env, None)
    for name, source in (("gcs_endpoint", endpoint_source), ("shard", shard_source)):
        if source:
            sources[name] = source
    sources["data_dir"] = "env HOOKCTL_DATA_DIR" if env.get("HOOKCTL_DATA_DIR") else "default"
    sources["config_path"] = "env HOOKCTL_CONFIG" if env.get("HOOKCTL_CONFIG") else "default"
    return Settings(
        api_key=values.get("api_key"),
        api_secret=values.get("api_secret"),
        base_url=values["base_url"].rstrip("/"),
        profile=prof.name if prof is not None else None,
        sources=sources,
        timeout=timeout,
        gcs_endpoint=endpoint,
        shard=shard_raw,
        lock_url=values.get("lock_url"),
        settle_seconds=settle,
        data_dir=data_dir(env),
        config_path=config.path,
    )


def require_credentials(resolved: Settings) -> tuple[str, str]:
    """The key and secret, or one error that says exactly how to provide them."""
    missing = [n for n in ("api_key", "api_secret") if not getattr(resolved, n)]
    if missing:
        what = " and ".join(n.replace("_", " ") for n in missing)
        raise ConfigError(
            f"no Stream {what} configured",
            "set STREAM_API_KEY and STREAM_API_SECRET, or add a profile with "
            "`hookctl config add NAME --api-key KEY` (the secret is prompted or read "
            "with --secret-env VAR / --secret-stdin), or pass --profile NAME",
        )
    assert resolved.api_key is not None
    assert resolved.api_secret is not None
    from hookctl.base.validate import api_key_problem

    problem = api_key_problem(resolved.api_key)
    if problem:
        where = resolved.sources.get("api_key", "its source")
        raise ConfigError(
            f"the API key from {where} {problem}",
            "give the app's API key (from Stream's dashboard) there",
        )
    from hookctl.base.redact import remember

    remember(resolved.api_secret)
    return resolved.api_key, resolved.api_secret


def mask(secret: str | None) -> str:
    """A secret as shown to people: never more than its last 4 characters."""
    if not secret:
        return ""
    if len(secret) <= 8:
        return "********"
    return "********" + secret[-4:]
