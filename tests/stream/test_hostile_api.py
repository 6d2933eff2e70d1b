"""A Stream API stand-in that misbehaves below HTTP's per-read timeouts.

Found by the network half of issue 23's adversarial pass: httpx bounds each socket
read, not the exchange, so a server that sent one byte of its answer every 200 ms, or
an endless chunked body, kept ``hooks list --timeout 1`` waiting until the server
stopped (forever, for a hostile one); a 300 MB answer, or a gzip bomb, was read
whole into memory. Each peer here stops after 8 s, so without the deadline the
command ends with another error (the connection closed) and the test fails on the
message: it names the 1 s budget only when the budget ended it.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli
from tests.rawpeer import RawPeer, answer, drip, endless_chunks, gzip_bomb

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"


@pytest.mark.parametrize(
    "behaviour",
    [
        drip(HEAD, b"X-Slow: a\r\n"),  # the head never ends
        drip(HEAD + b"Content-Length: 100000\r\n\r\n{"),  # the body never ends
        drip(HEAD + b"Transfer-Encoding: chunked\r\n\r\n", b"1\r\n \r\n"),
        endless_chunks,
    ],
    ids=["drip-head", "drip-body", "drip-chunks", "endless-chunks"],
)
def test_a_dripping_api_is_cut_off_at_the_timeout(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, behaviour: object
) -> None:
    with RawPeer(behaviour) as peer:  # type: ignore[arg-type]
        monkeypatch.setenv("STREAM_BASE_URL", peer.url)
        monkeypatch.setenv("STREAM_API_KEY", "k")
        monkeypatch.setenv("STREAM_API_SECRET", "s" * 32)
        result = cli("--timeout", "1", "hooks", "list")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"Stream at {peer.url} did not answer within 1s" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("status", "body", "headers"),
    [
        ("200 OK", b"", {"Content-Length": str(300 * 1024 * 1024)}),
        ("200 OK", gzip_bomb(40), {"Content-Encoding": "gzip"}),
        ("500 Boom", gzip_bomb(40), {"Content-Encoding": "gzip"}),
    ],
    ids=["300mb-declared", "gzip-bomb", "gzip-bomb-500"],
)
def test_an_answer_over_the_limit_is_not_read(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, status: str, body: bytes, headers: dict[str, str]
) -> None:
    with RawPeer(answer(status, body, headers)) as peer:
        monkeypatch.setenv("STREAM_BASE_URL", peer.url)
        monkeypatch.setenv("STREAM_API_KEY", "k")
        monkeypatch.setenv("STREAM_API_SECRET", "s" * 32)
        result = cli("--timeout", "5", "hooks", "list", "--json")
    assert result.exit_code == 1, result.output
    assert "more than 16777216 bytes" in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_an_answer_nested_too_deeply_is_not_json(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    nested = b"[" * 100_000 + b"]" * 100_000
    with RawPeer(answer("200 OK", nested)) as peer:
        monkeypatch.setenv("STREAM_BASE_URL", peer.url)
        monkeypatch.setenv("STREAM_API_KEY", "k")
        monkeypatch.setenv("STREAM_API_SECRET", "s" * 32)
        result = cli("hooks", "list", "--json")
    assert result.exit_code == 1, result.output
    assert (
        "not JSON" in json.loads(result.stderr)["error"]
        if result.stderr.startswith("{")
        else ("not JSON" in result.stderr)
    ), result.stderr


def test_the_shared_lock_store_keeps_its_timeout_and_reads_a_generation() -> None:
    """The lease object (HOOKCTL_LOCK_URL) talks to GCS through the same bounded exchange:
    a dripping server ends in a timeout (not the peer's close, 8 s later), and metadata
    without a generation is one error (it was a KeyError: 'unexpected failure')."""
    from hookctl.base.errors import HookctlError
    from hookctl.hooks.lockstore import LeaseObject

    with RawPeer(drip(HEAD + b"Content-Length: 100000\r\n\r\n{")) as peer:
        lease = LeaseObject("locks", "app.lock", endpoint=peer.url, timeout=1)
        with pytest.raises(HookctlError, match="ReadTimeout"):
            lease.read()
    for body in (b"{}", b"[]", b'{"generation": "1; DROP"}', b"not json"):
        with RawPeer(answer("200 OK", body)) as peer:
            lease = LeaseObject("locks", "app.lock", endpoint=peer.url, timeout=1)
            with pytest.raises(HookctlError, match="without an object generation"):
                lease.read()


def test_an_answer_that_does_not_decode_is_one_error(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Content-Encoding: gzip`` on a body that is not gzip was an 'unexpected failure'
    (httpx's DecodingError is not a transport error)."""
    with RawPeer(answer("200 OK", b"not gzip", {"Content-Encoding": "gzip"})) as peer:
        monkeypatch.setenv("STREAM_BASE_URL", peer.url)
        monkeypatch.setenv("STREAM_API_KEY", "k")
        monkeypatch.setenv("STREAM_API_SECRET", "s" * 32)
        result = cli("hooks", "list")
    assert result.exit_code == 1, result.output
    assert "a body that does not decode" in result.stderr, result.stderr
    assert "unexpected failure" not in result.stderr
