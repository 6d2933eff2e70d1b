"""``failover replay --dry-run --names-only``: the plan from the listing alone equals the
thorough dry run's on a clean bucket (URLs from the app's hooks, journal states), says
it read no envelope, and misses what only an envelope shows (a malformed object)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hookctl.failover.layout import envelope, object_name
from hookctl.sandbox.gcs import create_bucket
from hookctl.webhooks.receiver import Receiver
from tests.conftest import Cli, Result, SandboxApp
from tests.gcs import fake_gcs_server, service_account_key, token_server, upload

BUCKET = "failover"
PATH = "stream/failed-events"
SINCE = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%MZ")
UNTIL = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%MZ")
UNREAD = "envelopes were not read (--names-only)"


@pytest.fixture
def bucket(cli: Cli, tmp_path: Path, sandbox: SandboxApp) -> Iterator[tuple[str, str]]:
    """fake-gcs-server holding 6 events of a sandbox hook whose failover_config points at
    it (so without --to each goes to the hook's current URL): (endpoint, hook id)."""
    receiver = Receiver([sandbox.api_secret]).start()
    with fake_gcs_server() as gcs, token_server() as token_uri:
        create_bucket(gcs, BUCKET)
        key = tmp_path / "key.json"
        key.write_text(json.dumps(service_account_key(token_uri)))
        url = receiver.url.rstrip("/") + "/hooks/{{.EventType}}"
        hook_id = cli("hooks", "add", "webhook", "--url", url).stdout.strip()
        args = ["--bucket", BUCKET, "--path", PATH, "--credentials", str(key)]
        done = cli("failover", "set", hook_id, *args, "--gcs-endpoint", gcs)
        assert done.exit_code == 0, done.stderr
        now = datetime.now(UTC).replace(microsecond=0)
        for i in range(6):
            when = now - timedelta(minutes=30 - i)
            event_type = ("message.new", "reaction.new")[i % 2]
            body = envelope(
                hook_id=hook_id,
                url=url.replace("{{.EventType}}", event_type),
                event_type=event_type,
                error="HTTP 502: Bad Gateway",
                failed_at=when,
                payload={"type": event_type, "i": i},
            )
            upload(gcs, BUCKET, object_name(PATH, when, event_type, hook_id), body)
        try:
            yield gcs, hook_id
        finally:
            receiver.stop()


def dry_run(cli: Cli, gcs: str, *args: str) -> Result:
    window = ["--since", SINCE, "--until", UNTIL]
    return cli("failover", "replay", *window, "--gcs-endpoint", gcs, "--dry-run", *args)


def plan(cli: Cli, gcs: str, *args: str) -> tuple[int, dict[str, Any], str]:
    result = dry_run(cli, gcs, "--json", *args)
    return result.exit_code, json.loads(result.stdout), result.stderr


def table(stdout: str) -> list[list[str]]:
    return [line.split("\t")[:3] for line in stdout.splitlines() if "\t" in line]


def footer(stderr: str) -> list[str]:
    """The plan's closing lines, without the progress line, the one saying envelopes were
    not read and the label of the first objects' time (the name's, or failed_at)."""
    lines = [line for line in stderr.splitlines() if not line.startswith("dry run: listed")]
    unread = [i for i, line in enumerate(lines) if line.startswith(UNREAD)]
    for i in reversed(unread):
        del lines[i : i + 2]
    return [line for line in lines if not line.startswith("first to send")]


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """A report without what a names-only plan cannot or need not share: run time, bytes
    downloaded, the payload bytes (names only: the listed object sizes) and its flag."""
    out = {k: v for k, v in report.items() if k not in ("elapsed_s", "bytes", "envelopes_read")}
    out["plan"] = [{k: v for k, v in r.items() if k != "bytes"} for r in report["plan"]]
    # sorted: the thorough run's samples are taken as deliveries start, which now and then
    # swaps two neighbours; names only takes them in listing order
    first = [
        {k: v for k, v in f.items() if k not in ("bytes", "time_from")} for f in report["first"]
    ]
    out["first"] = sorted(first, key=lambda f: f["name"])
    return out


def test_names_only_plans_what_the_dry_run_plans(
    bucket: tuple[str, str], cli: Cli, tmp_path: Path
) -> None:
    gcs, _ = bucket
    journal = tmp_path / "journal.db"
    sent = cli(
        "failover",
        "replay",
        "--since",
        SINCE,
        "--until",
        UNTIL,
        "--gcs-endpoint",
        gcs,
        "--limit",
        "2",
        "--journal",
        str(journal),
        "--json",
    )  # two delivered: journaled
    assert sent.exit_code == 0, sent.stderr
    code, thorough, _ = plan(cli, gcs, "--journal", str(journal))
    names_code, names, err = plan(cli, gcs, "--journal", str(journal), "--names-only")
    assert code == names_code == 0, err
    assert thorough["envelopes_read"] is True
    assert names["envelopes_read"] is False
    assert comparable(names) == comparable(thorough)
    assert names["counts"]["already_delivered"] == 2
    assert names["counts"]["selected"] == 4
    assert {r["url"].rsplit("/", 1)[1] for r in names["plan"]} == {"message.new", "reaction.new"}
    assert {f["time_from"] for f in names["first"]} == {"name"}
    text = dry_run(cli, gcs, "--journal", str(journal), "--names-only")
    assert text.exit_code == 0
    same = dry_run(cli, gcs, "--journal", str(journal))
    # the same table (BYTES aside: listed sizes here, payloads there) and footer
    assert table(text.stdout) == table(same.stdout)
    assert len(table(text.stdout)) == 3
    assert sorted(footer(text.stderr)) == sorted(footer(same.stderr))  # (see comparable)
    assert "dry run: 4 events failed" in text.stderr
    assert UNREAD in text.stderr


def test_a_malformed_envelope_is_seen_only_by_the_thorough_dry_run(
    bucket: tuple[str, str], cli: Cli
) -> None:
    gcs, hook_id = bucket
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    upload(gcs, BUCKET, object_name(PATH, when, "message.new", hook_id), b'{"payload": ')
    code, thorough, _ = plan(cli, gcs, "--no-journal")
    assert code == 1
    assert thorough["counts"]["malformed"] == 1
    code, names, _ = plan(cli, gcs, "--no-journal", "--names-only")
    assert code == 0
    assert names["counts"]["malformed"] == 0
    assert names["counts"]["selected"] == 7
    assert names["envelopes_read"] is False
    text = dry_run(cli, gcs, "--no-journal", "--names-only")
    assert UNREAD in text.stdout + text.stderr
    assert "malformed" in text.stdout + text.stderr


def test_names_only_without_dry_run_is_refused(cli: Cli) -> None:
    result = cli("failover", "replay", "--since", "1h", "--bucket", "b", "--names-only")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --names-only")
    assert "hint:" in result.stderr
    assert "Traceback" not in result.stderr


def test_names_only_with_error_class_is_refused(cli: Cli) -> None:
    """--error-class filters by each envelope's recorded error: a plan that reads no
    envelope planned every event instead of none (a tester's find), without a word."""
    result = cli(
        "failover", "replay", "--since", "1h", "--bucket", "b",
        "--dry-run", "--names-only", "--error-class", "5xx",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --error-class")
    assert "--names-only" in result.stderr
    assert "hint:" in result.stderr
