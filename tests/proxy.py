"""A proxy in front of the sandbox that misbehaves on purpose (a route on tests.loopback).

Hooks (all optional), run in the proxy's handler thread:
- ``before(method, n)``: called before request number ``n`` (1-based, per method) is
  forwarded, e.g. to let a "teammate" change the sandbox in that window;
- ``alter_get(body)``: rewrites the JSON body of a GET answer;
- ``patch_reply(n)``: ``"forward"`` (default), ``"forward-502"`` (forward, then answer
  502 as if the answer were lost), ``"502"`` (answer 502 without forwarding),
  ``"forward-drop"`` (forward, then close the connection without answering).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.loopback import DROP, Action, Loopback, Reply, Request


@dataclass
class Behaviour:
    before: Callable[[str, int], None] | None = None
    alter_get: Callable[[Any], Any] | None = None
    patch_reply: Callable[[int], str] | None = None
    counts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, method: str) -> int:
        with self.lock:
            self.counts[method] = self.counts.get(method, 0) + 1
            return self.counts[method]


@contextmanager
def proxy(upstream: str, behaviour: Behaviour) -> Iterator[str]:
    """The proxy: one handler route on the shared loopback server, forwarding with urllib."""

    def forward(request: Request) -> tuple[int, bytes]:
        headers = {
            k: v
            for k, v in request.headers.items()
            if k not in ("host", "content-length", "connection", "accept-encoding")
        }
        outgoing = urllib.request.Request(
            upstream + request.target,
            data=request.body if request.method != "GET" else None,
            method=request.method,
            headers=headers,
        )
        try:
            with urllib.request.urlopen(outgoing, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def handle(request: Request) -> Action:
        n = behaviour.count(request.method)
        if behaviour.before:
            behaviour.before(request.method, n)
        if request.method == "GET":
            status, body = forward(request)
            if behaviour.alter_get and status == 200:
                body = json.dumps(behaviour.alter_get(json.loads(body))).encode()
            return Reply(status, body)
        mode = behaviour.patch_reply(n) if behaviour.patch_reply else "forward"
        if mode == "502":
            return Reply(502, {"message": "bad gateway"})
        status, body = forward(request)
        if mode == "forward-502":
            return Reply(502, {"message": "bad gateway"})
        if mode == "forward-drop":
            return DROP
        return Reply(status, body)

    with Loopback() as server:
        server.route("*", "/*", handler=handle)
        yield server.base_url
