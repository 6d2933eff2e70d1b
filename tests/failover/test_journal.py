"""One replay per journal, and only a real journal (issue 14, item 4).

Reproduces: two replays started together on one journal delivered most events
twice. The replays that race run as real processes, against fake-gcs-server and a
loopback receiver that counts every request; a refusal of a file runs in-process.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.failover.test_replay_faults import (
    delivered_in_journal,
    flaky_receiver,
    hookctl,
    replay_args,
    seed,
)
from tests.gcs import fake_gcs_server
from tests.loopback import Loopback

COUNT = 40


def args(gcs: str, url: str, journal: Path) -> list[str]:
    return [
        *replay_args(gcs),
        "--since", "2026-04-01", "--until", "2026-04-02", "--to", url, "--rate", "0",
        "--concurrency", "2", "--journal", str(journal), "--yes", "--json",
        "--attempt-timeout", "60", "--deadline", "120",  # a held delivery is not a failure
    ]  # fmt: skip


def holds_open(pid: int, path: Path) -> bool | None:
    """Whether process ``pid`` has ``path`` open (None: no /proc to tell)."""
    fds = Path(f"/proc/{pid}/fd")
    if not fds.is_dir():
        return None
    for fd in fds.iterdir():
        try:
            if os.readlink(fd) == str(path):
                return True
        except OSError:
            continue  # closed meanwhile
    return False


@pytest.mark.usefixtures("sandbox")
def test_a_second_replay_on_the_same_journal_exits_at_once_naming_the_first(tmp_path: Path) -> None:
    seed(tmp_path / "data", COUNT, datetime(2026, 4, 1, tzinfo=UTC))
    journal = tmp_path / "journal.sqlite3"
    gate = threading.Event()  # the receiver holds every delivery until it is set
    with fake_gcs_server(tmp_path / "data") as gcs, flaky_receiver(0.0, gate=gate) as (url, log):
        first = hookctl(*args(gcs, url, journal))
        try:
            assert log.arrived.wait(60), "the first replay sent nothing"
            # The first replay now holds the journal, its deliveries held by the gate.
            second = hookctl(*args(gcs, url, journal))
            out, err = second.communicate(timeout=30)
            assert second.returncode == 1, err
            assert out == ""
            assert f"in use by another replay (pid {first.pid} on " in err
            assert "--wait" in err
            assert "Traceback" not in err
            waiting = hookctl(*args(gcs, url, journal), "--wait")
            deadline = time.monotonic() + 60
            while holds_open(waiting.pid, journal) is False and waiting.poll() is None:
                assert time.monotonic() < deadline, "--wait never reached the journal"
                time.sleep(0.05)
            assert waiting.poll() is None, "--wait did not queue behind the first replay"
            assert log.ids() == []  # nothing was delivered yet: the first one still runs
        finally:
            gate.set()
        out, err = first.communicate(timeout=60)
        assert first.returncode == 0, err
        out, err = waiting.communicate(timeout=60)
        assert waiting.returncode == 0, err
        assert json.loads(out)["counts"]["already_delivered"] == COUNT
    ids = log.ids()
    assert len(ids) == len(set(ids)) == COUNT  # nothing twice
    assert delivered_in_journal(journal) == set(ids)


def _refused(cli: Cli, gcs: str, journal: Path) -> tuple[int, str, int]:
    """A replay on ``journal``, in this process: a refusal happens before anything is
    listed or sent, so a process of its own (~1 CPU-s with google-cloud-storage) would
    add nothing; the races between replays above need real processes."""
    with flaky_receiver(0.0) as (url, log):
        result = cli(*args(gcs, url, journal))
        return result.exit_code, result.stderr, len(log.ids())


@pytest.mark.usefixtures("sandbox")
def test_a_file_that_is_not_a_journal_is_refused_and_nothing_is_sent(
    cli: Cli, tmp_path: Path
) -> None:
    seed(tmp_path / "data", 3, datetime(2026, 4, 1, tzinfo=UTC))
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"not a database at all " * 400)
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance REAL)")
    with fake_gcs_server(tmp_path / "data") as gcs:
        outcomes = [_refused(cli, gcs, journal) for journal in (garbage, other)]
    for code, err, sent in outcomes:
        assert (code, sent) == (1, 0), err
        assert "is not a valid replay journal" in err
        assert "nothing was sent" in err
        assert "Traceback" not in err
    with sqlite3.connect(other) as db:  # and it was left alone
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master")] == ["accounts"]


@pytest.mark.usefixtures("sandbox")
def test_a_journal_with_a_corrupted_page_is_refused(cli: Cli, tmp_path: Path) -> None:
    seed(tmp_path / "data", 30, datetime(2026, 4, 1, tzinfo=UTC))
    journal = tmp_path / "journal.sqlite3"
    with fake_gcs_server(tmp_path / "data") as gcs:
        with flaky_receiver(0.0) as (url, _):
            made = cli(*args(gcs, url, journal))  # a real journal, closed at the end
            assert made.exit_code == 0, made.stderr
        assert not journal.with_name(journal.name + "-wal").exists()  # checkpointed at close
        data = bytearray(journal.read_bytes())
        assert len(data) >= 2 * 4096
        data[4096 : 4096 + 64] = b"\xff" * 64  # the outcomes table's root page header
        journal.write_bytes(bytes(data))
        code, err, sent = _refused(cli, gcs, journal)
    assert (code, sent) == (1, 0), err
    assert "is not a valid replay journal" in err
    assert "Traceback" not in err


@pytest.mark.usefixtures("sandbox")
@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--since", "1h", "--bucket", "bkt", "--journal", "/proc/no/such/journal"], "cannot open"),
        # no --bucket: the file is checked before the app is asked for its failover hook
        (["--from-file", "/no/such/failures.ndjson"], "cannot read /no/such/failures.ndjson"),
        (["--from-file", "/"], "cannot read /: not a regular file (a directory)"),
    ],
)
def test_a_path_that_cannot_be_used_is_bad_input_before_anything_is_listed(
    cli: Cli, flags: list[str], says: str
) -> None:
    with Loopback() as gcs:  # records any request: there must be none
        result = cli(
            "failover", "replay", *flags, "--gcs-endpoint", gcs.base_url,
            "--to", "http://127.0.0.1:9/hook", "--yes",
        )  # fmt: skip
        assert gcs.requests == []
    assert result.exit_code == 2, result.stderr
    assert says in result.stderr
    assert result.stdout == ""
    assert "listed" not in result.stderr
