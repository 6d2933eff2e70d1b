"""Start and stop sandbox processes (foreground, or detached with a pid file)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from hookctl.base.errors import HookctlError, UsageError
from hookctl.base.fsutil import write_atomic
from hookctl.config.settings import private_dir
from hookctl.sandbox.server import SandboxServer
from hookctl.sandbox.state import SandboxState


def exports(url: str, api_key: str, api_secret: str, secret_env: str | None = None) -> list[str]:
    """Shell lines that point hookctl (and the SDKs) at a sandbox.

    A secret the user chose (``--secret-env VAR``) is never printed: the line
    refers to the variable instead (``"${VAR}"``); only the well-known default is
    written by value."""
    secret = f'"${{{secret_env}}}"' if secret_env else api_secret
    return [
        f"export STREAM_BASE_URL={url}",
        f"export STREAM_API_KEY={api_key}",
        f"export STREAM_API_SECRET={secret}",
    ]


def check_secret_env(var: str) -> None:
    """Refuse a ``--secret-env`` name the export line could not refer to in a shell."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
        raise UsageError(
            f"--secret-env {var!r} is not a shell variable name",
            "use letters, digits and underscores, e.g. --secret-env MY_SANDBOX_SECRET",
        )


@dataclass
class SandboxInfo:
    url: str
    api_key: str
    api_secret: str
    pid: int
    state_file: str | None = None
    secret_env: str | None = None

    def exports(self) -> list[str]:
        return exports(self.url, self.api_key, self.api_secret, self.secret_env)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def build(
    host: str,
    port: int,
    state_file: Path | None,
    api_key: str,
    api_secret: str,
    log: Callable[[str], None] | None = None,
    *,
    gcs_endpoint: str | None = None,
    event_log: Callable[[str], None] | None = None,
    legacy: bool = False,
) -> SandboxServer:
    state = SandboxState(state_file)
    state.add_app(api_key, api_secret, settings={"use_hook_v2": False} if legacy else None)
    try:
        return SandboxServer(
            state, host, port, log=log, gcs_endpoint=gcs_endpoint, event_log=event_log
        )
    except OSError as exc:
        raise HookctlError(
            f"cannot listen on {host}:{port}: {exc.strerror}",
            "pick another --port (0 picks a free one) or stop what uses it "
            "(`hookctl sandbox status` lists the sandboxes hookctl started)",
        ) from None


def serve_foreground(server: SandboxServer) -> None:
    """Serve until Ctrl-C or SIGTERM, then close cleanly."""

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.state.save()


def _runtime_dir(data_dir: Path) -> Path:
    return private_dir(data_dir / "sandbox")


def health(url: str, timeout: float = 0.5) -> dict[str, object] | None:
    """What ``/_sandbox/health`` says, if a hookctl sandbox answers at ``url``.

    No redirect is followed and only a JSON answer carrying the sandbox marker counts:
    whatever else answers there (Stream itself, a proxy) is not a sandbox."""
    from hookctl.sandbox.routes import MARKER

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_: object, **__: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(f"{url.rstrip('/')}/_sandbox/health", timeout=timeout) as response:
            if response.status != 200:
                return None
            info = json.loads(response.read(65536))
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or info.get("sandbox") != MARKER:
        return None
    return info


def healthy(url: str, timeout: float = 0.5, pid: int | None = None) -> bool:
    info = health(url, timeout)
    return info is not None and (pid is None or info.get("pid") == pid)


def require_sandbox(base_url: str, command: str) -> None:
    """Refuse (exit 2) unless ``base_url`` answers as a hookctl sandbox.

    ``sandbox emit``/``keygen`` authenticate with the profile's credentials: sent
    to Stream itself (no sandbox in the environment) they would leak to production
    for nothing. The probe is one credential-free GET of ``/_sandbox/health``."""
    if health(base_url, timeout=3.0) is None:
        raise UsageError(
            f"{base_url} is not a hookctl sandbox: `hookctl sandbox {command}` talks only to "
            "a sandbox, so nothing was sent",
            'start one with: eval "$(hookctl sandbox start --detach)" '
            "(it exports STREAM_BASE_URL), or pass --base-url http://127.0.0.1:PORT",
        )


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def _child_error(log: str) -> tuple[str, str | None]:
    """The child's own ``error:`` and ``hint:`` lines, so they are not nested in ours."""
    lines = [line.strip() for line in log.strip().splitlines() if line.strip()]
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].startswith("error: "):
            after = lines[i + 1] if i + 1 < len(lines) else ""
            hint = after.removeprefix("hint: ") if after.startswith("hint: ") else None
            return lines[i].removeprefix("error: "), hint
    return (lines[-1] if lines else "no output"), None


