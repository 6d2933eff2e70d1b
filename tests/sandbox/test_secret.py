"""The sandbox never prints or logs a secret the user chose; foreground servers exit 130.

Reproduces: ``sandbox start --detach --secret-env VAR`` wrote ``api secret <value>``
into ``<data>/sandbox/<port>.log`` (mode 0644), and the foreground ``sandbox start``
and ``listen`` exited 0 on Ctrl-C.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

from hookctl.sandbox.run import free_port, healthy

MASKED = "********"


def hookctl(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hookctl", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )


def background(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hookctl", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_detached_sandbox_keeps_a_chosen_secret_out_of_its_output_and_log(
    tmp_path: Path,
) -> None:
    secret = f"chosen-{uuid.uuid4().hex}"
    env = {**os.environ, "MY_SANDBOX_SECRET": secret}
    port = free_port()
    log = tmp_path / "data" / "sandbox" / f"{port}.log"
    log.parent.mkdir(parents=True, mode=0o700)
    log.write_text("an older run's line\n")
    log.chmod(0o644)  # as an older hookctl left it
    started = hookctl(
        env,
        "sandbox",
        "start",
        "--detach",
        "--port",
        str(port),
        "--secret-env",
        "MY_SANDBOX_SECRET",
    )
    try:
        assert started.returncode == 0, started.stderr
        assert secret not in started.stdout + started.stderr
        assert 'export STREAM_API_SECRET="${MY_SANDBOX_SECRET}"' in started.stdout.splitlines()
        exports = dict(
            line.removeprefix("export ").split("=", 1) for line in started.stdout.splitlines()
        )
        listed = hookctl({**env, **exports, "STREAM_API_SECRET": secret}, "hooks", "list", "--json")
        assert listed.returncode == 0, listed.stderr  # the sandbox takes the chosen secret
        assert json.loads(listed.stdout) == []
        text = log.read_text()
        assert "sandbox listening on" in text
        assert secret not in text
        assert f"api secret {MASKED}" in text
        assert log.stat().st_mode & 0o777 == 0o600
    finally:
        assert hookctl(env, "sandbox", "stop", "--port", str(port)).returncode == 0


def test_a_secret_env_name_a_shell_cannot_refer_to_is_refused() -> None:
    env = {**os.environ, "MY-SECRET": "abcdefgh"}
    refused = hookctl(
        env, "sandbox", "start", "--detach", "--port", "0", "--secret-env", "MY-SECRET"
    )
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert "not a shell variable name" in refused.stderr


def test_ctrl_c_on_a_foreground_sandbox_exits_130_without_printing_its_secret() -> None:
    secret = f"chosen-{uuid.uuid4().hex}"
    env = {**os.environ, "MY_SANDBOX_SECRET": secret}
    port = free_port()
    proc = background(
        env, "sandbox", "start", "--port", str(port), "--secret-env", "MY_SANDBOX_SECRET"
    )
    try:
        wait_until(
            lambda: healthy(f"http://127.0.0.1:{port}", pid=proc.pid) or proc.poll() is not None
        )
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "sandbox stopped" in err
    assert secret not in out + err
    assert 'export STREAM_API_SECRET="${MY_SANDBOX_SECRET}"' in out.splitlines()


def test_ctrl_c_on_listen_exits_130_after_its_summary() -> None:
    proc = background(dict(os.environ), "listen", "--port", "0")
    assert proc.stderr is not None
    try:
        line = proc.stderr.readline()
        while "listening on" not in line:
            assert line, "listen exited before listening"
            line = proc.stderr.readline()
        url = line.split("listening on ")[1].split()[0]
        request = urllib.request.Request(url, data=b"{}", method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:  # it is serving now
            assert answer.status == 200
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "summary: 1 request," in err


def test_a_detached_sandbox_started_with_log_logs_each_request(tmp_path: Path) -> None:
    """Reproduces: ``sandbox start --detach --log`` dropped ``--log`` from the child."""
    env = dict(os.environ)
    port = free_port()
    log = tmp_path / "data" / "sandbox" / f"{port}.log"
    started = hookctl(env, "sandbox", "start", "--detach", "--log", "--port", str(port))
    try:
        assert started.returncode == 0, started.stderr
        exports = dict(
            line.removeprefix("export ").split("=", 1) for line in started.stdout.splitlines()
        )
        exports = {k: v.strip('"') for k, v in exports.items()}
        listed = hookctl({**env, **exports}, "hooks", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        wait_until(lambda: "[sandbox]" in log.read_text())
        assert "GET" in log.read_text()
    finally:
        assert hookctl(env, "sandbox", "stop", "--port", str(port)).returncode == 0
