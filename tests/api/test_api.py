"""hookctl.api against the sandbox, fake-gcs-server and a real receiver: the promises its
docstrings make (the same safe path as the CLI, stop and progress, reasons on refusal)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import hookctl.api as api
from hookctl.failover.layout import envelope, object_name
from hookctl.webhooks.receiver import Receiver
from tests.conftest import SandboxApp
from tests.gcs import fake_gcs_server, write_object

BUCKET, PATH = "api-failover", "stream/failed-events"
DAY = datetime(2026, 4, 1, tzinfo=UTC)
WINDOW = {"bucket": BUCKET, "path": PATH, "since": "2026-04-01", "until": "2026-04-02"}


@pytest.fixture
def gcs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    data = tmp_path / "gcs"
    for i, event_type in enumerate(["message.new", "reaction.new", "message.new"]):
        when = DAY + timedelta(hours=i + 1)
        doc = envelope(
            hook_id="hook-1",
            url="https://example.invalid/old",
            event_type=event_type,
            error="HTTP 503",
            failed_at=when,
            payload={"type": event_type, "n": i},
        )
        write_object(data, BUCKET, object_name(PATH, when, event_type, "hook-1"), doc)
    write_object(data, BUCKET, f"{PATH}/2026/04/01/notes.txt", b"not an event")
    with fake_gcs_server(data) as url:
        monkeypatch.setenv("HOOKCTL_GCS_ENDPOINT", url)
        yield url


@pytest.fixture
def receiver(sandbox: SandboxApp) -> Iterator[Receiver]:
    rec = Receiver([sandbox.api_secret]).start()
    yield rec
    rec.stop()


def test_everything_public_is_exported_and_documented() -> None:
    for name in api.__all__:
        obj = getattr(api, name)
        assert obj.__doc__, name
    jobs = ["Hooks", "verify_signature", "list_failed_events", "replay", "sample_event", "Stop"]
    for name in jobs:
        assert "Example::" in (getattr(api, name).__doc__ or ""), name


# ---------------------------------------------------------------- signatures


def test_verify_checks_compressed_bodies_over_their_plain_bytes() -> None:
    body = b'{"type":"message.new"}'
    sig = api.sign(body, "s3cret")
    plain = api.verify_signature(body, sig, "s3cret")
    packed = api.verify_signature(gzip.compress(body), sig, "s3cret")
    assert (plain.valid, plain.compressed, plain.matched) == (True, False, 0)
    assert (packed.valid, packed.compressed, packed.body) == (True, True, body)
    wrong = api.verify_signature(body, sig[:-2], ["a", "b"])
    assert not wrong
    assert wrong.reason == "signature does not match the body (expected 64 hex characters, got 62)"


def test_verify_refuses_bad_input_with_a_reason() -> None:
    with pytest.raises(api.UsageError, match="no signature given"):
        api.verify_signature(b"{}", "  ", "s")
    corrupt = gzip.compress(b'{"a":1}')[:-6]
    with pytest.raises(api.UsageError) as caught:
        api.verify_signature(corrupt, "0" * 64, "s")
    assert "gzip" in caught.value.message


# ---------------------------------------------------------------- hooks


def test_hooks_write_through_the_safe_path_snapshots_and_refuses_masked_secrets(
    sandbox: SandboxApp,
) -> None:
    with api.Hooks() as hooks:
        added = hooks.add(
            {
                "hook_type": "sqs",
                "enabled": True,
                "sqs_queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                "sqs_region": "us-east-1",
                "sqs_auth_type": "keys",
                "sqs_key": "AKIAEXAMPLE",
                "sqs_secret": "aws-secret-value",
            }
        )
        assert added.written
        assert added.snapshot is not None
        (hook_id,) = added.new_ids
        shown = hooks.get(hook_id)
        assert shown["sqs_secret"] == "********"  # masked unless show_secrets
        assert hooks.get(hook_id, show_secrets=True)["sqs_secret"] == "aws-secret-value"
        with pytest.raises(api.HookctlError) as refused:
            hooks.update(hook_id, {"sqs_secret": shown["sqs_secret"]})
        assert f"{hook_id}.sqs_secret looks masked" in refused.value.message
        assert "nothing was written" in (refused.value.hint or "")
        assert sandbox.hooks()[0]["sqs_secret"] == "aws-secret-value"
        assert [s.id for s in hooks.snapshots()] == [added.snapshot]


def test_hooks_errors_never_show_the_secret_given(sandbox: SandboxApp) -> None:
    with pytest.raises(api.HookctlError) as caught:
        api.Hooks(api_secret="not-the-secret-0123456789").list()
    assert "not-the-secret" not in caught.value.message + (caught.value.hint or "")
    with pytest.raises(api.NotFound):
        api.Hooks().get("no-such-hook")
    assert sandbox.hooks() == []


# ---------------------------------------------------------------- failover


@pytest.mark.usefixtures("gcs", "sandbox")
def test_list_failed_events_gives_rows_and_skipped_objects() -> None:
    found = api.list_failed_events(**WINDOW, event_types=["message.new"])
    assert found.bucket == BUCKET
    assert [e.event_type for e in found.events] == ["message.new", "message.new"]
    assert {e.state for e in found.events} == {None}
    assert [e.time for e in found.events] == [DAY + timedelta(hours=1), DAY + timedelta(hours=3)]
    assert [name.rsplit("/", 1)[-1] for name, _ in found.skipped] == ["notes.txt"]


@pytest.mark.usefixtures("gcs")
def test_replay_reports_progress_and_honours_a_stop_made_before_it_starts(
    receiver: Receiver,
) -> None:
    stop = api.Stop()
    stop.request()
    stopped = api.replay(to=receiver.url, **WINDOW, stop=stop)
    assert stopped.stopped
    assert not stopped.complete
    assert receiver.stats.requests == 0

    seen: list[api.ReplayProgress] = []
    done = api.replay(to=receiver.url, **WINDOW, progress=seen.append)
    assert done.complete
    assert done.counts["delivered"] == receiver.stats.accepted == 3
    assert seen
    assert seen[-1].delivered == 3
    assert json.loads(json.dumps(done.report))["counts"] == done.counts


@pytest.mark.usefixtures("gcs", "sandbox")
def test_replay_refuses_bad_input_before_any_request() -> None:
    with pytest.raises(api.UsageError, match="--to"):
        api.replay(to="ftp://example.com/x", **WINDOW)


def test_sample_event_overrides_and_refuses_a_path_through_a_value() -> None:
    event = api.sample_event("message.new", {"message.text": "hi", "extra.n": 2})
    assert event["message"]["text"] == "hi"
    assert event["extra"] == {"n": 2}
    with pytest.raises(api.UsageError, match="type"):
        api.sample_event("message.new", {"type.x": 1})
