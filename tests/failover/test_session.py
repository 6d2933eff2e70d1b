"""The replay job's pieces without Typer: the follow window, shards, stop requests,
the "already delivered" rule, and source resolution."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hookctl.base.errors import UsageError
from hookctl.config.settings import gcs_endpoint, shard
from hookctl.failover.follow import FOLLOW_LOOKBACK, follow_since, follow_window, parse_interval
from hookctl.failover.gcs import Listed
from hookctl.failover.ids import object_key
from hookctl.failover.journal import AlreadyDelivered, Journal
from hookctl.failover.session import Stop
from hookctl.failover.source import resolve_source

DAY_START = datetime(2026, 4, 3, tzinfo=UTC)


def test_follow_reads_yesterday_only_during_the_first_minutes_of_a_day() -> None:
    long_ago = DAY_START - timedelta(days=7)
    early = DAY_START + timedelta(seconds=30 * 2 + 299)  # two intervals + 5 min, minus 1 s
    start, end = follow_window(long_ago, 30, early)
    assert start == DAY_START - timedelta(days=1)
    assert end == early + timedelta(hours=1)
    later = DAY_START + timedelta(seconds=30 * 2 + 300)
    assert follow_window(long_ago, 30, later)[0] == DAY_START


def test_follow_never_reads_before_since() -> None:
    since = DAY_START + timedelta(seconds=10)
    assert follow_window(since, 30, DAY_START + timedelta(seconds=20))[0] == since


def test_follow_without_since_looks_back_fifteen_minutes_or_one_interval() -> None:
    assert follow_since(None, 30) == f"{FOLLOW_LOOKBACK}s"
    assert follow_since(None, 3600) == "3600s"
    assert follow_since("2026-04-01", 30) == "2026-04-01"


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("2m", 120), ("45", 45)])
def test_interval_reads_durations(text: str, seconds: float) -> None:
    assert parse_interval(text) == pytest.approx(seconds, abs=0.5)


@pytest.mark.parametrize("text", ["0.5", "0s", "1.2.3"])
def test_interval_refuses_short_or_unreadable_values(text: str) -> None:
    with pytest.raises(UsageError, match="--interval"):
        parse_interval(text)


def test_shard_comes_from_the_flag_then_cloud_run_then_indexed_jobs() -> None:
    cloud_run = {"CLOUD_RUN_TASK_INDEX": "2", "CLOUD_RUN_TASK_COUNT": "8"}
    assert shard("1/4", None, cloud_run) == (1, 4)
    assert shard(None, None, cloud_run) == (2, 8)
    job = {"JOB_COMPLETION_INDEX": "3"}
    assert shard(None, 5, job) == (3, 5)
    with pytest.raises(UsageError, match="number of shards is unknown"):
        shard(None, None, job)
    with pytest.raises(UsageError, match="JOB_COMPLETION_INDEX"):
        shard(None, 5, {})
    assert shard(None, None, {}) is None


def test_endpoint_prefers_the_flag_and_defaults_to_http() -> None:
    env = {"STORAGE_EMULATOR_HOST": "127.0.0.1:9"}
    assert gcs_endpoint(None, env) == "http://127.0.0.1:9"
    assert gcs_endpoint("https://gcs.example", env) == "https://gcs.example"
    both = {"HOOKCTL_GCS_ENDPOINT": "http://a", "STORAGE_EMULATOR_HOST": "b"}
    assert gcs_endpoint(None, both) == "http://a"


def test_a_bucket_given_directly_never_fetches_the_hooks() -> None:
    def no_hooks() -> list[dict[str, Any]]:
        raise AssertionError("fetched the hooks")

    found = resolve_source(
        no_hooks, hook="h1", bucket="my-bucket", path="/a//b/", key=None, endpoint=None
    )
    assert (found.bucket, found.path, found.hook_filter) == ("my-bucket", "a/b", frozenset({"h1"}))


def test_a_hook_with_an_unusable_key_falls_back_with_a_note() -> None:
    hooks = [
        {
            "id": "h1",
            "failover_config": {"gcs_bucket": "b1", "gcs_path": "p", "gcs_credentials": "{}"},
        },
        {"id": "h2"},
    ]
    found = resolve_source(
        lambda: hooks, hook=None, bucket=None, path=None, key=None, endpoint=None
    )
    assert (found.bucket, found.path, found.key) == ("b1", "p", None)
    assert found.known_hooks == ["h1", "h2"]
    assert found.hook_filter == frozenset()
    assert "Application Default Credentials" in found.notes[0]
    with pytest.raises(UsageError, match="--path needs --bucket"):
        resolve_source(lambda: hooks, hook=None, bucket=None, path="p", key=None, endpoint=None)


def test_hooks_sharing_one_bucket_are_read_in_one_run_and_two_buckets_name_each() -> None:
    """Several hooks with failover and no --hook: one bucket and path for all is one run
    over every hook's events (an on-call engineer's one command); two places is exit 2
    naming each place and its hooks, with what to run instead."""

    def hook(hook_id: str, bucket: str, path: str = "stream/failed") -> dict[str, Any]:
        return {"id": hook_id, "failover_config": {"gcs_bucket": bucket, "gcs_path": path}}

    shared = [hook("h1", "b1"), {"id": "h0"}, hook("h2", "b1", "/stream/failed/")]
    found = resolve_source(
        lambda: shared, hook=None, bucket=None, path=None, key=None, endpoint=None
    )
    assert (found.bucket, found.path, found.hook_filter) == ("b1", "stream/failed", frozenset())
    apart = [*shared, hook("h3", "b2")]
    with pytest.raises(UsageError) as raised:
        resolve_source(lambda: apart, hook=None, bucket=None, path=None, key=None, endpoint=None)
    assert raised.value.message == (
        "3 hooks fail over to 2 places (gs://b1/stream/failed: h1, h2; gs://b2/stream/failed: "
        "h3), and one run reads one bucket"
    )
    assert "--hook ID, once per hook" in str(raised.value.hint)
    assert "`hookctl failover status` prints the command" in str(raised.value.hint)
    one = resolve_source(lambda: apart, hook="h3", bucket=None, path=None, key=None, endpoint=None)
    assert (one.bucket, one.hook_filter) == ("b2", frozenset({"h3"}))


def test_already_delivered_is_one_rule_for_count_and_run(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    sent, other = Listed("p/a.json", "1", 10), Listed("p/b.json", "1", 10)
    journal.record(
        object_key("b", sent),
        "original",
        webhook_id="w",
        event_type="t",
        ok=True,
        status=200,
        error=None,
    )
    journal.record(
        object_key("b", other),
        "original",
        webhook_id="w",
        event_type="t",
        ok=False,
        status=500,
        error="x",
    )
    journal.flush()
    rule = AlreadyDelivered(journal, "b", "original")
    assert rule(sent)
    assert not rule(other)
    assert not AlreadyDelivered(journal, "b", "https://elsewhere.example")(sent)
    assert not AlreadyDelivered(journal, "other-bucket", "original")(sent)
    assert not AlreadyDelivered(None, "b", "original")(sent)
    journal.close()


def test_stop_requests_reach_the_running_loop_from_another_thread() -> None:
    stop = Stop()
    seen: list[int] = []

    async def job() -> None:
        done = asyncio.Event()

        def listener(count: int) -> None:
            seen.append(count)
            if count == 2:
                done.set()

        with stop.listen(listener):
            threading.Thread(target=lambda: (stop.request(), stop.request())).start()
            await asyncio.wait_for(done.wait(), timeout=10)

    asyncio.run(job())
    assert seen == [1, 2]


def test_a_stop_requested_before_the_job_starts_is_seen_when_it_starts() -> None:
    stop = Stop()
    stop.request()
    seen: list[int] = []

    async def job() -> None:
        with stop.listen(seen.append):
            await asyncio.sleep(0)

    asyncio.run(job())
    assert seen == [1]
    assert stop.requested


# ------------------------------------------------------------ a whole job, no Typer


def _seed(data: Path, count: int) -> None:
    from hookctl.failover.layout import envelope, object_name
    from tests.gcs import write_object

    for i in range(count):
        when = DAY_START + timedelta(minutes=i)
        env = envelope(
            hook_id="h1",
            url="https://example.invalid/hooks",
            event_type="message.new",
            error="timeout",
            failed_at=when,
            payload={"type": "message.new", "n": i},
        )
        write_object(data, "job-bucket", object_name("p", when, "message.new", "h1"), env)


def test_a_job_counts_runs_and_agrees_with_its_journal_without_the_cli(tmp_path: Path) -> None:
    from hookctl.failover.session import ReplayJob, replay_options
    from hookctl.failover.source import selection
    from hookctl.webhooks.delivery import RetryPolicy
    from hookctl.webhooks.receiver import Receiver
    from tests.gcs import fake_gcs_server

    _seed(tmp_path / "gcs", 5)
    receiver = Receiver(["s3cr3t"]).start()
    try:
        with fake_gcs_server(tmp_path / "gcs") as url:
            source = resolve_source(
                list, hook=None, bucket="job-bucket", path="p", key=None, endpoint=url
            )
            chosen = selection(
                source, since="2026-04-03", until="2026-04-04", now=DAY_START + timedelta(days=1)
            )
            options = replay_options(
                source, target=receiver.url, max_bytes=1 << 20, policy=RetryPolicy()
            )
            journal = Journal(tmp_path / "journal.sqlite3")
            job = ReplayJob(source, chosen, options, journal, api_key="k", api_secret="s3cr3t")
            assert job.count() == 5
            progress: list[int] = []
            report = job.run(Stop(), progress=lambda r: progress.append(r.stats.delivered))
            assert report.complete
            assert report.counts.delivered == 5
            assert progress[-1] == 5
            assert job.count() == 0  # the same rule the run applies
            again = job.run(Stop())
            assert again.counts.already_delivered == 5
            assert again.counts.delivered == 0
            stopped = Stop()
            stopped.request()
            redo = replay_options(
                source, target=receiver.url, redeliver=True, max_bytes=1 << 20, policy=RetryPolicy()
            )
            early = ReplayJob(source, chosen, redo, journal, api_key="k", api_secret="s3cr3t")
            report = early.run(stopped)
            assert report.stopped
            assert report.counts.delivered == 0
            journal.close()
    finally:
        receiver.stop()
    assert receiver.stats.requests == 5
    assert receiver.stats.accepted == 5
    assert receiver.stats.bad_signatures == 0