def start_detached(
    data_dir: Path,
    host: str,
    port: int,
    state_file: Path | None,
    api_key: str,
    api_secret: str,
    wait: float = 15.0,
    extra: list[str] | None = None,
    secret_env: str | None = None,
) -> SandboxInfo:
    if port and port_in_use(host, port):
        url = f"http://{host}:{port}"
        who = health(url)
        what = f"a hookctl sandbox (pid {who.get('pid')})" if who else "another program"
        raise HookctlError(
            f"{host}:{port} is already in use by {what}; nothing was started",
            f"use it (`hookctl sandbox status`), stop it (`hookctl sandbox stop --port {port}`), "
            "or pick another --port (0 picks a free one)",
        )
    port = port or free_port(host)
    runtime = _runtime_dir(data_dir)
    log_path = runtime / f"{port}.log"
    cmd = [
        sys.executable,
        "-m",
        "hookctl",
        "sandbox",
        "start",
        "--host",
        host,
        "--port",
        str(port),
        "--key",
        api_key,
        "--secret-env",
        "HOOKCTL_SANDBOX_SECRET",
    ]
    if state_file:
        cmd += ["--state", str(state_file)]
    cmd += extra or []
    env = {**os.environ, "HOOKCTL_SANDBOX_SECRET": api_secret}
    # The log holds whatever the sandbox says: owner-only, like the directory (and a
    # log an older hookctl left 0644 is narrowed), never through a planted symlink.
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "ab") as log:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            env=env,
            start_new_session=True,
        )
    url = f"http://{host}:{port}"
    deadline = time.monotonic() + wait + (15 if extra else 0)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            message, hint = _child_error(log_path.read_text(errors="replace"))
            raise HookctlError(
                f"the sandbox exited at start: {message}",
                f"{hint}; log: {log_path}" if hint else f"see {log_path}",
            )
        if healthy(url, pid=proc.pid):  # our process, not whatever else answers there
            info = SandboxInfo(
                url,
                api_key,
                api_secret,
                proc.pid,
                str(state_file) if state_file else None,
                secret_env,
            )
            write_atomic(
                runtime / f"{port}.json",
                json.dumps(
                    {"url": url, "api_key": api_key, "pid": proc.pid, "state_file": info.state_file}
                ).encode(),
            )
            return info
        time.sleep(0.05)
    proc.terminate()
    raise HookctlError(f"the sandbox did not answer on {url} within {wait:.0f}s", f"see {log_path}")


MAX_RECORD = 64 * 1024  # bytes: a record is ~150


def _record(path: Path) -> dict[str, object] | None:
    """The record ``start_detached`` wrote, or None for anything else: not a regular file
    (a FIFO would block), oversize, another JSON shape, or a pid no sandbox can have
    (``kill(-1)`` signals every process of the user, ``kill(0)`` our own group)."""
    from hookctl.base.stdio import read_capped

    try:
        data = read_capped(path, MAX_RECORD)
        info = json.loads(data) if data is not None else None
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict):
        return None
    pid, url = info.get("pid"), info.get("url")
    if type(pid) is not int or not 1 < pid < 2**31 or not isinstance(url, str):
        return None
    return info if url.startswith("http://") and url.rpartition(":")[2].isdigit() else None


def _is_sandbox_process(pid: int) -> bool | None:
    """Whether ``pid`` runs ``hookctl sandbox`` (Linux's /proc), None where unknown. A
    record outlives a sandbox killed with -9 or a reboot, and its pid is then reused."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None if not Path("/proc/self/cmdline").exists() else False
    return any(b"hookctl" in arg for arg in argv) and b"sandbox" in argv


def running(data_dir: Path) -> list[dict[str, object]]:
    """Detached sandboxes recorded in the data dir that are still alive; records of
    anything else (a dead or reused pid, a file hookctl did not write) are removed."""
    out = []
    for path in sorted(_runtime_dir(data_dir).glob("*.json")):
        info = _record(path)
        try:
            if info is None:
                raise ProcessLookupError
            pid = int(str(info["pid"]))
            os.kill(pid, 0)
            alive = healthy(str(info["url"]), pid=pid)
            if not alive and _is_sandbox_process(pid) is False:
                raise ProcessLookupError  # another program has that pid now
        except OSError:
            with contextlib.suppress(OSError):  # a directory there stays (and is ignored)
                path.unlink()
            continue
        info["alive"] = alive
        out.append(info)
    return out


def stop_detached(data_dir: Path, port: int | None) -> list[dict[str, object]]:
    stopped = []
    for info in running(data_dir):
        if port and not str(info["url"]).endswith(f":{port}"):
            continue
        pid = int(str(info["pid"]))
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            # Started by this very process (the Python API, a test): once it exits it
            # stays a zombie that ``kill(pid, 0)`` still finds, until it is reaped here.
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            try:
                os.kill(pid, 0)
            except OSError:
                break
            time.sleep(0.05)
        (_runtime_dir(data_dir) / f"{str(info['url']).rsplit(':', 1)[1]}.json").unlink(
            missing_ok=True
        )
        stopped.append(info)
    return stopped
