"""Configuration: the profile file and the precedence of settings.

Precedence, decided in ``resolve`` and nowhere else:

1. flags (``--api-key``, ``--base-url``; ``--profile`` picks a profile whose
   values then count as flags, because the user named it on this command line)
2. environment (``STREAM_API_KEY``, ``STREAM_API_SECRET``, ``STREAM_BASE_URL``)
3. the profile named by ``HOOKCTL_PROFILE``, else the file's default profile
4. built-in defaults (the base URL)

Standard library only (plus platformdirs): ``verify-signature`` reads the
secret through this module and must start fast.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hookctl.errors import ConfigError, NotFound

DEFAULT_BASE_URL = "https://chat.stream-io-api.com"
DEFAULT_TIMEOUT = 10.0  # seconds: one budget per network call (Stream, GCS, token)
PROFILE_FIELDS = ("api_key", "api_secret", "base_url")
PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ENV_FOR = {
    "api_key": "STREAM_API_KEY",
    "api_secret": "STREAM_API_SECRET",
    "base_url": "STREAM_BASE_URL",
}


def config_path() -> Path:
    """``HOOKCTL_CONFIG`` or the platform's user config dir."""
    override = os.environ.get("HOOKCTL_CONFIG")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("hookctl", appauthor=False)) / "config.toml"


def data_dir() -> Path:
    """``HOOKCTL_DATA_DIR`` or the platform's user data dir (history, journals, locks)."""
    override = os.environ.get("HOOKCTL_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("hookctl", appauthor=False))


@dataclass(frozen=True)
class FailoverEnv:
    """What failover jobs take from the environment (each variable is named in the help
    of the option it stands in for): the GCS endpoint, and the task index that Cloud
    Run Jobs and Kubernetes indexed Jobs give each task (``--shard``)."""

    gcs_endpoint: str | None = None  # HOOKCTL_GCS_ENDPOINT, else STORAGE_EMULATOR_HOST
    cloud_run_task_index: str | None = None  # CLOUD_RUN_TASK_INDEX
    cloud_run_task_count: str | None = None  # CLOUD_RUN_TASK_COUNT
    job_completion_index: str | None = None  # JOB_COMPLETION_INDEX


def failover_env(env: Mapping[str, str] | None = None) -> FailoverEnv:
    env = os.environ if env is None else env
    return FailoverEnv(
        gcs_endpoint=env.get("HOOKCTL_GCS_ENDPOINT") or env.get("STORAGE_EMULATOR_HOST") or None,
        cloud_run_task_index=env.get("CLOUD_RUN_TASK_INDEX") or None,
        cloud_run_task_count=env.get("CLOUD_RUN_TASK_COUNT") or None,
        job_completion_index=env.get("JOB_COMPLETION_INDEX") or None,
    )


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Atomically write ``data`` to ``path`` with mode 0600.

    The file is written to a temporary sibling created 0600 and renamed over
    the target, so a crash never leaves a half-written file behind.
    """
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@dataclass
class Profile:
    name: str
    api_key: str | None = None
    api_secret: str | None = None
    base_url: str | None = None

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
            raise NotFound(
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
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ConfigFile(path)
    except OSError as exc:
        raise ConfigError(
            f"cannot read config file {path}: {exc.strerror}",
            "fix its permissions, or point HOOKCTL_CONFIG at another file",
        ) from None
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


@dataclass(frozen=True)
class Resolved:
    """Settings after precedence, with where each value came from."""

    api_key: str | None
    api_secret: str | None
    base_url: str
    profile: str | None
    sources: dict[str, str]

    def describe_credentials(self) -> str:
        """Where the key and secret came from, for error messages (never the values)."""
        key_src = self.sources.get("api_key", "nowhere")
        sec_src = self.sources.get("api_secret", "nowhere")
        if key_src == sec_src:
            return f"the API key and secret ({key_src})"
        return f"the API key ({key_src}) and secret ({sec_src})"


def resolve(
    *,
    flag_api_key: str | None = None,
    flag_base_url: str | None = None,
    flag_profile: str | None = None,
    env: dict[str, str] | None = None,
    config: ConfigFile | None = None,
) -> Resolved:
    """Apply the precedence rules documented at the top of this module."""
    env = dict(os.environ) if env is None else env
    config = config if config is not None else load_config()
    values: dict[str, str] = {}
    sources: dict[str, str] = {}

    def take(field_name: str, value: str | None, source: str) -> None:
        if value and field_name not in values:
            values[field_name] = value
            sources[field_name] = source

    take("api_key", flag_api_key, "flag --api-key")
    take("base_url", flag_base_url, "flag --base-url")
    profile_name: str | None = None
    if flag_profile:
        profile_name = flag_profile
        chosen = config.profile(flag_profile)
        for name in PROFILE_FIELDS:
            take(name, getattr(chosen, name), f"profile {chosen.name} (flag --profile)")
    for name in PROFILE_FIELDS:
        take(name, env.get(ENV_FOR[name]), f"env {ENV_FOR[name]}")
    if not flag_profile:
        env_profile = env.get("HOOKCTL_PROFILE")
        prof: Profile | None
        if env_profile:
            profile_name = env_profile
            prof = config.profile(env_profile)
            origin = f"profile {prof.name} (env HOOKCTL_PROFILE)"
        elif config.default_profile:
            profile_name = config.default_profile
            prof = config.profile(config.default_profile)
            origin = f"profile {prof.name} (default)"
        else:
            prof = None
            origin = ""
        if prof is not None:
            for name in PROFILE_FIELDS:
                take(name, getattr(prof, name), origin)
    take("base_url", DEFAULT_BASE_URL, "default")
    return Resolved(
        api_key=values.get("api_key"),
        api_secret=values.get("api_secret"),
        base_url=values["base_url"].rstrip("/"),
        profile=profile_name,
        sources=sources,
    )


def require_credentials(resolved: Resolved) -> tuple[str, str]:
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
    from hookctl.redact import remember

    remember(resolved.api_secret)
    return resolved.api_key, resolved.api_secret


def mask(secret: str | None) -> str:
    """A secret as shown to people: never more than its last 4 characters."""
    if not secret:
        return ""
    if len(secret) <= 8:
        return "********"
    return "********" + secret[-4:]
