"""A GCS endpoint that answers wrongly (adversarial pass, network half).

`failover object` read the object's metadata with `json.loads(...)["name"]`: an
answer that was not JSON, not an object or without the name was an "unexpected
failure" (JSONDecodeError, TypeError, KeyError, ValueError for 100,000 digits); a
listing nested too deeply was exit 2 ("check the arguments you passed"); a listing or
metadata answer that inflates to 1 GB was read whole (20 s and 1 GB with --timeout 2).
Now each is exit 1 and one line naming the endpoint.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from tests.conftest import Cli, SandboxApp
from tests.gcs import service_account_key, token_server
from tests.rawpeer import RawPeer, answer, drip, gzip_bomb

OBJECT = "gs://failover/stream/2026/06/01/1780304400-message.new-h1.json"
LIST = ["failover", "list", "--bucket", "failover", "--path", "stream"]
LIST += ["--since", "2026-06-01", "--until", "2026-06-01"]
WEBHOOK = {
    "id": "7a68478e-0000-4000-8000-000000000001",
    "hook_type": "webhook",
    "enabled": True,
    "webhook_url": "https://example.com/hook",
    "event_types": [],
}


@pytest.mark.parametrize(
    "body",
    [
        b"{}",
        b"",
        b"null",
        b"[1]",
        b"{not json",
        b'{"name": 5}',
        b'{"name": "other-object"}',
        b'{"name":"x","size":' + b"9" * 100_000 + b"}",
        b"[" * 100_000 + b"]" * 100_000,
    ],
    ids=[
        "empty-object",
        "empty",
        "null",
        "list",
        "not-json",
        "name-int",
        "other-name",
        "huge-int",
        "nested",
    ],
)
def test_failover_object_with_metadata_that_is_not_the_objects(cli: Cli, body: bytes) -> None:
    with RawPeer(answer("200 OK", body)) as gcs:
        result = cli("failover", "object", OBJECT, "--gcs-endpoint", gcs.url)
    assert result.exit_code == 1, result.output
    assert "unexpected failure" not in result.stderr
    assert gcs.url in result.stderr, result.stderr


def test_a_listing_nested_too_deeply_is_not_a_usage_error(cli: Cli) -> None:
    with RawPeer(answer("200 OK", b"[" * 100_000 + b"]" * 100_000)) as gcs:
        result = cli(*LIST, "--gcs-endpoint", gcs.url)
    assert result.exit_code == 1, result.output
    assert "with a body that is not JSON" in result.stderr, result.stderr


@pytest.mark.parametrize("command", ["list", "object"])
def test_an_answer_that_inflates_past_the_limit_is_not_read(cli: Cli, command: str) -> None:
    bomb = answer("200 OK", gzip_bomb(40), {"Content-Encoding": "gzip"})
    args = LIST if command == "list" else ["failover", "object", OBJECT]
    with RawPeer(bomb) as gcs:
        result = cli(*args, "--gcs-endpoint", gcs.url)
    assert result.exit_code == 1, result.output
    assert "answered more than 16777216 bytes" in result.stderr, result.stderr


def test_a_listing_that_serves_the_same_page_again_ends(cli: Cli) -> None:
    """A next-page token served twice (or a page that does not go past the last) kept
    `failover list` asking for ever, each page well within the timeout."""
    name = "stream/2026/06/01/1780304400-message.new-h1.json"
    page = {"items": [{"name": name, "generation": "1", "size": "10"}], "nextPageToken": "t"}
    same = answer("200 OK", json.dumps(page).encode(), {"Connection": "close"})
    served = []

    def pages_then_refuse(conn: socket.socket) -> None:  # 50 pages: ends a test without the fix
        served.append(1)
        (same if len(served) <= 50 else answer("404 Gone", b"{}"))(conn)

    with RawPeer(pages_then_refuse) as gcs:
        result = cli(*LIST, "--gcs-endpoint", gcs.url)
    assert result.exit_code == 1, result.output
    assert "again (the listing would never end)" in result.stderr, result.stderr


def test_a_token_endpoint_that_drips_is_cut_off_at_the_timeout(cli: Cli, tmp_path: Path) -> None:
    """google-auth's transport (requests) bounded each socket read: a token endpoint
    sending a byte every 200 ms held the token fetch until it stopped (for ever)."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{"
    with RawPeer(drip(head)) as token:
        key = tmp_path / "key.json"
        key.write_text(json.dumps(service_account_key(token.url + "/token")))
        result = cli(
            "--timeout", "1", *LIST, "--credentials", str(key), "--gcs-endpoint", token.url
        )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert f"the token endpoint {token.url}/token did not answer within 1s" in result.stderr, (
        result.stderr
    )


