"""``failover replay --follow`` rides out a GCS outage, within a bound.

Reproduces: the first listing error (GCS down for a moment, a 503) ended
``--follow`` with exit 1, so a follower under a supervisor stopped for good at the
first blip. Now each failed round is reported and retried at the next interval;
after five failed rounds in a row it gives up, says so, and exits 1.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from hookctl.failover.layout import envelope, object_name
from hookctl.sandbox.gcs import create_bucket
from tests.failover.test_replay_faults import BUCKET, HOOK, PATH, flaky_receiver, hookctl
from tests.gcs import fake_gcs_server, relay, upload
from tests.loopback import Loopback, Reply, Request


@contextmanager
def switchable_gcs(upstream: str) -> Iterator[tuple[str, threading.Event]]:
    """A loopback proxy in front of fake-gcs-server; while the event is set, every
    listing answers 503 (as GCS does in an outage)."""
    down = threading.Event()

    def switch(request: Request) -> Reply:
        if down.is_set() and urlsplit(request.target).path.endswith("/o"):
            return Reply(503, {"error": {"message": "Service Unavailable"}}, {"Retry-After": "0"})
        return relay(request, upstream)

    with Loopback() as server:
        server.route("*", "*", handler=switch)
        yield server.base_url, down


class Lines:
    """stderr of a running process, line by line, read by a thread."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert proc.stderr is not None
        self.thread = threading.Thread(target=self._read, args=(proc.stderr,), daemon=True)
        self.thread.start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.append(line)

    def text(self) -> str:
        return "".join(self.lines)


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def land(gcs: str, i: int) -> None:
    when = datetime.now(UTC).replace(microsecond=0)
    hook = f"{HOOK[:-2]}{i:02d}"
    upload(
        gcs,
        BUCKET,
        object_name(PATH, when, "message.new", hook),
        envelope(
            hook_id=hook,
            url="https://example.invalid/hook",
            event_type="message.new",
            error="timeout",
            failed_at=when,
            payload={"type": "message.new", "i": i},
        ),
    )


def follow(endpoint: str, url: str) -> subprocess.Popen[str]:
    return hookctl(
        "--timeout", "5", "failover", "replay", "--bucket", BUCKET, "--path", PATH,
        "--gcs-endpoint", endpoint, "--to", url, "--follow", "--interval", "1s",
    )  # fmt: skip


@pytest.mark.usefixtures("sandbox")
def test_follow_reports_a_failed_listing_and_carries_on_when_gcs_is_back() -> None:
    with (
        fake_gcs_server() as gcs,
        switchable_gcs(gcs) as (endpoint, down),
        flaky_receiver(0.0) as (url, log),
    ):
        create_bucket(gcs, BUCKET)
        land(gcs, 0)
        proc = follow(endpoint, url)
        err = Lines(proc)
        try:
            wait_for(lambda: len(log.ids()) == 1)
            down.set()
            wait_for(lambda: "round failed (2 of 5" in err.text())
            land(gcs, 1)  # lands during the outage
            down.clear()
            wait_for(lambda: len(log.ids()) == 2)
            assert proc.poll() is None  # still following
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=20)
            err.thread.join(timeout=5)
    text = err.text()
    assert proc.returncode == 0, text
    assert "round failed (1 of 5 in a row before giving up): GCS" in text
    assert "HTTP 503" in text or "503" in text
    assert "retrying in 1s" in text
    assert "gave up" not in text
    assert "Traceback" not in text
    assert "never retrieved" not in text
    assert sorted(json.loads(log.bodies[i])["i"] for i in log.ids()) == [0, 1]


@pytest.mark.usefixtures("sandbox")
def test_follow_gives_up_after_five_failed_rounds_in_a_row() -> None:
    with (
        fake_gcs_server() as gcs,
        switchable_gcs(gcs) as (endpoint, down),
        flaky_receiver(0.0) as (url, _),
    ):
        create_bucket(gcs, BUCKET)
        down.set()
        proc = follow(endpoint, url)
        try:
            _, text = proc.communicate(timeout=60)
        finally:
            proc.kill()
    assert proc.returncode == 1, text
    assert text.count("round failed (") == 4
    assert "round failed (4 of 5 in a row" in text
    assert "error: gave up following after 5 failed rounds in a row; the last: GCS" in text
    assert "Traceback" not in text
