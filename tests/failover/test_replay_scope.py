"""A writer of one hook's failover bucket reaches no other hook, and no event type the
hook does not receive (issue 14 follow-up, item E): the object name's hook id must be
the envelope's, the event type must pass the hook's filter, and a hook's bucket holds
only the failures of hooks whose failover_config points at it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hookctl.failover.layout import envelope, object_name
from hookctl.webhooks.receiver import Receiver
from tests.conftest import Cli, SandboxApp
from tests.gcs import fake_gcs_server, service_account_key, token_server, write_object

BUCKET = "failover-a"
PATH = "stream/failed-events"


@pytest.fixture
def receiver(sandbox: SandboxApp) -> Iterator[Receiver]:
    server = Receiver([sandbox.api_secret], keep_bodies=True).start()
    yield server
    server.stop()


def put(data: Path, minute: int, name_hook: str, hook: str, url: str, event_type: str) -> str:
    """An object whose NAME carries ``name_hook`` and whose envelope says ``hook``."""
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30 - minute)
    name = object_name(PATH, when, event_type, name_hook)
    body: dict[str, Any] = envelope(
        hook_id=hook,
        url=url,
        event_type=event_type,
        error="HTTP 500",
        failed_at=when,
        payload={"type": event_type, "n": minute},
    )
    write_object(data, BUCKET, name, body)
    return name


def add_hook(cli: Cli, url: str, *events: str) -> str:
    args = ["--events", ",".join(events)] if events else []
    result = cli("hooks", "add", "webhook", "--url", url, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.usefixtures("sandbox")
def test_objects_in_hook_as_bucket_cannot_reach_hook_b(
    cli: Cli, receiver: Receiver, tmp_path: Path
) -> None:
    url_a, url_b = f"{receiver.url}/a", f"{receiver.url}/b"
    hook_a = add_hook(cli, url_a, "message.new")
    hook_b = add_hook(cli, url_b)  # all events, no failover_config
    data = tmp_path / "data"
    names = {
        "ok": put(data, 0, hook_a, hook_a, url_a, "message.new"),
        "renamed": put(data, 1, hook_a, hook_b, url_b, "message.new"),  # name A, envelope B
        "other_hook": put(data, 2, hook_b, hook_b, url_b, "message.new"),  # B is not on this bucket
        "filtered": put(data, 3, hook_a, hook_a, url_a, "reaction.new"),  # A does not receive it
    }
    with token_server() as token_uri, fake_gcs_server(data) as gcs:
        key = tmp_path / "key.json"
        key.write_text(json.dumps(service_account_key(token_uri)))
        done = cli(
            "failover", "set", hook_a, "--bucket", BUCKET, "--path", PATH,
            "--credentials", str(key), "--gcs-endpoint", gcs,
        )  # fmt: skip
        assert done.exit_code == 0, done.stderr
        result = cli(
            "failover", "replay", "--since", "1h", "--gcs-endpoint", gcs, "--json", "--no-journal"
        )
        first = sorted(json.loads(b)["n"] for b in receiver.bodies.values())
        to = cli(
            "failover", "replay", "--bucket", BUCKET, "--path", PATH, "--since", "1h",
            "--gcs-endpoint", gcs, "--to", f"{receiver.url}/mine", "--json", "--no-journal",
        )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["counts"]["delivered"] == 1
    refused = {f["name"]: f["error"] for f in report["failures"] if f["refused"]}
    assert set(refused) == {names["other_hook"], names["filtered"]}
    assert "does not point at bucket" in refused[names["other_hook"]]
    assert "does not receive reaction.new" in refused[names["filtered"]]
    # whole reasons, never cut mid-word, under the counter they explain (not "failed")
    assert report["failed_by_reason"] == report["reasons"]["failed"] == {}
    reasons = report["reasons"]["refused"]
    assert reasons[f"hook {hook_a} does not receive reaction.new"] == 1
    assert reasons[f"hook {hook_b}'s failover_config does not point at bucket {BUCKET}"] == 1
    [malformed] = report["malformed"]
    assert malformed["name"] == names["renamed"]
    assert "differs from the envelope's original_hook_id" in malformed["reason"]
    # --to: the operator's URL gets everything but the object whose name and envelope disagree
    assert to.exit_code == 1, to.stderr
    to_report = json.loads(to.stdout)
    assert to_report["counts"]["delivered"] == 3
    assert [m["name"] for m in to_report["malformed"]] == [names["renamed"]]
    assert first == [0]  # only "ok" was sent without --to: nothing reached hook B's URL
    assert sorted(json.loads(b)["n"] for b in receiver.bodies.values()) == [0, 2, 3]


@pytest.mark.parametrize(
    "name",
    [
        "p/2026/06/01/\uff11\uff12-message.new-8c4f6a52-0d4e-4a9b-9a55-3b1f3f2d9e10.json",  # １２
        "p/2026/06/01/\u0661\u0662-message.new-8c4f6a52-0d4e-4a9b-9a55-3b1f3f2d9e10.json",  # ١٢
        "p/\uff12\uff10\uff12\uff16/06/01/12-message.new-8c4f6a52-0d4e-4a9b-9a55-3b1f3f2d9e10.json",
    ],
)
def test_names_with_non_ascii_digits_are_unrecognised_with_a_reason(name: str) -> None:
    from hookctl.failover.layout import NameParser

    assert NameParser().explain(name) == "date folder or timestamp has non-ASCII digits"
    ascii_name = name.translate({c: ord("1") for c in range(0x80, 0x10000) if chr(c).isdigit()})
    assert not isinstance(NameParser().explain(ascii_name), str)  # the same name in ASCII: placed


def test_long_reasons_are_cut_at_a_word_boundary() -> None:
    from hookctl.failover.outcome import reason_key

    short = "refused: the envelope's URL is not hook 8c4f6a52-0d4e-4a9b-9a55-3b1f3f2d9e10's current webhook_url"
    assert reason_key(short) == short
    long = "word " * 100
    cut = reason_key(long)
    assert len(cut) <= 200
    assert cut.endswith("word…")
