"""A webhook receiver that misbehaves on purpose, following a script of short strings.

A shorthand over ``tests.loopback`` for delivery tests: ``misbehaving(["503", "200"])``
answers any path, any method with 503 to the first request and 200 to the rest.
New tests may use ``tests.loopback.Loopback`` directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.loopback import DROP, Action, Loopback, Reply


def parse(action: str) -> Action:
    """``200``, ``500``, ``429 ra=2`` (Retry-After), ``302 loc=http://…`` (Location),
    ``drop`` (close without answering), ``sleep=1.5`` (wait, then 200)."""
    if action == "drop":
        return DROP
    if action.startswith("sleep="):
        return Reply(200, {"answer": "200"}, delay=float(action.split("=", 1)[1]))
    status, *options = action.split()
    headers = {}
    for option in options:
        name, _, value = option.partition("=")
        headers[{"ra": "Retry-After", "loc": "Location"}[name]] = value
    return Reply(int(status), {"answer": status}, headers)


class Script:
    """What the receiver saw: ``requests`` as dicts of ``headers`` (lower-case), ``body``, ``at``."""

    def __init__(self, server: Loopback) -> None:
        self._server = server

    @property
    def requests(self) -> list[dict[str, Any]]:
        return [
            {"headers": r.headers, "body": r.body, "at": r.at, "method": r.method, "path": r.path}
            for r in self._server.requests
        ]


@contextmanager
def misbehaving(actions: list[str]) -> Iterator[tuple[str, Script]]:
    """Yields the receiver's URL (``…/hook``) and its ``Script``; one action per request,
    the last repeats."""
    with Loopback() as server:
        server.route("*", "*", *(parse(a) for a in actions))
        yield server.url("/hook"), Script(server)
