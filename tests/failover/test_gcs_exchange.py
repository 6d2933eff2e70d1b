"""Every exchange hookctl makes through google-cloud-storage ends within --timeout.

requests bounds each socket read, not an exchange: an endpoint that drips its status
line, its headers or its body kept a call going for as long as it dripped. Each path
below went through a bare requests session; now through ``failover.exchange``'s, whose
exchanges end at their deadline (and whose answers are capped once decoded). Real
loopback peers that misbehave on purpose; no mock of requests or google-cloud-storage.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, SandboxApp
from tests.gcs import service_account_key, token_server
from tests.rawpeer import RawPeer, answer, drip, gzip_bomb, read_request

WEBHOOK = {
    "id": "7a68478e-0000-4000-8000-000000000002",
    "hook_type": "webhook",
    "enabled": True,
    "webhook_url": "https://example.com/hook",
    "event_types": [],
}
OBJECT = "stream/2026/06/01/1780304400-message.new-h1.json"


def checks(cli: Cli, tmp_path: Path, token: str, gcs: str, *extra: str) -> tuple[Any, float]:
    """`failover validate` against ``gcs`` with a key whose token comes from ``token``."""
    key = tmp_path / "key.json"
    key.write_text(json.dumps(service_account_key(token)))
    args = ["--bucket", "failover", "--path", "stream", "--credentials", str(key)]
    started = time.monotonic()
    result = cli("--timeout", "1", "failover", "validate", *args, "--gcs-endpoint", gcs, *extra)
    return result, time.monotonic() - started


def slow_answer(gcs: str) -> str:
    return f"error: GCS at {gcs} did not finish answering within 1s (it answers, but too slowly)"


def test_headers_that_drip_end_the_checks_at_the_timeout(cli: Cli, tmp_path: Path) -> None:
    """A status line, then a header one byte every 50 ms: each read within any timeout."""
    with token_server() as token, RawPeer(drip(b"HTTP/1.1 200 OK\r\nX-Pad: ", b"a", every=0.05, seconds=30)) as gcs:  # fmt: skip
        result, took = checks(cli, tmp_path, token, gcs.url)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == slow_answer(gcs.url), result.stderr
    assert len(result.stderr.splitlines()) == 2  # the error and its hint
    assert result.stdout == ""
    assert took < 25, took  # the drip lasts 30 s: this is the budget, not the server


def listing_then_dripping_media(conn: socket.socket) -> None:
    """A bucket whose listing answers at once and whose object's body drips (a streamed
    download: its body is read after requests handed the answer back)."""
    item = {"name": OBJECT, "bucket": "failover", "generation": "1", "size": "900"}
    while True:
        head = read_request(conn)
        if not head:
            return
        line = head.split(b"\r\n", 1)[0]
        if b"alt=media" in line:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            conn.sendall(b"Content-Length: 900\r\n\r\n{")
            end = time.monotonic() + 30
            while time.monotonic() < end:
                conn.sendall(b" ")
                time.sleep(0.05)
            return
        body = b"{}" if b"/iam/" in line else json.dumps({"items": [item]}).encode()
        status = b"404 Not Found" if b"/iam/" in line else b"200 OK"
        conn.sendall(
            b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )


def test_a_streamed_download_that_drips_ends_at_the_timeout(cli: Cli, tmp_path: Path) -> None:
    """`validate --for replay` lists, then reads the first object: a media download,
    whose body is read outside the exchange's `send`, still within its deadline."""
    with token_server() as token, RawPeer(listing_then_dripping_media) as gcs:
        result, took = checks(cli, tmp_path, token, gcs.url, "--for", "replay")
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == slow_answer(gcs.url), result.stderr
    assert result.stdout == ""
    assert took < 25, took


@pytest.mark.parametrize("command", ["validate", "set"])
def test_an_answer_that_inflates_past_the_limit_is_not_read(
    cli: Cli, tmp_path: Path, sandbox: SandboxApp, command: str
) -> None:
    """A 40 MB gzip bomb (40 KB on the wire) as the answer to the first bucket call was
    read whole, then failed as JSON; now it stops at 16 MB, and `set` writes nothing."""
    sandbox.set_hooks([WEBHOOK])
    before = sandbox.hooks()
    bomb = answer("200 OK", gzip_bomb(40), {"Content-Encoding": "gzip"})
    with token_server() as token, RawPeer(bomb) as gcs:
        key = tmp_path / "key.json"
        key.write_text(json.dumps(service_account_key(token)))
        args = ["--bucket", "failover", "--credentials", str(key), "--gcs-endpoint", gcs.url]
        if command == "set":
            args = [str(WEBHOOK["id"]), *args, "--yes"]
        result = cli("--timeout", "1", "failover", command, *args)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == (
        f"error: GCS at {gcs.url} answered more than 16777216 bytes"
    ), result.stderr
    assert sandbox.hooks() == before


