"""The scriptable loopback server that the fault tests are built on does what it says."""

from __future__ import annotations

import http.client
import json
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.loopback import DROP, Loopback, Reply, Request, hang, redirect
from tests.misbehave import misbehaving


def call(
    url: str, method: str = "POST", body: bytes = b"{}", timeout: float = 5
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, body=body if method != "GET" else None)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_a_script_answers_in_order_and_the_last_action_repeats() -> None:
    with Loopback() as server:
        url = server.route("POST", "/hook", 500, Reply(429, headers={"Retry-After": "2"}), 200)
        answers = [call(url)[:2] for _ in range(4)]
    assert [status for status, _ in answers] == [500, 429, 200, 200]
    assert answers[1][1]["retry-after"] == "2"
    assert [r.path for r in server.requests] == ["/hook"] * 4


def test_requests_are_recorded_with_lowercase_headers_body_and_query() -> None:
    with Loopback() as server:
        url = server.route("*", "/x*", Reply(201, {"ok": True}))
        status, headers, body = call(url + "/deeper?a=1&a=2&b=", body=b'{"n": 1}')
    assert (status, json.loads(body)) == (201, {"ok": True})
    assert headers["content-type"] == "application/json"
    [request] = server.requests
    assert (request.method, request.path, request.target) == (
        "POST",
        "/x/deeper",
        "/x/deeper?a=1&a=2&b=",
    )
    assert request.query == {"a": ["1", "2"]}
    assert request.json() == {"n": 1}
    assert request.headers["content-length"] == "8"
    assert server.requests_to("/x/deeper") == [request]
    assert server.requests_to("/x") == []


def test_unrouted_requests_get_404_and_are_recorded() -> None:
    with Loopback() as server:
        server.route("GET", "/only-get", 200)
        assert call(server.url("/only-get"), method="POST")[0] == 404
        assert call(server.url("/elsewhere"), method="GET")[0] == 404
        assert call(server.url("/only-get"), method="GET")[0] == 200
    assert len(server.requests) == 3


def test_drop_and_hang_close_without_an_answer() -> None:
    with Loopback() as server:
        dropped = server.route("POST", "/drop", DROP)
        hung = server.route("POST", "/hang", hang(0.3))
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            call(dropped)
        started = time.monotonic()
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            call(hung)
        assert time.monotonic() - started >= 0.3
        with pytest.raises(TimeoutError):
            call(hung, timeout=0.1)  # a client with a shorter timeout gives up first


def test_delay_and_redirect() -> None:
    with Loopback() as server:
        slow = server.route("GET", "/slow", Reply(200, b"late", delay=0.3))
        moved = server.route("POST", "/moved", redirect("http://127.0.0.1:9/elsewhere", 307))
        started = time.monotonic()
        assert call(slow, method="GET")[::2] == (200, b"late")
        assert time.monotonic() - started >= 0.3
        status, headers, _ = call(moved)
    assert (status, headers["location"]) == (307, "http://127.0.0.1:9/elsewhere")


def test_a_handler_decides_per_request_and_routes_match_in_order() -> None:
    def echo(request: Request) -> Reply:
        return Reply(200, {"got": request.json(), "path": request.path})

    with Loopback() as server:
        server.route("POST", "/api/special", 418)
        server.route("*", "/api/*", handler=echo)
        assert call(server.url("/api/special"))[0] == 418
        status, _, body = call(server.url("/api/any"), body=b"[1]")
    assert (status, json.loads(body)) == (200, {"got": [1], "path": "/api/any"})
    with pytest.raises(ValueError, match="not both"):
        server.route("GET", "/", 200, handler=echo)


def test_the_misbehaving_shorthand() -> None:
    with misbehaving(["429 ra=1", "302 loc=http://127.0.0.1:9/x", "drop", "200"]) as (url, script):
        assert call(url)[1]["retry-after"] == "1"
        assert call(url + "/templated")[1]["location"] == "http://127.0.0.1:9/x"
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            call(url)
        assert call(url, method="GET")[0] == 200
    assert [r["path"] for r in script.requests] == ["/hook", "/hook/templated", "/hook", "/hook"]
    assert script.requests[0]["body"] == b"{}"


def test_tests_use_the_one_loopback_server() -> None:
    """Fake endpoints are routes on ``Loopback``, not hand-written handler classes."""
    here = Path(__file__).resolve().parent
    subclass = re.compile(r"class \w+\((http\.server\.)?" + "Base" + r"HTTPRequestHandler\)")
    own = [
        path.name
        for path in sorted(here.rglob("*.py"))
        if path.name != "loopback.py" and subclass.search(path.read_text())
    ]
    assert own == [], (
        f"{own} define their own HTTP handler: register a route on tests.loopback.Loopback "
        "instead (a script of replies, or handler=callable for per-request logic; see its "
        "docstring)"
    )
