"""Ctrl-C during a paced replay (`--rate`): deliveries still waiting for their rate slot
are not sent. A real hookctl process, a real SIGINT, fake-gcs-server and a loopback
receiver.

Reproduces: with `--rate 2 --concurrency 16`, up to 16 deliveries hold a delivery slot
while they wait for the rate limiter; a Ctrl-C let every one of them go out, one every
half second, for several seconds after the operator asked to stop.
"""

from __future__ import annotations

import json
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.failover.test_replay_faults import (
    delivered_in_journal,
    flaky_receiver,
    hookctl,
    replay_args,
    seed,
)
from tests.gcs import fake_gcs_server

EVENTS = 30


@pytest.mark.slow  # two hookctl processes and a signal: seconds
@pytest.mark.usefixtures("sandbox")
def test_ctrl_c_with_a_rate_sends_nothing_still_waiting_for_its_slot(tmp_path: Path) -> None:
    seed(tmp_path / "data", EVENTS, datetime(2026, 4, 1, tzinfo=UTC))
    journal = tmp_path / "journal.sqlite3"
    with fake_gcs_server(tmp_path / "data") as gcs, flaky_receiver(0.0) as (url, log):
        window = ["--since", "2026-04-01", "--until", "2026-04-05", "--to", url]
        common = [*replay_args(gcs), *window, "--journal", str(journal), "--yes", "--json"]
        proc = hookctl(*common, "--rate", "2", "--concurrency", "16")
        deadline = time.monotonic() + 60
        while len(log.ids()) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert log.ids(), "no delivery started"
        proc.send_signal(signal.SIGINT)
        asked = time.monotonic()
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        after = [at for _, at in list(log.accepted) if at > asked]
        # at most the one whose slot had come when Ctrl-C arrived (2/s: one in flight)
        assert len(after) <= 1, (len(after), err)
        report = json.loads(out)
        assert report["stopped"] is True
        sent = set(log.ids())
        assert report["counts"]["delivered"] == len(sent) < EVENTS
        assert delivered_in_journal(journal) == sent  # what went out is journaled
        rerun = hookctl(*common, "--rate", "0")  # the rest, once
        out, err = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, err
        assert json.loads(out)["counts"]["already_delivered"] == len(sent)
    assert len(log.ids()) == len(set(log.ids())) == EVENTS  # every event, none twice
