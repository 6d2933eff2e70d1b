"""Every Python example in docs/library.md runs, in order, as one program.

The page's ``python`` blocks share one namespace (a later block uses the hook id an
earlier one added), in a fresh sandbox app (STREAM_* from the ``sandbox`` fixture), with
fake-gcs-server (``HOOKCTL_GCS_ENDPOINT``) holding the bucket the page reads, and a real
receiver standing in for ``https://example.com/hooks``: the one substitution the test
makes. The examples' own ``assert``s are the checks, plus what the receiver saw.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hookctl.failover.layout import envelope, object_name
from hookctl.webhooks.receiver import Receiver
from tests.conftest import SandboxApp
from tests.gcs import fake_gcs_server, write_object

PAGE = Path(__file__).resolve().parents[2] / "docs" / "library.md"
PLACEHOLDER_URL = "https://example.com/hooks"
BUCKET, PATH = "my-failover", "stream/failed-events"
DAY = datetime(2026, 4, 1, tzinfo=UTC)
EVENTS = 6


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


@pytest.fixture
def gcs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    data = tmp_path / "gcs"
    for i in range(EVENTS):
        when = DAY + timedelta(hours=2 * i, seconds=7)
        doc = envelope(
            hook_id="hook-1",
            url="https://example.invalid/old",
            event_type="message.new",
            error="HTTP 503",
            failed_at=when,
            payload={"type": "message.new", "n": i},
        )
        write_object(data, BUCKET, object_name(PATH, when, "message.new", "hook-1"), doc)
    with fake_gcs_server(data) as url:
        monkeypatch.setenv("HOOKCTL_GCS_ENDPOINT", url)
        yield url


def test_the_page_has_an_example_for_every_public_job() -> None:
    code = "\n".join(python_blocks(PAGE.read_text()))
    for name in ("Hooks(", "verify_signature(", "list_failed_events(", "replay(", "Stop("):
        assert name in code, name
    assert "sample_event(" in code


@pytest.mark.usefixtures("gcs")
def test_every_example_in_the_library_page_runs(
    sandbox: SandboxApp, capsys: pytest.CaptureFixture[str]
) -> None:
    receiver = Receiver([sandbox.api_secret], keep_bodies=True).start()
    try:
        namespace: dict[str, object] = {"__name__": "library_docs"}
        for block in python_blocks(PAGE.read_text()):
            exec(
                compile(block.replace(PLACEHOLDER_URL, receiver.url), str(PAGE), "exec"), namespace
            )
    finally:
        receiver.stop()
    out = capsys.readouterr().out
    assert f"{EVENTS} delivered; done" in out  # the replay example's closing print
    assert receiver.stats.accepted == EVENTS
    assert receiver.stats.bad_signatures == 0
    assert "signature does not match the body" in out
    hook_id = namespace["hook_id"]
    assert any(h["id"] == hook_id for h in sandbox.hooks())  # restored by the example