def test_a_token_refresh_after_a_401_that_drips_ends_at_the_timeout(
    cli: Cli, tmp_path: Path
) -> None:
    """A 401 makes google-auth's session fetch a new token. It did so through its own
    requests session (three tries, each bounded per read only) and a token endpoint that
    dripped held the call; then the error was "unexpected failure: TransportError". Now
    the refresh goes through the same bounded token request as the first fetch."""
    fetches: list[int] = []
    token_body = {"access_token": "x", "expires_in": 3600, "token_type": "Bearer"}

    def first_then_drip(conn: socket.socket) -> None:
        fetches.append(1)
        if len(fetches) == 1:
            answer("200 OK", json.dumps(token_body).encode())(conn)
        else:
            drip(b"HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n{", seconds=30)(conn)

    refused = answer("401 Unauthorized", b'{"error": {"code": 401, "message": "expired"}}')
    with RawPeer(first_then_drip) as token, RawPeer(refused) as gcs:
        result, took = checks(cli, tmp_path, token.url + "/token", gcs.url)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == (
        f"error: the token endpoint {token.url}/token did not answer within 1s"
    ), result.stderr
    assert len(fetches) >= 2  # the refresh happened
    assert took < 25, took


def test_the_sandboxs_failover_write_to_a_bucket_that_drips_ends_at_its_budget() -> None:
    """The sandbox writes a failed event to the hook's bucket through google-cloud-storage:
    a bucket dripping its answer to the upload held the emit (and its HTTP request) for as
    long as it dripped. Now the write fails at its budget and the event is reported lost."""
    from hookctl.sandbox.emit import Emitter
    from hookctl.webhooks.delivery import RetryPolicy
    from tests.misbehave import misbehaving

    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{"
    with (
        token_server() as token,
        RawPeer(drip(head, seconds=30)) as gcs,
        misbehaving(["500"]) as (url, _),
    ):
        hook = dict(WEBHOOK, webhook_url=url)
        hook["failover_config"] = {
            "type": "gcs",
            "gcs_bucket": "failover",
            "gcs_path": "stream",
            "gcs_credentials": json.dumps(service_account_key(token)),
        }
        emitter = Emitter(gcs_endpoint=gcs.url, policy=RetryPolicy(backoff=0.01), gcs_timeout=1)
        started = time.monotonic()
        [outcome] = emitter.emit(
            api_key="k", api_secret="s", app_id="1", hooks=[hook], event_type="message.new"
        )
        took = time.monotonic() - started
    assert outcome.outcome == "failover_failed", outcome
    assert outcome.error is not None
    assert "failover write failed: Timeout of 1.0s exceeded" in outcome.error, outcome.error
    assert "Read timed out" in outcome.error, outcome.error
    assert took < 25, took  # the drip lasts 30 s


def test_checks_on_an_endpoint_that_accepts_and_never_answers_end_within_their_bound(
    cli: Cli, tmp_path: Path
) -> None:
    """A listening socket that never reads: the first call waits its --timeout, then the
    checks end (at most PROBE_CALLS budgets in all, docs/guides/failover-gcp.md)."""
    with token_server() as token, socket.create_server(("127.0.0.1", 0)) as silent:
        gcs = f"http://127.0.0.1:{silent.getsockname()[1]}"
        result, took = checks(cli, tmp_path, token, gcs)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == slow_answer(gcs), result.stderr
    assert took < 4, took


def test_a_tls_handshake_after_a_slow_connect_gets_only_what_is_left() -> None:
    """The connect took ~1 s (its first SYN dropped: the listener's queue was full until
    0.3 s), then the server never answers the TLS handshake. The handshake ran under the
    socket's timeout on a fresh clock: 1 s + the whole 1.5 s budget; now what is left."""
    import requests
    from google.auth.credentials import AnonymousCredentials

    from hookctl.failover.exchange import bounded_session

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        held: list[socket.socket] = []
        with socket.create_connection(("127.0.0.1", port)):  # fills the accept queue

            def make_room() -> None:
                time.sleep(0.3)
                held.append(listener.accept()[0])

            threading.Thread(target=make_room, daemon=True).start()
            session = bounded_session(AnonymousCredentials(), budget=1.5, auth_request=None)  # type: ignore[no-untyped-call]
            started = time.monotonic()
            with pytest.raises(requests.exceptions.RequestException):
                session.get(f"https://127.0.0.1:{port}/", timeout=1.5)
            took = time.monotonic() - started
            session.close()
        for conn in held:
            conn.close()
    assert took < 2.2, took  # was 1 s of connect + 1.5 s of handshake, and loading CAs


def test_a_retry_started_late_gets_only_what_is_left_of_the_call() -> None:
    """A 503 after 0.7 s, then silence: the retry's second attempt began at ~0.8 s of a
    1 s call and was given a whole second more; now the call ends at its 1 s."""
    from google.api_core import exceptions as gexc

    from hookctl.failover.gauth import bounded_retry, storage_client

    def unavailable_then_silent(conn: socket.socket) -> None:
        read_request(conn)
        time.sleep(0.7)
        conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\n\r\n{}")
        read_request(conn)
        time.sleep(5)

    with RawPeer(unavailable_then_silent) as gcs:
        client = storage_client(None, gcs.url, 1.0)
        bucket = client.bucket("failover")
        started = time.monotonic()
        with pytest.raises((gexc.RetryError, gexc.ServiceUnavailable)):
            bucket.test_iam_permissions(
                ["storage.objects.get"], timeout=1.0, retry=bounded_retry(1.0)
            )
        took = time.monotonic() - started
        client.close()
    assert gcs.connections >= 1
    assert took < 1.45, took  # was 0.7 s + up to 0.2 s of sleep + a whole 1 s attempt
