"""The sandbox speaks Stream's API shape, so the official SDK works against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from hookctl.sandbox.server import SandboxServer
from hookctl.sandbox.state import SandboxState
from hookctl.webhooks.signing import make_jwt, server_token
from tests.conftest import Cli, SandboxApp


def call(
    url: str,
    method: str = "GET",
    token: str | None = None,
    body: Any = None,
    extra: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], Any]:
    headers = {"stream-auth-type": "jwt", **(extra or {})}
    if token:
        headers["Authorization"] = token
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read())


def test_both_path_styles_auth_and_error_shape(sandbox: SandboxApp) -> None:
    token = server_token(sandbox.api_secret)
    for path in ("/app", "/api/v2/app"):
        status, headers, body = call(f"{sandbox.url}{path}?api_key={sandbox.api_key}", token=token)
        assert status == 200
        assert body["app"]["event_hooks"] == []
        assert {"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"} <= set(headers)
    status, _, body = call(
        f"{sandbox.url}/api/v2/app?api_key={sandbox.api_key}", token=server_token("wrong")
    )
    assert status == 401
    assert body["code"] == 43
    assert body["StatusCode"] == 401
    assert {"message", "duration", "more_info", "details"} <= set(body)
    status, _, body = call(f"{sandbox.url}/api/v2/app", token=token)
    assert status == 401
    assert body["code"] == 2
    status, _, body = call(
        f"{sandbox.url}/api/v2/app?api_key={sandbox.api_key}",
        token=make_jwt({"user_id": "bob"}, sandbox.api_secret),
    )
    assert status == 403
    assert body["code"] == 17
    status, _, body = call(
        f"{sandbox.url}/api/v2/app?api_key={sandbox.api_key}",
        token=make_jwt({"exp": 1}, sandbox.api_secret),
    )
    assert status == 401
    assert body["code"] == 40


def test_update_rules_ids_timestamps_and_rejections(sandbox: SandboxApp) -> None:
    url = f"{sandbox.url}/api/v2/app?api_key={sandbox.api_key}"
    token = server_token(sandbox.api_secret)
    hook = {"hook_type": "webhook", "webhook_url": "https://e.io", "enabled": True}
    status, _, _ = call(url, "PATCH", token, {"event_hooks": [hook]})
    assert status == 201
    [stored] = call(url, token=token)[2]["app"]["event_hooks"]
    assert len(stored["id"]) == 36
    assert isinstance(stored["created_at"], int)
    assert stored["created_at"] > 10**18
    status, _, body = call(url, "PATCH", token, {"event_hooks": [{"hook_type": "ftp"}]})
    assert status == 400
    assert body["code"] == 4
    assert "event_hooks[0].hook_type" in body["exception_fields"]
    pm = {"hook_type": "pending_message", "webhook_url": "https://p.io", "timeout_ms": 1}
    status, _, body = call(url, "PATCH", token, {"event_hooks": [pm, pm, pm]})
    assert status == 400
    assert "at most 2" in body["message"]
    status, _, body = call(url, "PATCH", token, {"event_hooks": [{"hook_type": "sqs"}]})
    assert status == 400
    assert "sqs_queue_url" in json.dumps(body["exception_fields"])
    # nothing of the rejected updates was applied
    assert [h["id"] for h in call(url, token=token)[2]["app"]["event_hooks"]] == [stored["id"]]


def test_official_stream_chat_sdk_works_against_the_sandbox(sandbox: SandboxApp) -> None:
    from stream_chat import StreamChat

    sdk = StreamChat(api_key=sandbox.api_key, api_secret=sandbox.api_secret, base_url=sandbox.url)
    sdk.update_app_settings(
        event_hooks=[
            {
                "hook_type": "webhook",
                "webhook_url": "https://sdk.example.com",
                "enabled": True,
                "event_types": ["message.new"],
            }
        ]
    )
    settings = sdk.get_app_settings()
    [hook] = settings["app"]["event_hooks"]
    assert hook["webhook_url"] == "https://sdk.example.com"
    assert settings.rate_limit().limit == 1000
    bad = StreamChat(api_key=sandbox.api_key, api_secret="nope", base_url=sandbox.url)
    from stream_chat.base.exceptions import StreamAPIException

    with pytest.raises(StreamAPIException) as info:
        bad.get_app_settings()
    assert info.value.status_code == 401
    assert info.value.error_code == 43


def test_state_file_persists_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = SandboxState(path)
    state.add_app("k", "s")
    state.update("k", {"event_hooks": [{"hook_type": "webhook", "webhook_url": "https://e.io"}]})
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    again = SandboxState(path)
    assert again.app_json("k")["event_hooks"][0]["webhook_url"] == "https://e.io"
    server = SandboxServer(again).start()
    try:
        assert call(f"{server.url}/_sandbox/health")[2]["ok"] is True
    finally:
        server.stop()


def test_detached_sandbox_start_status_stop(tmp_path: Path) -> None:
    env = {**os.environ, "HOOKCTL_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "hookctl", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    started = run("sandbox", "start", "--detach", "--port", "0")
    assert started.returncode == 0, started.stderr
    exports = dict(
        line.removeprefix("export ").split("=", 1) for line in started.stdout.splitlines()
    )
    listed = subprocess.run(
        [sys.executable, "-m", "hookctl", "hooks", "list", "--json"],
        env={**env, **exports},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0
    assert json.loads(listed.stdout) == []
    status = json.loads(run("sandbox", "status", "--json").stdout)
    assert status[0]["url"] == exports["STREAM_BASE_URL"]
    assert status[0]["alive"] is True
    assert run("sandbox", "stop").returncode == 0
    assert json.loads(run("sandbox", "status", "--json").stdout) == []
    pid = status[0]["pid"]
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_stop_reaps_a_detached_sandbox_started_by_the_same_process(cli: Cli) -> None:
    """In one process (the Python API, the in-process CLI in tests) the stopped sandbox
    stayed a zombie: `stop` waited out its 5 s for a process that had already exited,
    and left it unreaped."""
    started = cli("sandbox", "start", "--detach", "--port", "0")
    assert started.exit_code == 0, started.stderr
    [status] = json.loads(cli("sandbox", "status", "--json").stdout)
    stopped = cli("sandbox", "stop")
    assert stopped.exit_code == 0, stopped.stderr
    with pytest.raises(ChildProcessError):  # reaped by `stop`: no zombie left behind
        os.waitpid(status["pid"], os.WNOHANG)
    assert json.loads(cli("sandbox", "status", "--json").stdout) == []
