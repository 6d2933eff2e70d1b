"""One rule for passwords (issue 23 item 2): a URL's userinfo password is never shown,
in any output of any command, unless --show-secrets.

A password is planted in a hook's URL and in a failover envelope; every command that
prints or writes them runs, and its stdout, stderr and every file it wrote are searched.
Before: `failover replay --json` (`failures[].url`), the `--failures` file, `failover
object`, `hooks test --json`, `ping/trigger --json` and the replay journal held it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from hookctl.failover.layout import envelope, object_name
from hookctl.webhooks.receiver import Receiver
from tests.conftest import Cli, Result, SandboxApp
from tests.gcs import fake_gcs_server, write_object

PASSWORD = "Planted-Pw-7f3a9"
WHEN = datetime(2026, 4, 2, 10, tzinfo=UTC)


def _with_password(url: str) -> str:
    return url.replace("http://", f"http://hookuser:{PASSWORD}@", 1)


def test_a_planted_password_shows_nowhere(cli: Cli, sandbox: SandboxApp, tmp_path: Path) -> None:
    receiver = Receiver([sandbox.api_secret]).start()
    shown: dict[str, Result] = {}
    try:
        url = _with_password(receiver.url + "/hook")
        added = cli("hooks", "add", "webhook", "--url", url, "--events", "message.new", "--json")
        assert added.exit_code == 0, added.stderr
        hook_id = json.loads(added.stdout)["new_ids"][0]
        for args in (
            ("hooks", "list"),
            ("hooks", "list", "--json"),
            ("hooks", "list", "--jsonl"),
            ("hooks", "show", hook_id),
            ("hooks", "show", hook_id, "--json"),
            ("hooks", "test", hook_id),
            ("hooks", "test", hook_id, "--json"),
            ("hooks", "export"),
            ("hooks", "history", "--json"),
            ("ping", url, "--json"),
            ("ping", url),
            ("trigger", "message.new", "--to", url, "--json"),
            ("trigger", "message.new", "--to", url),
        ):
            shown[" ".join(args)] = cli(*args)

        data = tmp_path / "gcs"
        name = object_name("stream/failed", WHEN, "message.new", hook_id)
        env = envelope(
            hook_id=hook_id, url=url, event_type="message.new",
            error=f"POST {url} failed", failed_at=WHEN, payload={"type": "message.new"},
        )  # fmt: skip
        write_object(data, "failover", name, env)
        failures, journal = tmp_path / "failures.ndjson", tmp_path / "journal.sqlite3"
        dead = _with_password("http://127.0.0.1:9/gone")  # refused: every delivery fails
        with fake_gcs_server(data) as gcs:
            where = ("--bucket", "failover", "--path", "stream/failed", "--gcs-endpoint", gcs)
            window = ("--since", "2026-04-02", "--until", "2026-04-03")
            for args in (
                ("failover", "object", name, *where[:2], "--gcs-endpoint", gcs),
                ("failover", "object", name, *where[:2], "--gcs-endpoint", gcs, "--json"),
                ("failover", "list", *where, *window, "--json", "--errors", "--summary"),
                ("failover", "list", *where, *window, "--by", "url", "--summary"),
                ("failover", "replay", *where, *window, "--to", dead, "--yes", "--json",
                 "--failures", str(failures), "--journal", str(journal), "--max-attempts", "1"),
                ("failover", "replay", *where, *window, "--to", url, "--yes", "--json",
                 "--journal", str(journal)),
            ):  # fmt: skip
                shown[" ".join(args)] = cli(*args)
    finally:
        receiver.stop()
    for command, result in shown.items():  # each ran (the dead target's replay fails: 1)
        assert result.exit_code == (1 if "gone" in command else 0), (command, result.stderr)
    for command, result in shown.items():
        assert PASSWORD not in result.stdout, (command, result.stdout)
        assert PASSWORD not in result.stderr, (command, result.stderr)
    assert failures.exists(), shown[next(c for c in shown if "gone" in c)].stderr
    for written in (failures, journal):
        assert PASSWORD.encode() not in written.read_bytes(), written
    assert "hookuser:********@" in failures.read_text()

    import subprocess
    import sys

    for quick in ("--json", "--jsonl"):  # the Typer-free path of `hooks list`
        done = subprocess.run(
            [sys.executable, "-m", "hookctl", "hooks", "list", quick],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "hookuser:********@" in done.stdout
        assert PASSWORD not in done.stdout + done.stderr

    revealed = cli("hooks", "show", hook_id, "--show-secrets", "--json")
    assert PASSWORD in revealed.stdout  # asked for: shown
    assert PASSWORD in cli("hooks", "list", "--show-secrets", "--json").stdout


def test_a_journal_written_before_still_counts_its_deliveries(tmp_path: Path) -> None:
    """Journals now store URLs masked; rows an older hookctl stored whole still count,
    so an upgrade re-delivers nothing."""
    from hookctl.failover.journal import Journal

    url = f"http://u:{PASSWORD}@127.0.0.1:9/x"
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        journal.record("new", url, webhook_id="w1", event_type="t", ok=True, status=200, error=None)
        journal.flush()
        with journal._db:
            journal._db.execute(
                "INSERT INTO outcomes (object, url, webhook_id, event_type, state, status, "
                "error, updated) VALUES ('old', ?, 'w2', 't', 'delivered', 200, NULL, 0)",
                (url,),
            )
        assert journal.delivered("new", url)
        assert journal.delivered("old", url)
        assert journal.knows(url)
        stored = [row[0] for row in journal._db.execute("SELECT url FROM outcomes")]
        assert "http://u:********@127.0.0.1:9/x" in stored
    finally:
        journal.close()
