"""failover list / show / replay against a real fake-gcs-server and a real receiver."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from hookctl.failover.layout import envelope, object_name
from hookctl.sandbox.gcs import create_bucket
from hookctl.webhooks.receiver import Receiver
from tests.conftest import Cli, SandboxApp
from tests.gcs import counting_proxy, fake_gcs_server, upload, write_object
from tests.loopback import Loopback

BUCKET = "failover"
PATH = "stream/failed-events"
HOOK_A = str(uuid.UUID(int=0xA1B2C3D4))
HOOK_B = "hook-b.2"  # a dash and a dot: the name must be read from both ends
ORIGINAL_URL = "https://example.invalid/webhooks/stream"
BIG_DAY = datetime(2026, 4, 1, tzinfo=UTC)
BIG_DAY_COUNT = 1050  # more than one 1,000-object page
SMALL_TYPES = ("message.new", "call.session_participant_joined", "feeds.activity.added")


@dataclass
class Seeded:
    url: str
    objects: dict[str, dict[str, Any]]  # name -> envelope

    def names(self, since: datetime, until: datetime, **where: str) -> set[str]:
        out = set()
        for name, env in self.objects.items():
            failed = datetime.fromisoformat(env["failed_at"].replace("Z", "+00:00"))
            if not since <= failed < until:
                continue
            if any(env[k] != v for k, v in where.items()):
                continue
            out.add(name)
        return out


def _put(data: Path, objects: dict[str, dict[str, Any]], name: str, env: dict[str, Any]) -> None:
    objects[name] = env
    write_object(data, BUCKET, name, env)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    data = tmp_path_factory.mktemp("gcs-data")
    objects: dict[str, dict[str, Any]] = {}
    for i in range(BIG_DAY_COUNT):
        when = BIG_DAY + timedelta(seconds=60 * i + 7)
        payload = {"type": "message.new", "cid": "messaging:general", "n": i, "text": "héllo"}
        env = envelope(
            hook_id=HOOK_A,
            url=ORIGINAL_URL,
            event_type="message.new",
            error="HTTP 500: Internal Server Error",
            failed_at=when,
            payload=payload,
        )
        _put(data, objects, object_name(PATH, when, "message.new", HOOK_A), env)
    for day in range(1, 6):  # 2026-04-02 … 2026-04-06, and 2026-03-31
        start = BIG_DAY + timedelta(days=day) if day < 5 else BIG_DAY - timedelta(days=1)
        for i, event_type in enumerate(SMALL_TYPES * 2):
            when = start + timedelta(hours=3 * i, minutes=day)
            hook = HOOK_B if i % 2 else HOOK_A
            payload = {"type": event_type, "day": day, "i": i}
            env = envelope(
                hook_id=hook,
                url=ORIGINAL_URL,
                event_type=event_type,
                error="timeout",
                failed_at=when,
                payload=payload,
            )
            _put(data, objects, object_name(PATH, when, event_type, hook), env)
    # Stream's documented example: a name timestamp a year away from its folder.
    documented = envelope(
        hook_id=HOOK_A,
        url=ORIGINAL_URL,
        event_type="message.new",
        error="HTTP 500: Internal Server Error",
        failed_at=datetime(2026, 4, 3, 12, tzinfo=UTC),
        payload={"type": "message.new", "documented": True},
    )
    _put(data, objects, f"{PATH}/2026/04/03/1743667200-message.new-{HOOK_A}.json", documented)
    write_object(data, BUCKET, f"{PATH}/2026/04/02/README.txt", b"not an event")
    with fake_gcs_server(data) as url:
        yield Seeded(url, objects)


@pytest.fixture
def receiver(sandbox: SandboxApp) -> Iterator[Receiver]:
    rec = Receiver([sandbox.api_secret], keep_bodies=True).start()
    yield rec
    rec.stop()


def gcs_args(url: str) -> list[str]:
    return ["--bucket", BUCKET, "--path", PATH, "--gcs-endpoint", url]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# ------------------------------------------------------------------ list


def test_list_reads_only_the_window_prefixes_and_returns_exactly_its_objects(
    seeded: Seeded, cli: Cli
) -> None:
    with counting_proxy(seeded.url) as (proxy, seen):
        result = cli(
            "failover",
            "list",
            *gcs_args(proxy),
            "--since",
            "2026-04-01",
            "--until",
            "2026-04-02",
            "--json",
        )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    names = {o["name"] for o in report["objects"]}
    assert names == seeded.names(at("2026-04-01T00:00"), at("2026-04-03T00:00"))
    assert len(names) == BIG_DAY_COUNT + 6
    lists = [unquote(x) for x in seen if x.startswith("GET /storage/v1/b/failover/o?")]
    prefixes = [parse_qs(urlsplit(line.split()[1]).query)["prefix"][0] for line in lists]
    assert sorted(set(prefixes)) == [f"{PATH}/2026/04/01/", f"{PATH}/2026/04/02/"]
    assert len(lists) == 3  # two pages for the 1,050-object day, one for the next
    assert not any("alt=media" in line for line in seen)  # names decided; nothing downloaded
    assert [u["name"] for u in report["unrecognised"]] == [f"{PATH}/2026/04/02/README.txt"]


def test_list_filters_by_type_and_hook_on_the_name_before_downloading(
    seeded: Seeded, cli: Cli
) -> None:
    with counting_proxy(seeded.url) as (proxy, seen):
        result = cli(
            "failover",
            "list",
            *gcs_args(proxy),
            "--since",
            "2026-03-31",
            "--until",
            "2026-04-06",
            "-e",
            "feeds.activity.added",
            "--hook",
            HOOK_B,
            "--json",
        )
    assert result.exit_code == 0, result.stderr
    got = {o["name"] for o in json.loads(result.stdout)["objects"]}
    expected = seeded.names(
        at("2026-03-31T00:00"),
        at("2026-04-07T00:00"),
        event_type="feeds.activity.added",
        original_hook_id=HOOK_B,
    )
    assert got == expected
    assert expected
    assert all(o.endswith(f"-{HOOK_B}.json") for o in got)
    assert not any("alt=media" in line for line in seen)


def test_a_name_timestamp_outside_its_folder_is_decided_by_failed_at(
    seeded: Seeded, cli: Cli
) -> None:
    documented = f"{PATH}/2026/04/03/1743667200-message.new-{HOOK_A}.json"
    inside = cli(
        "failover",
        "list",
        *gcs_args(seeded.url),
        "--since",
        "2026-04-03T11:00Z",
        "--until",
        "2026-04-03T13:00Z",
        "--json",
    )
    rows = {o["name"]: o for o in json.loads(inside.stdout)["objects"]}
    assert rows[documented]["time"] == "2026-04-03T12:00:00Z"
    assert rows[documented]["time_from"] == "failed_at"
    outside = cli(
        "failover",
        "list",
        *gcs_args(seeded.url),
        "--since",
        "2026-04-03T13:00Z",
        "--until",
        "2026-04-04",
        "--json",
    )
    assert documented not in {o["name"] for o in json.loads(outside.stdout)["objects"]}


def test_list_summary_counts_per_day_type_and_hook(seeded: Seeded, cli: Cli) -> None:
    result = cli(
        "failover",
        "list",
        *gcs_args(seeded.url),
        "--since",
        "2026-04-02",
        "--until",
        "2026-04-03",
        "--summary",
        "--json",
    )
    summary = json.loads(result.stdout)
    expected = seeded.names(at("2026-04-02T00:00"), at("2026-04-04T00:00"))
    assert summary["count"] == len(expected)
    types = Counter(seeded.objects[n]["event_type"] for n in expected)
    assert summary["event_types"] == dict(types)
    assert sum(summary["days"].values()) == len(expected)
    assert set(summary["hooks"]) == {HOOK_A, HOOK_B}


def test_list_table_and_relative_times(seeded: Seeded, cli: Cli) -> None:
    result = cli("failover", "list", *gcs_args(seeded.url), "--since", "3d")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].split("\t")[:4] == [
        "TIME (NAME)",
        "STATE",
        "EVENT TYPE",
        "HOOK",
    ]
    assert "0 events in gs://failover/stream/failed-events" in result.stderr
    assert "read 5 day prefixes" in result.stderr  # 3 days ago … tomorrow
    # the count explains itself
    assert "read 5 day prefixes (3 days back, 1 day ahead)" in result.stderr


def test_list_says_why_it_reads_that_many_day_prefixes(seeded: Seeded, cli: Cli) -> None:
    window = ("--since", "2026-04-02T23:30Z", "--until", "2026-04-03T00:30Z")
    result = cli("failover", "list", *gcs_args(seeded.url), *window)
    assert result.exit_code == 0, result.stderr
    assert "read 2 day prefixes (1 hour spans 2 UTC days)" in result.stderr


def test_replay_of_an_empty_window_says_so(seeded: Seeded, cli: Cli, receiver: Receiver) -> None:
    window = ("--since", "2020-01-01", "--until", "2020-01-02", "--no-journal")
    result = cli(
        "failover", "replay", *gcs_args(seeded.url), "--to", receiver.url, "--yes", *window
    )
    assert result.exit_code == 0, result.stderr
    assert "nothing to replay: no failed events matched" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday-ish"], "cannot read the time"),
        (["--since", "2026-04-03", "--until", "2026-04-01"], "is not after"),
        ([], "--since"),
        (["--since", "1d", "-e", "message.created"], "did you mean message.new"),
        (["--since", "1d", "--shard", "8/8"], "INDEX/COUNT"),
    ],
)
def test_list_rejects_bad_input_with_exit_2(
    seeded: Seeded, cli: Cli, args: list[str], message: str
) -> None:
    result = cli("failover", "list", *gcs_args(seeded.url), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_object_prints_the_envelope_and_payload(seeded: Seeded, cli: Cli) -> None:
    name = f"{PATH}/2026/04/03/1743667200-message.new-{HOOK_A}.json"
    result = cli(
        "failover", "object", name, "--bucket", BUCKET, "--gcs-endpoint", seeded.url, "--json"
    )
    assert result.exit_code == 0, result.stderr
    assert "deprecated" not in result.stderr
    shown = json.loads(result.stdout)
    assert shown["envelope"]["payload"] == {"type": "message.new", "documented": True}
    assert shown["envelope"]["failed_at"] == "2026-04-03T12:00:00Z"
    text = cli("failover", "object", f"gs://{BUCKET}/{name}", "--gcs-endpoint", seeded.url)
    assert '"documented": true' in text.stdout
    missing = cli(
        "failover", "object", f"{PATH}/nope.json", "--bucket", BUCKET, "--gcs-endpoint", seeded.url
    )
    assert missing.exit_code == 1
    assert "not found" in missing.stderr


def test_show_with_an_object_name_still_works_with_a_deprecation_note(
    seeded: Seeded, cli: Cli
) -> None:
    name = f"{PATH}/2026/04/03/1743667200-message.new-{HOOK_A}.json"
    old = cli("failover", "show", name, "--bucket", BUCKET, "--gcs-endpoint", seeded.url, "--json")
    new = cli(
        "failover", "object", name, "--bucket", BUCKET, "--gcs-endpoint", seeded.url, "--json"
    )
    assert old.exit_code == 0, old.stderr
    assert json.loads(old.stdout)["envelope"] == json.loads(new.stdout)["envelope"]
    assert "deprecated" in old.stderr
    assert "use `hookctl failover object " in old.stderr
    text = cli("failover", "show", f"gs://{BUCKET}/{name}", "--gcs-endpoint", seeded.url)
    assert '"documented": true' in text.stdout
    assert "deprecated" in text.stderr


# ------------------------------------------------------------------ replay


def replay(
    cli: Cli, seeded: Seeded, receiver: Receiver, *args: str
) -> tuple[int, dict[str, Any], str]:
    result = cli(
        "failover",
        "replay",
        *gcs_args(seeded.url),
        "--to",
        receiver.url,
        "--rate",
        "0",
        "--json",
        "--yes",
        *args,
    )
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}, result.stderr


def test_replay_delivers_each_event_once_signed_with_its_payload(
    seeded: Seeded, cli: Cli, receiver: Receiver
) -> None:
    window = ("--since", "2026-04-02", "--until", "2026-04-04")
    expected = seeded.names(at("2026-04-02T00:00"), at("2026-04-05T00:00"))
    code, report, err = replay(cli, seeded, receiver, *window)
    assert code == 0, err
    assert report["counts"]["delivered"] == len(expected) == receiver.stats.accepted
    assert receiver.stats.bad_signatures == 0
    assert all(e.signature_ok for e in receiver.events)
    payloads = sorted(json.dumps(json.loads(b), sort_keys=True) for b in receiver.bodies.values())
    assert payloads == sorted(
        json.dumps(seeded.objects[n]["payload"], sort_keys=True) for n in expected
    )
    ids = {e.webhook_id for e in receiver.events}

    code, again, _ = replay(cli, seeded, receiver, *window)
    assert code == 0
    assert again["counts"]["delivered"] == 0
    assert again["counts"]["already_delivered"] == len(expected)
    assert receiver.stats.requests == len(expected)  # nothing was sent the second time
    told = cli("failover", "replay", *gcs_args(seeded.url), "--to", receiver.url, "--yes", *window)
    assert told.exit_code == 0, told.stderr
    assert f"nothing left to replay: all {len(expected)} already delivered" in told.stderr
    assert "0 delivered, 0 failed of 0 selected" not in told.stderr

    code, forced, _ = replay(cli, seeded, receiver, *window, "--redeliver")
    assert code == 0
    assert forced["counts"]["delivered"] == len(expected)
    assert {e.webhook_id for e in receiver.events[len(expected) :]} == ids
    assert receiver.stats.duplicates == len(
        expected
    )  # same X-Webhook-Ids: a deduper sees them once


def test_replay_goes_oldest_first(seeded: Seeded, cli: Cli, receiver: Receiver) -> None:
    code, _, err = replay(
        cli,
        seeded,
        receiver,
        "--since",
        "2026-03-31",
        "--until",
        "2026-04-05",
        "-e",
        "call.session_participant_joined",
        "--concurrency",
        "1",
    )
    assert code == 0, err
    days = [json.loads(receiver.bodies[e.webhook_id])["day"] for e in receiver.events]
    order = [5, 5, 1, 1, 2, 2, 3, 3, 4, 4]  # day 5 is 2026-03-31
    assert days == order


def test_replay_a_big_day_across_pages_with_a_limit(
    seeded: Seeded, cli: Cli, receiver: Receiver
) -> None:
    code, report, err = replay(
        cli,
        seeded,
        receiver,
        "--since",
        "2026-04-01",
        "--until",
        "2026-04-01",
        "--concurrency",
        "32",
    )
    assert code == 0, err
    assert receiver.stats.accepted == BIG_DAY_COUNT
    numbers = sorted(json.loads(b)["n"] for b in receiver.bodies.values())
    assert numbers == list(range(BIG_DAY_COUNT))
    assert report["list_calls"] == 2


def test_dry_run_shows_the_plan_and_sends_nothing(
    seeded: Seeded, cli: Cli, receiver: Receiver
) -> None:
    code, report, err = replay(
        cli, seeded, receiver, "--since", "2026-04-02", "--until", "2026-04-02", "--dry-run"
    )
    assert code == 0
    assert receiver.stats.requests == 0
    # the progress line of a plan counts what it read: no "delivered 0 … — 0/s" that reads
    # as a replay going nowhere
    progress = [line for line in err.splitlines() if line.startswith("dry run: listed ")]
    assert progress, err
    assert not any("/s" in line or "delivered" in line for line in progress), progress
    plan = {(r["url"], r["event_type"]): r["count"] for r in report["plan"]}
    assert plan == {(receiver.url, t): 2 for t in SMALL_TYPES}
    assert len(report["first"]) == 6
    assert report["first"][0]["failed_at"] < report["first"][1]["failed_at"]


def test_failures_file_feeds_from_file(
    seeded: Seeded, cli: Cli, receiver: Receiver, tmp_path: Path
) -> None:
    receiver.status = 503
    failures = tmp_path / "failed.ndjson"
    window = ("--since", "2026-04-04", "--until", "2026-04-04")
    code, report, _ = replay(
        cli, seeded, receiver, *window, "--failures", str(failures), "--max-attempts", "1"
    )
    assert code == 1
    assert report["counts"]["failed"] == 6
    assert report["failed_by_reason"] == {"HTTP 503": 6}
    lines = [json.loads(line) for line in failures.read_text().splitlines()]
    assert len(lines) == 6
    assert all(line["status"] == 503 for line in lines)
    receiver.status = 200
    code, retry, err = replay(cli, seeded, receiver, "--from-file", str(failures))
    assert code == 0, err
    assert retry["counts"]["delivered"] == 6 == receiver.stats.accepted


def test_an_object_named_twice_in_a_from_file_is_sent_once(
    seeded: Seeded, cli: Cli, receiver: Receiver, tmp_path: Path
) -> None:
    """Two failures files joined with `cat` name the same objects twice. Before, each
    copy was downloaded and sent (here 12 requests for 6 events, with and without a
    journal: the copies are in flight at once)."""
    receiver.status = 503
    failures = tmp_path / "failed.ndjson"
    window = ("--since", "2026-04-04", "--until", "2026-04-04", "--no-journal")
    replay(cli, seeded, receiver, *window, "--failures", str(failures), "--max-attempts", "1")
    joined = tmp_path / "joined.ndjson"
    joined.write_text(failures.read_text() * 2)
    receiver.status = 200
    sent_before = receiver.stats.requests
    code, report, err = replay(cli, seeded, receiver, "--from-file", str(joined), "--no-journal")
    assert code == 0, err
    assert report["counts"]["delivered"] == 6
    assert receiver.stats.requests - sent_before == 6


def test_failures_beyond_the_in_memory_cap_all_reach_the_failures_file(
    seeded: Seeded,
    cli: Cli,
    receiver: Receiver,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Memory stays flat: the report keeps the first KEEP_FAILURES, the file gets every one."""
    monkeypatch.setattr("hookctl.failover.replay.KEEP_FAILURES", 2)
    receiver.status = 400  # not retried
    failures = tmp_path / "failed.ndjson"
    window = ("--since", "2026-04-04", "--until", "2026-04-04", "--no-journal")
    code, report, _ = replay(cli, seeded, receiver, *window, "--failures", str(failures))
    assert code == 1
    assert report["counts"]["failed"] == 6
    assert len(report["failures"]) == 2
    lines = [json.loads(line) for line in failures.read_text().splitlines()]
    assert len({line["name"] for line in lines}) == 6
    assert {f["name"] for f in report["failures"]} <= {line["name"] for line in lines}


