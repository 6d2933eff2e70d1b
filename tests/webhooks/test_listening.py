"""`listen` without Typer: which secrets verify, binding errors, the lines it prints."""

from __future__ import annotations

import socket
import threading
import urllib.request

import pytest

from hookctl.base.errors import UsageError
from hookctl.webhooks.listening import (
    event_line,
    listen_secrets,
    open_receiver,
    serve,
    summary_line,
)
from hookctl.webhooks.receiver import Received, Stats
from hookctl.webhooks.signing import sign


def test_named_variables_win_over_the_environment_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_API_SECRET", "from-env")
    assert listen_secrets([], None) == ["from-env"]
    monkeypatch.setenv("OLD", "old-secret")
    monkeypatch.setenv("NEW", "new-secret")
    assert listen_secrets(["NEW", "OLD"], None) == ["new-secret", "old-secret"]
    monkeypatch.delenv("STREAM_API_SECRET")
    assert listen_secrets([], None) == []
    with pytest.raises(UsageError):
        listen_secrets(["NOT_SET_ANYWHERE"], None)


def test_a_taken_port_is_bad_input_naming_the_address() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UsageError, match=f"cannot listen on 127.0.0.1:{port}"):
            open_receiver([], host="127.0.0.1", port=port)


def test_serve_returns_after_count_unique_events_with_their_stats() -> None:
    seen: list[Received] = []
    receiver = open_receiver(["s3cret"], host="127.0.0.1", port=0, count=1, on_event=seen.append)
    body = b'{"type":"message.new"}'
    request = urllib.request.Request(
        f"{receiver.url}/",
        data=body,
        headers={"X-Signature": sign(body, "s3cret"), "X-Webhook-Id": "w1"},
    )
    result: list[bool] = []
    serving = threading.Thread(target=lambda: result.append(serve(receiver, poll=0.05)))
    serving.start()
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
    serving.join(10)
    assert not serving.is_alive()  # the one unique event it waited for ended it
    assert result == [False]  # ended by --count, not Ctrl-C
    stats = receiver.stats
    assert (stats.requests, stats.accepted, stats.bad_signatures) == (1, 1, 0)
    assert seen[0].signature_ok is True
    assert "message.new  id=w1" in event_line(seen[0])
    assert "signature ok  -> 200" in event_line(seen[0])


def test_count_ends_serving_only_after_the_last_event_was_answered() -> None:
    """`listen --count N` stopped the moment the Nth event was counted, before its answer
    went out: the process exited, and the sender saw a dropped connection (then retried
    into a closed port) for an event listen had printed."""
    done_when_seen: list[bool] = []
    receiver = open_receiver([], host="127.0.0.1", port=0, count=1)
    receiver.on_event = lambda _event: done_when_seen.append(receiver.done.is_set())
    receiver.start()
    try:
        request = urllib.request.Request(
            f"{receiver.url}/", data=b'{"type":"message.new"}', headers={"X-Webhook-Id": "w1"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
        assert receiver.done.wait(5)
    finally:
        receiver.stop()
    assert done_when_seen == [False]  # still serving while the event was being answered


def test_count_waits_for_every_event_still_being_answered() -> None:
    """Two events in flight for `--count 2`: the second was counted and answered while
    the first was counted but not yet answered. Stopping on the count alone ended the
    process mid-reply: the first sender read a 200 with no body, retried into a closed
    port and reported "connection refused" for an event listen had printed."""
    first_counted, second_answered = threading.Event(), threading.Event()

    def hold_the_first(event: Received) -> None:
        if event.webhook_id == "w1":
            first_counted.set()
            assert second_answered.wait(5)  # w1's answer goes out after w2's

    receiver = open_receiver([], host="127.0.0.1", port=0, count=2, on_event=hold_the_first)
    receiver.start()
    statuses: dict[str, int] = {}

    def post(webhook_id: str) -> None:
        request = urllib.request.Request(
            f"{receiver.url}/", data=b'{"type":"message.new"}', headers={"X-Webhook-Id": webhook_id}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.read() == b'{"ok": true}'  # the whole answer, not just its status
            statuses[webhook_id] = response.status

    try:
        first = threading.Thread(target=post, args=("w1",))
        first.start()
        assert first_counted.wait(5)
        post("w2")
        assert receiver.stats.accepted == 2  # the count is reached …
        done_before_w1_answered = receiver.done.is_set()
        second_answered.set()
        first.join(5)
        assert receiver.done.wait(5)  # … and serving ends once w1 was answered too
    finally:
        second_answered.set()
        receiver.stop()
    assert done_before_w1_answered is False
    assert statuses == {"w1": 200, "w2": 200}


def test_event_and_summary_lines() -> None:
    event = Received("w9", "2", "reaction.new", False, 500, True, 10, 0.0, compressed=True)
    assert event_line(event) == (
        "reaction.new  id=w9  attempt=2  gzip  signature BAD  -> 500 (duplicate)"
    )
    stats = Stats(requests=3, accepted=1, duplicates=1, bad_signatures=1)
    assert summary_line(stats) == (
        "summary: 3 requests, 1 unique event, 1 duplicate, 1 bad signature, "
        "0 answered with an error on purpose"
    )
