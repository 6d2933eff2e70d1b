"""The sandbox can neither orphan itself nor reach production (issue 14, item 9).

Reproduces: a second ``sandbox start --detach`` on a busy port printed success
while its process died on "address in use", and the first sandbox vanished from
``status``/``stop`` while it kept running; ``sandbox emit``/``keygen`` with no
sandbox in the environment sent the profile's credentials to Stream itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hookctl.sandbox.run import free_port


def hookctl(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hookctl", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )


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
    from tests.conftest import Cli
    from tests.misbehave import misbehaving

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