def test_shards_split_the_work_without_overlap(
    seeded: Seeded, cli: Cli, receiver: Receiver
) -> None:
    window = ("--since", "2026-04-02", "--until", "2026-04-05", "--no-journal")
    seen: list[int] = []
    for index in range(3):
        code, report, _ = replay(cli, seeded, receiver, *window, "--shard", f"{index}/3")
        assert code == 0
        seen.append(report["counts"]["delivered"])
    expected = seeded.names(at("2026-04-02T00:00"), at("2026-04-06T00:00"))
    assert sum(seen) == len(expected) == receiver.stats.accepted
    assert receiver.stats.duplicates == 0
    assert all(n > 0 for n in seen)


def test_shard_comes_from_cloud_run_env(
    seeded: Seeded, cli: Cli, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUD_RUN_TASK_INDEX", "1")
    monkeypatch.setenv("CLOUD_RUN_TASK_COUNT", "2")
    _, report, _ = replay(cli, seeded, receiver, "--since", "2026-04-02", "--dry-run")
    assert report["selection"]["shard"] == "1/2"
    monkeypatch.delenv("CLOUD_RUN_TASK_INDEX")
    monkeypatch.setenv("JOB_COMPLETION_INDEX", "3")
    code, _, err = replay(cli, seeded, receiver, "--since", "2026-04-02", "--dry-run")
    assert code == 2
    assert "--shard-count" in err


def test_more_than_1000_events_need_yes_without_a_terminal(
    seeded: Seeded, cli: Cli, receiver: Receiver
) -> None:
    result = cli(
        "failover",
        "replay",
        *gcs_args(seeded.url),
        "--to",
        receiver.url,
        "--since",
        "2026-04-01",
        "--until",
        "2026-04-01",
    )
    assert result.exit_code == 2
    assert "--yes" in result.stderr
    assert "1050" in result.stderr
    assert receiver.stats.requests == 0


def test_replay_needs_api_credentials_but_not_for_a_dry_run(
    seeded: Seeded, cli: Cli, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STREAM_API_SECRET")
    code, _, err = replay(cli, seeded, receiver, "--since", "2026-04-02", "--until", "2026-04-02")
    assert code == 2
    assert "STREAM_API_SECRET" in err
    code, _, _ = replay(cli, seeded, receiver, "--since", "2026-04-02", "--dry-run")
    assert code == 0


# ------------------------------------------------------------ small buckets


@pytest.fixture
def gcs() -> Iterator[str]:
    with fake_gcs_server() as url:
        create_bucket(url, BUCKET)
        yield url


def test_malformed_objects_are_reported_and_skipped(
    cli: Cli, receiver: Receiver, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    day = datetime(2026, 5, 1, 10, tzinfo=UTC)
    good = []
    for i in range(3):
        when = day + timedelta(minutes=i)
        name = object_name(PATH, when, "message.new", HOOK_A)
        good.append(name)
        write_object(
            data,
            BUCKET,
            name,
            envelope(
                hook_id=HOOK_A,
                url=ORIGINAL_URL,
                event_type="message.new",
                error="x",
                failed_at=when,
                payload={"type": "message.new", "i": i, "text": "é" * 150_000 * (i == 2)},
            ),
        )
    bad = {
        "truncated": b'{"original_hook_id": "h", "payload": {',
        "missing": {
            "original_hook_id": HOOK_A,
            "event_type": "message.new",
            "failed_at": "2026-05-01T10:10:00Z",
            "payload": {},
        },
        "wrongtype": {
            "original_hook_id": HOOK_A,
            "original_webhook_url": ORIGINAL_URL,
            "event_type": "message.new",
            "failed_at": "2026-05-01T10:11:00Z",
            "payload": "a string",
        },
        "huge": b'{"payload": "' + b"x" * (20 * 1024 * 1024) + b'"}',
    }
    names = {}
    for i, (label, body) in enumerate(bad.items()):
        names[label] = object_name(PATH, day + timedelta(minutes=10 + i), "message.new", HOOK_A)
        write_object(data, BUCKET, names[label], body)
    write_object(data, BUCKET, f"{PATH}/2026/05/01/notes.json", {"hello": 1})
    with fake_gcs_server(data) as url:
        result = cli(
            "failover",
            "replay",
            "--bucket",
            BUCKET,
            "--path",
            PATH,
            "--gcs-endpoint",
            url,
            "--to",
            receiver.url,
            "--since",
            "2026-05-01",
            "--until",
            "2026-05-01",
            "--json",
            "--yes",
        )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["counts"]["delivered"] == 3 == receiver.stats.accepted
    big = [json.loads(b) for b in receiver.bodies.values() if len(b) > 100_000]
    assert [b["text"] for b in big] == ["é" * 150_000]  # a 300 KB payload arrives whole
    reasons = {m["name"]: m["reason"] for m in report["malformed"]}
    assert set(reasons) == set(names.values())
    assert "not valid JSON" in reasons[names["truncated"]]
    assert "original_webhook_url is missing" in reasons[names["missing"]]
    assert "payload" in reasons[names["wrongtype"]]
    assert "over the 5.0 MB limit" in reasons[names["huge"]]
    assert [u["name"] for u in report["unrecognised"]] == [f"{PATH}/2026/05/01/notes.json"]
    assert "malformed" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("sandbox")
def test_replay_to_original_urls_from_the_hooks_failover_config(
    gcs: str, cli: Cli, receiver: Receiver, tmp_path: Path
) -> None:
    from tests.gcs import service_account_key, token_server

    with token_server() as token_uri:
        key = tmp_path / "key.json"
        key.write_text(json.dumps(service_account_key(token_uri)))
        hook_id = cli("hooks", "add", "webhook", "--url", f"{receiver.url}/original").stdout.strip()
        done = cli(
            "failover",
            "set",
            hook_id,
            "--bucket",
            BUCKET,
            "--path",
            PATH,
            "--credentials",
            str(key),
            "--gcs-endpoint",
            gcs,
        )
        assert done.exit_code == 0, done.stderr
        now = datetime.now(UTC).replace(microsecond=0)
        for i in range(4):
            when = now - timedelta(minutes=10 - i)
            upload(
                gcs,
                BUCKET,
                object_name(PATH, when, "message.new", hook_id),
                envelope(
                    hook_id=hook_id,
                    url=f"{receiver.url}/original",
                    event_type="message.new",
                    error="HTTP 502: Bad Gateway",
                    failed_at=when,
                    payload={"type": "message.new", "i": i},
                ),
            )
        result = cli(
            "failover",
            "replay",
            "--since",
            "1h",
            "--gcs-endpoint",
            gcs,
            "--json",
            "--concurrency",
            "1",
        )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["counts"]["delivered"] == 4 == receiver.stats.accepted
    assert [json.loads(receiver.bodies[e.webhook_id])["i"] for e in receiver.events] == [0, 1, 2, 3]


def test_archive_moves_only_delivered_objects(gcs: str, cli: Cli, receiver: Receiver) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    for i in range(5):
        when = now - timedelta(minutes=30 - i)
        upload(
            gcs,
            BUCKET,
            object_name(PATH, when, "message.new", HOOK_A),
            envelope(
                hook_id=HOOK_A,
                url=ORIGINAL_URL,
                event_type="message.new",
                error="x",
                failed_at=when,
                payload={"type": "message.new", "i": i},
            ),
        )
    args = [
        "failover",
        "replay",
        *gcs_args(gcs),
        "--to",
        receiver.url,
        "--since",
        "2h",
        "--no-journal",
        "--json",
        "--archive-to",
        "stream/replayed",
    ]
    first = cli(*args)
    assert first.exit_code == 0, first.stderr
    assert json.loads(first.stdout)["counts"]["archived"] == 5
    second = cli(*args)
    assert json.loads(second.stdout)["counts"]["selected"] == 0  # the bucket is the ledger
    assert receiver.stats.requests == 5
    listed = cli(
        "failover",
        "list",
        "--bucket",
        BUCKET,
        "--path",
        "stream/replayed",
        "--gcs-endpoint",
        gcs,
        "--since",
        "2h",
        "--json",
    )
    assert len(json.loads(listed.stdout)["objects"]) == 5
    # the archive replayed (another job, a --scan, a mistake) sends the same X-Webhook-Ids:
    # receivers de-duplicate it (before: 10 requests with 10 distinct ids)
    again = cli(
        "failover", "replay", "--bucket", BUCKET, "--path", "stream/replayed",
        "--gcs-endpoint", gcs, "--to", receiver.url, "--since", "2h", "--no-journal", "--json",
    )  # fmt: skip
    assert again.exit_code == 0, again.stderr
    ids = [e.webhook_id for e in receiver.events]
    assert len(ids) == 10
    assert len(set(ids[:5])) == 5
    assert set(ids[5:]) == set(ids[:5])


def test_list_summary_draws_the_backlog_per_hour(seeded: Seeded, cli: Cli) -> None:
    window = ("--since", "2026-04-02", "--until", "2026-04-03")
    expected = seeded.names(at("2026-04-02T00:00"), at("2026-04-04T00:00"))
    as_json = json.loads(
        cli("failover", "list", *gcs_args(seeded.url), *window, "--summary", "--json").stdout
    )
    assert as_json["timeline_unit"] == "hour"
    by_type = as_json["timeline"]["type"]
    assert sum(b["count"] for b in by_type) == len(expected)
    assert sum(b["count"] for b in as_json["timeline"]["hook"]) == len(expected)
    hours = Counter(
        f"{seeded.objects[n]['failed_at'][:13]}:00Z" for n in expected
    )  # failed_at is ISO 8601 UTC
    assert {b["bucket"]: b["count"] for b in by_type if b["count"]} == dict(hours)
    piped = cli("failover", "list", *gcs_args(seeded.url), *window, "--summary", "--by", "hook")
    assert piped.exit_code == 0, piped.stderr
    assert piped.stdout.splitlines()[0].split("\t")[:3] == ["HOUR", "EVENTS", "HOOK"]
    bad = cli("failover", "list", *gcs_args(seeded.url), *window, "--summary", "--by", "colour")
    assert bad.exit_code == 2


def test_the_backlog_chart_scales_to_the_peak() -> None:
    from hookctl.failover.views import chart

    lines = chart(
        "hour",
        [
            ("2026-04-02T13:00Z", {"a": 50}),
            ("2026-04-02T14:00Z", {"a": 25, "b": 25}),
            ("2026-04-02T15:00Z", {}),
        ],
        "type",
    )
    assert lines[1].count("█") == 50
    assert lines[2].count("█") == 25
    assert lines[2].count("▓") == 25
    assert lines[3].strip().endswith(" 0")
    assert "█ a" in lines[-1]
    assert "▓ b" in lines[-1]


def test_list_summary_errors_counts_every_envelope_in_the_window(seeded: Seeded, cli: Cli) -> None:
    window = ("--since", "2026-04-02", "--until", "2026-04-03")
    expected = seeded.names(at("2026-04-02T00:00"), at("2026-04-04T00:00"))
    args = ("failover", "list", *gcs_args(seeded.url), *window, "--summary")
    plain = json.loads(cli(*args, "--json").stdout)
    assert plain["top_errors"] is None  # nothing downloaded without --errors / --by url
    assert "url" not in plain["timeline"]
    counted = json.loads(cli(*args, "--errors", "--json").stdout)
    errors = Counter(seeded.objects[n]["error_message"] for n in expected)
    assert len(errors) == 2  # the documented object's name is a year off: read, still counted
    assert counted["top_errors"] == [{"message": m, "count": n} for m, n in errors.most_common()]
    assert counted["count"] == plain["count"] == len(expected)
    alone = cli("failover", "list", *gcs_args(seeded.url), *window, "--errors")
    assert alone.exit_code == 2


def test_list_summary_by_url_splits_and_redacts(cli: Cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    hour = datetime(2026, 5, 2, 9, tzinfo=UTC)
    urls = {
        "https://a.example.invalid/hook": 3,
        "https://b.example.invalid/hook?password=hunter22": 2,
    }
    errors = ["HTTP 500: boom", "HTTP 401: client_secret=s3cr3tvalue \x1b[31mred"]
    i = 0
    for url, n in urls.items():
        for _ in range(n):
            when = hour + timedelta(minutes=i, hours=i % 2)
            write_object(
                data,
                BUCKET,
                object_name(PATH, when, "message.new", HOOK_A),
                envelope(
                    hook_id=HOOK_A,
                    url=url,
                    event_type="message.new",
                    error=errors[i % 3 == 0],
                    failed_at=when,
                    payload={"type": "message.new", "i": i},
                ),
            )
            i += 1
    window = ("--since", "2026-05-02", "--until", "2026-05-02")
    with fake_gcs_server(data) as url:
        args = ("failover", "list", *gcs_args(url), *window, "--summary", "--by", "url")
        as_json = cli(*args, "--json")
        piped = cli(*args)
    assert as_json.exit_code == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert "hunter22" not in as_json.stdout
    assert "s3cr3tvalue" not in as_json.stdout
    assert "\x1b" not in as_json.stdout
    assert report["urls"]["https://a.example.invalid/hook"] == 3
    assert sorted(report["urls"].values()) == [2, 3]
    by_url = report["timeline"]["url"]
    assert [b["count"] for b in by_url] == [3, 2]  # 09:00 and 10:00
    assert sum(b["split"].get("https://a.example.invalid/hook", 0) for b in by_url) == 3
    assert [e["count"] for e in report["top_errors"]] == [3, 2]
    assert report["top_errors"][0]["message"] == "HTTP 500: boom"
    assert "\\x1b[31mred" in report["top_errors"][1]["message"]
    assert piped.exit_code == 0, piped.stderr
    lines = piped.stdout.splitlines()
    assert lines[0].split("\t") == ["HOUR", "EVENTS", "URL"]
    assert "hunter22" not in piped.stdout
    assert "s3cr3tvalue" not in piped.stdout
    assert "\x1b" not in piped.stdout
    assert "3\tHTTP 500: boom" in lines
    assert lines[lines.index("EVENTS\tERROR MESSAGE") + 2].startswith("2\tHTTP 401: client_secret=")


@pytest.mark.usefixtures("sandbox")
def test_failover_list_by_without_summary_is_refused_before_listing(cli: Cli) -> None:
    with Loopback() as gcs:  # records any request: there must be none
        result = cli(
            "failover", "list", "--since", "1h", "--bucket", "bkt", "--gcs-endpoint", gcs.base_url,
            "--by", "hook",
        )  # fmt: skip
        assert gcs.requests == []
    assert result.exit_code == 2
    assert "--by splits the --summary chart" in result.stderr
