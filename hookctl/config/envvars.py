"""Settings that come from a flag or the environment only: the leaf under ``settings``.

``hookctl.config.settings`` resolves every setting (flag > env > profile > default) and
re-exports what is here: the settings no profile holds (the network budget, the
GCS endpoint, the replay shard, the write settle delay) and the raw reads that fast paths need without
importing ``settings`` itself (dataclasses, pathlib and typing cost milliseconds
``verify-signature`` does not have). Standard library only, no ``typing`` at run
time. No module but these two reads the environment for a setting.
"""

from __future__ import annotations

import os

from hookctl.base.errors import ConfigError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    Env = Mapping[str, str]
else:
    Env = dict  # only used in annotations; a name settings.py re-exports

DEFAULT_TIMEOUT = 10.0  # seconds: one budget per network call (Stream, GCS, token)
DEFAULT_SETTLE = 0.5  # seconds between a hooks write and its read-back (no shared lock)


def _env(env: Env | None) -> Env:
    return os.environ if env is None else env


def remember_env_secret(env: Mapping[str, str] | None = None) -> None:
    """Mask ``STREAM_API_SECRET`` wherever it shows up, even in a command that never
    resolves settings (an envelope or a receiver's answer can echo it)."""
    from hookctl.base.redact import remember

    remember((os.environ if env is None else env).get("STREAM_API_SECRET"))


def secret_from_env(env: Mapping[str, str] | None = None) -> str | None:
    """``STREAM_API_SECRET``, for ``verify-signature``'s fast path (no config file read).

    A value with a stray non-UTF-8 byte (surrogate-escaped by Python) is a UsageError."""
    value = (os.environ if env is None else env).get("STREAM_API_SECRET") or None
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(
                "STREAM_API_SECRET is not UTF-8 text (it holds a stray non-UTF-8 byte)",
                "export STREAM_API_SECRET with the API secret as shown in the dashboard",
            ) from None
    return value


