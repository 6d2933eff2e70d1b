"""The sandbox can neither orphan itself nor reach production (issue 14, item 9).

Reproduces: a second ``sandbox start --detach`` on a busy port printed success
while its process died on "address in use", and the first sandbox vanished from
``status``/``stop`` while it kept running; ``sandbox emit``/``keygen`` with no
sandbox in the environment sent the profile's credentials to Stream itself.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hookctl.sandbox.run import free_port
from hookctl.webhooks.receiver import Receiver
from tests.conftest import Cli, SandboxApp
from tests.misbehave import misbehaving


def hookctl(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hookctl", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )


@pytest.mark.slow  # two detached sandboxes: processes, not the default run
def test_a_second_start_on_a_busy_port_fails_and_leaves_the_first_running(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "HOOKCTL_DATA_DIR": str(tmp_path / "data")}
    port = str(free_port())
    first = hookctl(env, "sandbox", "start", "--detach", "--port", port)
    assert first.returncode == 0, first.stderr
    try:
        [before] = json.loads(hookctl(env, "sandbox", "status", "--json").stdout)
        second = hookctl(env, "sandbox", "start", "--detach", "--port", port)
        assert second.returncode == 1, second.stderr
        assert second.stdout == ""  # no export lines for a shell to eval
        assert f"already in use by a hookctl sandbox (pid {before['pid']})" in second.stderr
        [after] = json.loads(hookctl(env, "sandbox", "status", "--json").stdout)
        assert after["pid"] == before["pid"]
        assert after["alive"] is True
    finally:
        stopped = hookctl(env, "sandbox", "stop", "--port", port)
    assert stopped.returncode == 0, stopped.stderr
    with pytest.raises(ProcessLookupError):
        os.kill(int(before["pid"]), 0)


@pytest.mark.parametrize("command", [["emit", "message.new"], ["keygen", "--out", "key.json"]])
def test_emit_and_keygen_refuse_anything_but_a_sandbox(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with misbehaving(["200"]) as (url, seen):  # answers 200 to anything, like a real API
        base = url.removesuffix("/hook")
        monkeypatch.setenv("STREAM_BASE_URL", base)
        monkeypatch.setenv("STREAM_API_KEY", "prod-key")
        monkeypatch.setenv("STREAM_API_SECRET", "prod-secret-do-not-leak")
        result = Cli()("sandbox", *command)
    assert result.exit_code == 2, result.stderr
    assert "is not a hookctl sandbox" in result.stderr
    assert "nothing was sent" in result.stderr
    assert len(seen.requests) <= 1  # the credential-free health probe, nothing else
    for request in seen.requests:
        assert "authorization" not in request["headers"]
        assert "prod-key" not in json.dumps(request["headers"])
    assert not (tmp_path / "key.json").exists()


def test_a_large_emit_runs_as_a_job_and_shows_progress(sandbox: SandboxApp, cli: Cli) -> None:
    receiver = Receiver([sandbox.api_secret]).start()
    try:
        assert cli("hooks", "add", "webhook", "--url", receiver.url).exit_code == 0
        result = cli("sandbox", "emit", "message.new", "--count", "1001", "--json")
    finally:
        receiver.stop()
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["summary"] == {"delivered": 1001}
    assert len(answer["outcomes"]) == 1001
    assert receiver.stats.accepted == 1001
    assert "emitting message.new: 1001/1001" in result.stderr


def test_interrupting_emit_stops_the_server_emitting(sandbox: SandboxApp) -> None:
    with misbehaving(["sleep=0.05"]) as (url, seen):
        assert Cli()("hooks", "add", "webhook", "--url", url).exit_code == 0
        proc = subprocess.Popen(
            [sys.executable, "-m", "hookctl", "sandbox", "emit", "message.new", "-n", "5000"],
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while len(seen.requests) < 40:
            assert time.monotonic() < deadline, "no deliveries arrived"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        assert "Traceback" not in err
        [job] = sandbox.server.emit_jobs.of(sandbox.api_key)
        while not job.finished:
            assert time.monotonic() < deadline, "the job never stopped"
            time.sleep(0.05)
        assert job.cancelled.is_set()
        assert job.done < 5000
        assert len(seen.requests) == job.done  # nothing after the stop


@pytest.mark.slow
def test_emit_of_the_helps_limit_finishes(sandbox: SandboxApp, cli: Cli) -> None:
    receiver = Receiver([sandbox.api_secret]).start()
    try:
        assert cli("hooks", "add", "webhook", "--url", receiver.url).exit_code == 0
        result = cli("sandbox", "emit", "message.new", "--count", "10000", "--json")
    finally:
        receiver.stop()
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["summary"] == {"delivered": 10000}
    assert receiver.stats.accepted == 10000
