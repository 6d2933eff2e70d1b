"""Stopping (issue 14, item 5): real signals to real hookctl processes.

Reproduces: with a receiver that hangs, a second Ctrl-C did not abort (15.9 s,
then an ``asyncio.CancelledError`` traceback and exit 1), and Ctrl-C during
``trigger`` could print ``Task exception was never retrieved``.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.failover.test_replay_faults import delivered_in_journal, hookctl, replay_args, seed
from tests.gcs import fake_gcs_server
from tests.loopback import DROP, Action, Loopback, Reply, Request

ABORT_BOUND = 6.0  # seconds: the 2 s abort plus interpreter exit on a loaded 2-core machine


class Hanging:
    """Answers the first ``quick`` requests at once, then holds every request open
    until ``release`` is set (a receiver that stopped answering)."""

    def __init__(self, quick: int) -> None:
        self.quick = quick
        self.arrived: list[str] = []
        self.accepted: list[str] = []
        self.release = threading.Event()
        self.lock = threading.Lock()


@contextmanager
def hanging(quick: int) -> Iterator[tuple[str, Hanging]]:
    state = Hanging(quick)

    def answer(request: Request) -> Action:
        webhook_id = request.headers.get("x-webhook-id", "")
        with state.lock:
            state.arrived.append(webhook_id)
            hang = len(state.arrived) > state.quick
        if hang and not state.release.wait(60):
            return DROP
        with state.lock:
            state.accepted.append(webhook_id)
        return Reply(200)

    with Loopback() as server:
        url = server.route("POST", "/hook", handler=answer)
        try:
            yield url, state
        finally:
            state.release.set()


def wait_for(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


@pytest.mark.usefixtures("sandbox")
def test_a_second_signal_aborts_a_replay_stuck_on_a_hanging_receiver(tmp_path: Path) -> None:
    seed(tmp_path / "data", 30, datetime(2026, 4, 1, tzinfo=UTC))
    journal = tmp_path / "journal.sqlite3"
    with fake_gcs_server(tmp_path / "data") as gcs, hanging(quick=5) as (url, receiver):
        args = [
            *replay_args(gcs), "--since", "2026-04-01", "--until", "2026-04-02", "--to", url,
            "--rate", "0", "--concurrency", "4", "--journal", str(journal), "--yes", "--json",
        ]  # fmt: skip
        proc = hookctl(*args)
        wait_for(lambda: len(receiver.arrived) >= 9)  # 5 answered, 4 hanging
        proc.send_signal(signal.SIGINT)
        time.sleep(0.5)
        assert proc.poll() is None  # graceful: still waiting for the 4 in flight
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=ABORT_BOUND)
        assert proc.returncode == 130, err
        assert "Traceback" not in err
        assert "CancelledError" not in err
        assert "Task exception was never retrieved" not in err
        report = json.loads(out)
        assert report["stopped"] is True
        assert report["counts"]["delivered"] == 5
        with sqlite3.connect(journal) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert delivered_in_journal(journal) == set(receiver.accepted)
        receiver.quick = 1000  # the receiver recovers: a rerun sends the rest, nothing twice
        receiver.release.set()
        rerun = hookctl(*args)
        out, err = rerun.communicate(timeout=60)
        assert rerun.returncode == 0, err
    assert len(set(receiver.accepted)) == 30
    assert delivered_in_journal(journal) == set(receiver.accepted)


@pytest.mark.usefixtures("sandbox")
def test_ctrl_c_during_trigger_exits_130_without_stray_task_errors() -> None:
    with hanging(quick=3) as (url, receiver):
        proc = hookctl("trigger", "message.new", "--to", url, "--count", "40")
        wait_for(lambda: len(receiver.arrived) >= 10)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=ABORT_BOUND)
    assert proc.returncode == 130, err
    assert "Task exception was never retrieved" not in err
    assert "Traceback" not in err
    assert "Session is closed" not in err