def require_env(var: str, hint: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The value of the environment variable the user named (``--secret-env VAR``,
    ``--credentials-env VAR``), or a UsageError naming it."""
    value = (os.environ if env is None else env).get(var, "")
    if not value:
        raise UsageError(
            f"environment variable {var} is not set or empty", hint or f"export {var}=... first"
        )
    return value


def timeout_setting(flag: float | None, env: Env | None = None) -> tuple[float, str]:
    """The network budget in seconds: ``--timeout``, ``HOOKCTL_TIMEOUT``, else 10."""
    if flag is not None:
        return flag, "flag --timeout"
    raw = _env(env).get("HOOKCTL_TIMEOUT", "").strip()
    if raw:
        value = _seconds("HOOKCTL_TIMEOUT", raw, 0.1, 3600, "30, or pass --timeout")
        return value, "env HOOKCTL_TIMEOUT"
    return DEFAULT_TIMEOUT, "default"


def _seconds(name: str, raw: str, low: float, high: float, example: str) -> float:
    """``raw`` as seconds in ``low..high``, else a ConfigError naming ``name`` (exit 2)."""
    from hookctl.base.numbers import decimal

    read = decimal(raw)
    value = -1.0 if read is None else read  # ASCII only: not "1_0", not "١٢"
    if not low <= value <= high:  # also refuses nan and inf
        raise ConfigError(
            f"{name}={raw!r} is not a number of seconds between {low:g} and {high:g}",
            f"e.g. export {name}={example}",
        )
    return value


def default_settle(shared_lock: bool) -> float:
    """0 when a shared lock serialises writers (no other hookctl writes in between),
    else ``DEFAULT_SETTLE``."""
    return 0.0 if shared_lock else DEFAULT_SETTLE


def settle_setting(shared_lock: bool, env: Env | None = None) -> tuple[float, str]:
    """The pause between a hooks write and its read-back: ``HOOKCTL_SETTLE_SECONDS``,
    else ``default_settle``. A value outside 0..60 seconds is a ConfigError (exit 2)."""
    raw = _env(env).get("HOOKCTL_SETTLE_SECONDS", "").strip()
    if not raw:
        return default_settle(shared_lock), "default (0 with a shared lock)"
    return _seconds("HOOKCTL_SETTLE_SECONDS", raw, 0, 60, "0.5"), "env HOOKCTL_SETTLE_SECONDS"


def gcs_endpoint_setting(flag: str | None, env: Env | None = None) -> tuple[str | None, str]:
    """A GCS-compatible endpoint (emulators, tests): ``--gcs-endpoint``, then
    ``HOOKCTL_GCS_ENDPOINT``, then ``STORAGE_EMULATOR_HOST``; ``None`` is Google's.
    ``HOST:PORT`` (the emulator convention) means ``http://HOST:PORT``. Not checked here
    (``config show`` shows what was set): ``gcs_endpoint`` checks before any use."""
    env = _env(env)
    for value, source in (
        (flag, "flag --gcs-endpoint"),
        (env.get("HOOKCTL_GCS_ENDPOINT"), "env HOOKCTL_GCS_ENDPOINT"),
        (env.get("STORAGE_EMULATOR_HOST"), "env STORAGE_EMULATOR_HOST"),
    ):
        if value is not None and (value or source.startswith("flag")):
            return (f"http://{value}" if _host_port(value) else value), source
    return None, ""


def _host_port(value: str) -> bool:
    """``127.0.0.1:4443``, ``[::1]:4443``, ``gcs:4443``: what STORAGE_EMULATOR_HOST holds."""
    import re

    return re.fullmatch(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}", value) is not None


def gcs_endpoint(flag: str | None = None, env: Env | None = None) -> str | None:
    """The endpoint to use, checked by the one URL validator (exit 2 naming its source):
    ``ftp://…``, ``file:///…``, ``http://[::1``, port 99999 or ``notaurl`` never reach
    google-cloud-storage."""
    from hookctl.base.validate import shown_url, url_problem

    value, source = gcs_endpoint_setting(flag, env)
    if value is None:
        return None
    problem = url_problem(value) or _userinfo(value)
    if problem:
        what = source.removeprefix("flag ").removeprefix("env ")
        raise UsageError(
            f"{what} {shown_url(value)} is not a GCS endpoint: it {problem}",
            f"give an http(s) URL like http://127.0.0.1:4443 (or HOST:PORT) in {what}, "
            "or unset it to use Google's",
        )
    return value


def _userinfo(url: str) -> str | None:
    """A ``user:password@`` in a GCS endpoint: the client would send it beside the key's
    token (aiohttp refuses the pair with a ValueError). Credentials come from a key."""
    from urllib.parse import urlsplit

    if "@" in urlsplit(url).netloc:
        return "holds a user:password@ (GCS credentials come from a key, never the URL)"
    return None


def _shard_raw(env: Env, count: int | None) -> tuple[str | None, str]:
    """The shard the environment names; a variable that is set but empty is an error,
    never "no shard" (every task would replay the whole backlog)."""
    cloud_run = ("CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT")
    for name in (*cloud_run, "JOB_COMPLETION_INDEX"):
        if name in env and not env[name].strip():
            raise UsageError(
                f"{name} is set but empty",
                "give it a value (or unset it), or pass --shard I/N",
            )
    if env.get("CLOUD_RUN_TASK_COUNT") and env.get("CLOUD_RUN_TASK_INDEX"):
        return (
            f"{env['CLOUD_RUN_TASK_INDEX']}/{env['CLOUD_RUN_TASK_COUNT']}",
            "env CLOUD_RUN_TASK_INDEX/CLOUD_RUN_TASK_COUNT",
        )
    if env.get("JOB_COMPLETION_INDEX"):
        if count:
            return (
                f"{env['JOB_COMPLETION_INDEX']}/{count}",
                "env JOB_COMPLETION_INDEX with flag --shard-count",
            )
        return f"{env['JOB_COMPLETION_INDEX']}/?", "env JOB_COMPLETION_INDEX (needs --shard-count)"
    return None, ""


def shard_setting(
    flag: str | None, count: int | None, env: Env | None = None
) -> tuple[tuple[int, int] | None, str]:
    """Which shard of a replay this process takes: ``--shard I/N``, else Cloud Run's
    task index and count, else a Kubernetes indexed Job's index with ``--shard-count``."""
    from hookctl.failover.layout import parse_shard

    if flag:
        return parse_shard(flag), "flag --shard"
    raw, source = _shard_raw(_env(env), count)
    if raw is None:
        if count:
            raise UsageError("--shard-count needs JOB_COMPLETION_INDEX", "or pass --shard I/N")
        return None, ""
    if raw.endswith("/?"):
        raise UsageError(
            "JOB_COMPLETION_INDEX is set but the number of shards is unknown",
            "pass --shard-count N (the Job's completions)",
        )
    try:
        return parse_shard(raw), source
    except UsageError:
        raise UsageError(
            f"{source.removeprefix('env ')} gives shard {raw[:80]!r}, not INDEX/COUNT with "
            "0 <= INDEX < COUNT <= 100,000",
            "fix the variables, or pass --shard I/N",
        ) from None


def shard(flag: str | None, count: int | None, env: Env | None = None) -> tuple[int, int] | None:
    return shard_setting(flag, count, env)[0]
