"""An object that changes between the listing and its download is said, not silent.

Found by the network half of issue 23's adversarial pass: with a proxy in front of
fake-gcs-server that deleted (or overwrote) an object right after it was listed, replay
printed "listed 2, downloaded 1, delivered 1, failed 0, refused 0, skipped 0, malformed 0"
and exit 0: one listed event was in no count of the line (only `--json` had it, as
`counts.gone`). The line now says "gone 1"; a rerun lists the new generation.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from hookctl.failover.layout import envelope, object_name
from tests.conftest import Cli
from tests.gcs import fake_gcs_server, write_object
from tests.loopback import Loopback, Reply, Request

WHEN = datetime(2026, 6, 1, 9, tzinfo=UTC)


def test_an_object_deleted_after_listing_is_counted_on_the_line(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STREAM_API_KEY", "k")  # --to signs with the API secret
    monkeypatch.setenv("STREAM_API_SECRET", "s" * 32)
    data = tmp_path / "gcs"
    names = []
    for minute in (0, 1):
        name = object_name("stream", WHEN.replace(minute=minute), "message.new", "h1")
        body = envelope(
            hook_id="h1", url="https://example.com/h", event_type="message.new",
            error="HTTP 500", failed_at=WHEN, payload={"type": "message.new", "n": minute},
        )  # fmt: skip
        write_object(data, "failover", name, body)
        names.append(name)
    with fake_gcs_server(data) as gcs, Loopback() as proxy, Loopback() as receiver:
        deleted: list[str] = []

        def forward(request: Request) -> Reply:
            if request.query.get("alt") == ["media"] and not deleted:
                deleted.append(names[0])  # gone between the listing and this download
                url = f"{gcs}/storage/v1/b/failover/o/{quote(names[0], safe='')}"
                urllib.request.urlopen(urllib.request.Request(url, method="DELETE")).close()
            sent = urllib.request.Request(gcs + request.target, method=request.method)
            try:
                with urllib.request.urlopen(sent) as answer:
                    return Reply(answer.status, answer.read())
            except urllib.error.HTTPError as exc:
                return Reply(exc.code, exc.read())

        proxy.route("*", "/*", handler=forward)
        to = receiver.route("POST", "/h", 200)
        result = cli(
            "failover", "replay", "--bucket", "failover", "--path", "stream",
            "--since", "2026-06-01", "--until", "2026-06-01", "--to", to, "--yes",
            "--no-journal", "--concurrency", "1", "--gcs-endpoint", proxy.base_url,
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(receiver.requests) == 1
    assert "listed 2, downloaded 1, delivered 1" in result.stderr
    assert "gone 1" in result.stderr, result.stderr