@pytest.mark.parametrize("status", ["301 Moved", "302 Found", "307 Temporary", "308 Permanent"])
def test_a_redirect_from_the_gcs_endpoint_is_not_followed(cli: Cli, status: str) -> None:
    """aiohttp follows redirects by default: a GCS endpoint answering 302 to another host
    had that host's `{}` read as an empty listing (exit 0, "no events"), with the
    request (and a bearer token, with a key) sent there."""
    with RawPeer(answer("200 OK", b"{}")) as elsewhere:
        moved = answer(status, b"", {"Location": elsewhere.url + "/storage/v1/b/failover/o"})
        with RawPeer(moved) as gcs:
            listed = cli(*LIST, "--gcs-endpoint", gcs.url)
            shown = cli("failover", "object", OBJECT, "--gcs-endpoint", gcs.url)
    assert elsewhere.connections == 0
    for result in (listed, shown):
        assert result.exit_code == 1, result.output
        assert f"GCS answered HTTP {status[:3]}" in result.stderr, result.stderr


def test_an_error_answer_nested_too_deeply_is_not_a_usage_error(cli: Cli) -> None:
    """A 500 whose body opened 50,000 arrays was exit 2 ("check the arguments you
    passed": json's RecursionError) instead of the server's error, exit 1."""
    nested = b'{"message":' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    with RawPeer(answer("500 Boom", nested)) as gcs:
        result = cli("--timeout", "1", *LIST, "--gcs-endpoint", gcs.url)
    assert result.exit_code == 1, result.output
    assert "GCS answered HTTP 500" in result.stderr, result.stderr


@pytest.mark.parametrize("number", [b"1e999", b"-1e999", b"1" + b"0" * 400 + b".0", b"1E+400"])
def test_a_payload_number_too_large_for_a_float_is_malformed(number: bytes) -> None:
    """`1e999` is valid JSON but parses to inf: replay signed and sent the payload as
    `{"x":Infinity}`, a body that is not JSON (refusing NaN/Infinity literals missed it)."""
    from hookctl.stream.models import MalformedObject, parse_envelope

    body = (
        b'{"original_hook_id":"h1","original_webhook_url":"https://example.com/h",'
        b'"event_type":"message.new","error_message":"HTTP 500",'
        b'"failed_at":"2026-06-01T09:00:00Z","payload":{"type":"message.new","x":' + number + b"}}"
    )
    with pytest.raises(MalformedObject, match="too large for a float"):
        parse_envelope(body)
    assert parse_envelope(body.replace(number, b"1e300")).payload["x"] == 1e300


def test_the_words_nan_and_infinity_in_text_are_not_numbers() -> None:
    """The overflow check looks for `Infinity`/`NaN` in the re-serialised data first: text
    holding those words is walked, and stays deliverable; a big number beside it, however
    deeply nested, is still found."""
    from hookctl.stream.models import MalformedObject, parse_envelope

    body = (
        b'{"original_hook_id":"h1","original_webhook_url":"https://example.com/h",'
        b'"event_type":"message.new","error_message":"NaN",'
        b'"failed_at":"2026-06-01T09:00:00Z","payload":{"type":"message.new",'
        b'"text":"Infinity and NaN","n":[1.5,{"k":X}]}}'
    )
    assert parse_envelope(body.replace(b"X", b"2e300")).payload["text"] == "Infinity and NaN"
    with pytest.raises(MalformedObject, match="too large for a float"):
        parse_envelope(body.replace(b"X", b"[[2e999]]"))


@pytest.mark.parametrize("command", ["validate", "set"])
def test_bucket_checks_on_an_endpoint_that_drips_end_within_their_budget(
    cli: Cli, tmp_path: Path, sandbox: SandboxApp, command: str
) -> None:
    """`failover validate`/`set` check the bucket through google-cloud-storage (requests),
    which bounds each read but not a call: an endpoint sending a byte every 200 ms held
    them until it stopped. Now each exchange ends within --timeout (failover.exchange),
    the first one cut off ends the checks, and `set` writes nothing."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{"
    sandbox.set_hooks([WEBHOOK])
    before = sandbox.hooks()
    with token_server() as token, RawPeer(drip(head, seconds=30)) as gcs:
        key = tmp_path / "key.json"
        key.write_text(json.dumps(service_account_key(token)))
        args = ["--bucket", "failover", "--credentials", str(key), "--gcs-endpoint", gcs.url]
        if command == "set":
            args = [WEBHOOK["id"], *args, "--yes"]
        started = time.monotonic()
        result = cli("--timeout", "0.4", "failover", command, *args)
        took = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == (
        f"error: GCS at {gcs.url} did not finish answering within 0.4s (it answers, but too slowly)"
    ), result.stderr
    assert took < 25, took  # the drip lasts 30 s: this is the budget, not the server
    assert sandbox.hooks() == before
