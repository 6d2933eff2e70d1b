"""Replay under faults: a flaky receiver, SIGKILL at random moments, Ctrl-C, follow mode.

hookctl runs as a real process here (``python -m hookctl``), so signals reach it
the way they do in a terminal or a job runner.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hookctl.failover.layout import envelope, object_name
from hookctl.sandbox.gcs import create_bucket
from tests.gcs import fake_gcs_server, upload, write_object
from tests.loopback import DROP, Action, Loopback, Request, hang

BUCKET = "failover"
PATH = "stream/failed-events"
HOOK = "8c4f6a52-0d4e-4a9b-9a55-3b1f3f2d9e10"


class Accepting:
    """What a receiver accepted: (webhook id, monotonic time) per 2xx it sent."""

    def __init__(self) -> None:
        self.accepted: list[tuple[str, float]] = []
        self.attempts: list[str] = []  # X-Webhook-Attempt of each accepted request
        self.bodies: dict[str, bytes] = {}
        self.lock = threading.Lock()
        self.arrived = threading.Event()  # a request came (before any gate opened)
        self.delay = 0.0  # seconds each 2xx waits (a test may change it between runs)

    def ids(self) -> list[str]:
        with self.lock:
            return [i for i, _ in self.accepted]


@contextmanager
def flaky_receiver(
    fail_rate: float, delay: float = 0.0, gate: threading.Event | None = None
) -> Iterator[tuple[str, Accepting]]:
    """Fails ``fail_rate`` of requests: a 500, a hang past the client's timeout, or a
    dropped connection, in equal shares. Only a 2xx that is sent counts as accepted.
    With ``gate``, every request waits until the test sets it (at most 60 s)."""
    log = Accepting()
    log.delay = delay
    rng = random.Random(7)

    def handle(request: Request) -> Action:
        log.arrived.set()
        if gate is not None:
            gate.wait(60)
        with log.lock:
            roll = rng.random()
        if roll < fail_rate / 3:
            return 500
        if roll < 2 * fail_rate / 3:
            return hang(3.0)  # past the client's --attempt-timeout: drop without processing
        if roll < fail_rate:
            return DROP
        if log.delay:
            time.sleep(log.delay)
        with log.lock:
            webhook_id = request.headers.get("x-webhook-id", "")
            log.accepted.append((webhook_id, time.monotonic()))
            log.attempts.append(request.headers.get("x-webhook-attempt", ""))
            log.bodies[webhook_id] = request.body
        return 200

    with Loopback() as server:
        yield server.route("POST", "/hook", handler=handle), log


def seed(data: Path, count: int, start: datetime) -> dict[str, dict[str, Any]]:
    objects = {}
    for i in range(count):
        when = start + timedelta(minutes=7 * i)
        name = object_name(PATH, when, "message.new", HOOK)
        env = envelope(
            hook_id=HOOK,
            url="https://example.invalid/hook",
            event_type="message.new",
            error="HTTP 500: Internal Server Error",
            failed_at=when,
            payload={"type": "message.new", "i": i},
        )
        write_object(data, BUCKET, name, env)
        objects[name] = env
    return objects


def replay_args(gcs: str) -> list[str]:
    return ["failover", "replay", "--bucket", BUCKET, "--path", PATH, "--gcs-endpoint", gcs]


def hookctl(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hookctl", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def delivered_in_journal(journal: Path) -> set[str]:
    if not journal.exists():
        return set()
    with sqlite3.connect(journal) as db:
        return {
            row[0]
            for row in db.execute("SELECT webhook_id FROM outcomes WHERE state = 'delivered'")
        }


@pytest.mark.usefixtures("sandbox")
@pytest.mark.parametrize(
    ("events", "kill_runs", "min_kills"),
    [
        pytest.param(80, 2, 2, id="80-events-2-kills", marks=pytest.mark.slow),
        pytest.param(300, 6, 3, id="300-events-6-kills", marks=pytest.mark.slow),
    ],
)
def test_sigkill_at_random_moments_then_rerun_delivers_everything_and_nothing_twice(
    tmp_path: Path, events: int, kill_runs: int, min_kills: int
) -> None:
    objects = seed(tmp_path / "data", events, datetime(2026, 4, 1, tzinfo=UTC))
    journal = tmp_path / "journal.sqlite3"
    rng = random.Random(11)
    kills: list[tuple[float, set[str]]] = []  # (time of kill, journal's delivered ids after it)
    with fake_gcs_server(tmp_path / "data") as gcs, flaky_receiver(0.3) as (url, log):
        args = [
            *replay_args(gcs),
            "--since",
            "2026-04-01",
            "--until",
            "2026-04-03",
            "--to",
            url,
            "--rate",
            "0",
            "--concurrency",
            "8",
            # A 2xx the client reads after its attempt timeout is a retry, and a legal
            # duplicate: a bound a loaded machine cannot reach keeps every repeat here
            # down to a kill.
            "--attempt-timeout",
            "2",
            "--deadline",
            "6",
            "--journal",
            str(journal),
            "--yes",
            "--json",
        ]
        for run in range(40):
            before = len(log.ids())
            proc = hookctl(*args)
            if run < kill_runs:
                # A random moment in the middle of delivering: after 1-20 more events were
                # accepted, whatever start-up costs (a fixed 0.6-2 s sleep killed a loaded
                # machine's replay before it had sent anything, most runs).
                target = before + rng.randint(1, 20)
                while len(log.ids()) < target and proc.poll() is None:
                    time.sleep(0.01)
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
                    kills.append((time.monotonic(), delivered_in_journal(journal)))
                    continue
            out, err = proc.communicate(timeout=120)
            if proc.returncode == 0:
                report = json.loads(out)
                break
            assert proc.returncode == 1, err  # some deliveries failed: run again
        else:
            pytest.fail("replay never completed")
    assert len(kills) >= min_kills
    accepted = log.ids()
    journal_ids = delivered_in_journal(journal)
    assert set(accepted) == journal_ids  # nothing marked delivered that was not accepted
    assert len(journal_ids) == len(objects)  # every event got through
    assert report["counts"]["failed"] == 0
    first_accept: dict[str, float] = {}
    for webhook_id, at in log.accepted:
        first_accept.setdefault(webhook_id, at)
    duplicates = {i for i in accepted if accepted.count(i) > 1}
    for webhook_id in duplicates:
        # Only deliveries in flight at a kill may repeat: accepted before a kill whose
        # journal did not yet say "delivered".
        assert any(
            first_accept[webhook_id] <= killed_at and webhook_id not in journal_after
            for killed_at, journal_after in kills
        ), (
            webhook_id,
            [
                (at, n)
                for (i, at), n in zip(log.accepted, log.attempts, strict=True)
                if i == webhook_id
            ],
            [at for at, _ in kills],
        )
    assert len(duplicates) <= len(kills) * 16
    print(
        f"runs={run + 1} kills={len(kills)} accepted={len(accepted)} duplicates={len(duplicates)} "
        f"journal-after-kills={[len(j) for _, j in kills]}"
    )
    bodies = sorted(json.loads(b)["i"] for b in log.bodies.values())
    assert bodies == list(range(len(objects)))


@pytest.mark.usefixtures("sandbox")
def test_ctrl_c_lets_in_flight_deliveries_finish_and_prints_the_summary(tmp_path: Path) -> None:
    seed(tmp_path / "data", 60, datetime(2026, 4, 1, tzinfo=UTC))
    journal = tmp_path / "journal.sqlite3"
    with fake_gcs_server(tmp_path / "data") as gcs, flaky_receiver(0.0, delay=0.2) as (url, log):
        args = [
            *replay_args(gcs),
            "--since",
            "2026-04-01",
            "--until",
            "2026-04-02",
            "--to",
            url,
            "--rate",
            "0",
            "--concurrency",
            "4",
            "--journal",
            str(journal),
            "--yes",
            "--json",
        ]
        proc = hookctl(*args)
        deadline = time.monotonic() + 20
        while len(log.ids()) < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        report = json.loads(out)
        assert report["stopped"] is True
        assert "stopping" in err
        first = set(log.ids())
        assert report["counts"]["delivered"] == len(first) < 60
        assert delivered_in_journal(journal) == first  # the in-flight ones finished and count
        log.delay = 0.0  # the slow receiver only had to keep deliveries in flight for Ctrl-C
        rerun = hookctl(*args)
        out, err = rerun.communicate(timeout=60)
        assert rerun.returncode == 0, err
        assert json.loads(out)["counts"]["already_delivered"] == len(first)
    assert sorted(log.ids()) == sorted(set(log.ids()))  # nothing twice
    assert len(log.ids()) == 60


@pytest.mark.usefixtures("sandbox")
def test_follow_replays_new_objects_as_they_land_and_stops_on_sigterm() -> None:
    with fake_gcs_server() as gcs, flaky_receiver(0.0) as (url, log):
        create_bucket(gcs, BUCKET)
        proc = hookctl(
            "failover",
            "replay",
            "--bucket",
            BUCKET,
            "--path",
            PATH,
            "--gcs-endpoint",
            gcs,
            "--to",
            url,
            "--follow",
            "--interval",
            "1s",
        )

        def land(i: int) -> None:
            when = datetime.now(UTC).replace(microsecond=0)
            upload(
                gcs,
                BUCKET,
                object_name(PATH, when, "message.new", f"{HOOK[:-2]}{i:02d}"),
                envelope(
                    hook_id=f"{HOOK[:-2]}{i:02d}",  # the name's hook id: else malformed
                    url="https://example.invalid/hook",
                    event_type="message.new",
                    error="timeout",
                    failed_at=when,
                    payload={"type": "message.new", "i": i},
                ),
            )

        def wait_for(n: int) -> None:
            deadline = time.monotonic() + 20
            while len(log.ids()) < n and time.monotonic() < deadline:
                time.sleep(0.1)
            assert len(log.ids()) == n

        for i in range(3):
            land(i)
        wait_for(3)
        for i in range(3, 5):
            land(i)
        wait_for(5)
        time.sleep(1.5)  # more polls: nothing is sent twice
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "following gs://failover/stream/failed-events every 1s" in err
    assert "delivered" in err
    assert "stopped following" in err
    assert sorted(json.loads(log.bodies[i])["i"] for i in log.ids()) == [0, 1, 2, 3, 4]
