"""Replay refuses what would silently do nothing or do wrong (issue 23, item 7)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hookctl.failover.layout import envelope, object_name
from tests.conftest import Cli
from tests.gcs import fake_gcs_server, write_object
from tests.loopback import Loopback

BUCKET = "failover"
PATH = "stream/failed-events"
DAY = datetime(2026, 6, 1, 9, tzinfo=UTC)
REPLAY = ["failover", "replay", "--bucket", BUCKET, "--path", PATH]
REPLAY += ["--since", "2026-06-01", "--until", "2026-06-01", "--json", "--no-journal"]


@pytest.mark.usefixtures("sandbox")
@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_payload_that_is_not_strict_json_is_malformed_never_signed(
    cli: Cli, tmp_path: Path, constant: str
) -> None:
    with Loopback() as receiver:
        url = receiver.route("POST", "/hook", 200)
        env = envelope(
            hook_id="h1",
            url=url,
            event_type="message.new",
            error="HTTP 500",
            failed_at=DAY,
            payload={"type": "message.new", "n": 1},
        )
        body = json.dumps(env).replace('"n": 1', f'"n": {constant}').encode()
        assert constant.encode() in body
        data = tmp_path / "data"
        name = object_name(PATH, DAY, "message.new", "h1")
        write_object(data, BUCKET, name, body)
        with fake_gcs_server(data) as gcs:
            result = cli(*REPLAY, "--gcs-endpoint", gcs, "--to", url)
        assert receiver.requests == []
    assert result.exit_code == 1, result.output
    [malformed] = json.loads(result.stdout)["malformed"]
    assert malformed["name"] == name
    assert "NaN and Infinity are not JSON" in malformed["reason"]
