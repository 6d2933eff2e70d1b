"""`sandbox start|emit|keygen` logic without Typer: the start plan, emit rows, progress."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from hookctl.base.errors import UsageError
from hookctl.sandbox.launch import (
    EmitProgress,
    StartPlan,
    emit_rows,
    emit_summary,
    write_sandbox_key,
)
from tests.conftest import Cli


def _plan(**given: Any) -> StartPlan:
    return StartPlan("127.0.0.1", 0, None, "k", "s", **given)


def test_a_plan_refuses_contradicting_gcs_options() -> None:
    with pytest.raises(UsageError, match="contradict"):
        _plan(gcs=True, gcs_endpoint="http://127.0.0.1:1")
    with pytest.raises(UsageError, match="--bucket needs --gcs"):
        _plan(buckets=("b",))


@pytest.mark.parametrize("bucket", ["fb", "Upper", "gs://demo", "x" * 64])
def test_sandbox_start_refuses_a_bucket_name_failover_set_refuses(cli: Cli, bucket: str) -> None:
    result = cli("sandbox", "start", "--gcs", "--bucket", bucket)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: bucket"), result.stderr
    assert "hint: " in result.stderr
    assert result.stdout == ""


def test_a_detached_child_gets_the_same_gcs_and_legacy_options() -> None:
    assert _plan().child_args() == []
    assert _plan(gcs=True, buckets=("aaa", "bbb"), legacy=True).child_args() == [
        "--gcs",
        "--bucket=aaa",
        "--bucket=bbb",
        "--legacy",
    ]
    assert _plan(gcs_endpoint="http://e").child_args() == ["--gcs-endpoint", "http://e"]
    assert _plan(log=True).child_args() == ["--log"]


def test_emit_rows_count_events_per_hook_type_and_outcome_in_first_seen_order() -> None:
    outcomes = [
        {"hook_id": "h2", "hook_type": "webhook", "outcome": "delivered"},
        {"hook_id": "h1", "hook_type": "sqs", "outcome": "would_deliver"},
        {"hook_id": "h2", "hook_type": "webhook", "outcome": "delivered"},
    ]
    assert emit_rows(outcomes) == [
        ["h2", "webhook", "delivered", 2],
        ["h1", "sqs", "would_deliver", 1],
    ]
    said = emit_summary("message.new", 3, {"delivered": 2, "would_deliver": 1})
    assert said == "3 × message.new: 2 delivered, 1 would deliver"
    assert emit_summary("x", 1, {}) == "1 × x: no hook receives it"


def test_emit_progress_speaks_at_most_once_a_second_and_always_at_the_end() -> None:
    said: list[str] = []
    now = [100.0]
    progress = EmitProgress(said.append, "message.new", True, clock=lambda: now[0])
    progress(32, 100)
    progress(64, 100)  # same second: quiet
    now[0] += 1.5
    progress(64, 100)  # a second later: said
    progress(64, 100)  # no news: quiet
    progress(100, 100)  # the end, within the second
    assert said == [
        "emitting message.new: 32/100",
        "emitting message.new: 64/100",
        "emitting message.new: 100/100",
    ]
    quiet: list[str] = []
    EmitProgress(quiet.append, "x", False)(1, 1)
    assert quiet == []


def test_a_sandbox_key_is_registered_before_it_is_written_private(tmp_path: Path) -> None:
    out = tmp_path / "key.json"
    registered: list[dict[str, Any]] = []

    def register(body: dict[str, Any]) -> None:
        assert not out.exists()  # registered first: a refused key is never left on disk
        registered.append(body)

    written = write_sandbox_key("http://127.0.0.1:9/", out, register)
    key = json.loads(out.read_text())
    assert key["token_uri"] == "http://127.0.0.1:9/_sandbox/token"
    assert registered[0]["private_key_id"] == key["private_key_id"] == written.private_key_id
    assert "BEGIN PUBLIC KEY" in registered[0]["public_key"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert written.as_json() == {
        "path": str(out),
        "client_email": key["client_email"],
        "private_key_id": key["private_key_id"],
    }
    assert written.message().endswith("registered with http://127.0.0.1:9")


def test_an_emit_job_result_without_outcomes_is_an_error_not_a_key_error() -> None:
    from hookctl.base.errors import HookctlError
    from hookctl.sandbox.jobs import run_emit

    def call(method: str, *_: object) -> dict[str, Any]:
        if method == "POST":
            return {"job": "j1"}
        return {"done": 1, "total": 1, "finished": True, "result": {"count": 1}}

    with pytest.raises(HookctlError, match="without outcomes"):
        run_emit(call, {"event_type": "x"}, on_progress=lambda *_: None)

    def good(method: str, *_: object) -> dict[str, Any]:
        if method == "POST":
            return {"job": "j1"}
        result = {"event_type": "x", "count": 1, "summary": {"delivered": 1}, "outcomes": []}
        return {"done": 1, "total": 1, "finished": True, "result": result}

    answer = run_emit(good, {"event_type": "x"}, on_progress=lambda *_: None)
    assert answer == {"event_type": "x", "count": 1, "summary": {"delivered": 1}, "outcomes": []}
