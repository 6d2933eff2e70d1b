"""No redirect is ever followed where hookctl delivers (issue 14, item 2).

Each test points a delivery at a loopback server that answers 3xx with a
``Location`` naming a second loopback server that records every request. The
delivery must fail with ``redirected to <Location>: point the hook at the final
URL`` after one attempt, and the second server must see nothing: no body-less
GET (301/302/303), no re-POSTed body with ``X-Signature`` (307/308).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from hookctl.webhooks.delivery import Delivery, RetryPolicy, deliver_sync
from tests.conftest import Cli
from tests.misbehave import Script, misbehaving

FAST = RetryPolicy(attempt_timeout=1.0, deadline=3.0, backoff=0.01, backoff_max=0.02)


@contextmanager
def redirecting(status: int = 307) -> Iterator[tuple[str, Script, Script, str]]:
    """(redirecting URL, its script, the target's script, the target URL)."""
    with (
        misbehaving(["200"]) as (target, seen),
        misbehaving([f"{status} loc={target}/stolen"]) as (url, script),
    ):
        yield url, script, seen, f"{target}/stolen"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_the_engine_never_follows_a_redirect(status: int) -> None:
    with redirecting(status) as (url, script, seen, location):
        [result] = deliver_sync(
            "key", "secret", [Delivery(url, b'{"type":"message.new"}', "message.new")], policy=FAST
        )
    assert not result.ok
    assert result.status == status
    assert result.error == f"redirected to {location}: point the hook at the final URL"
    assert len(result.attempts) == 1 == len(script.requests)  # a redirect is not retried
    assert seen.requests == []


@pytest.mark.usefixtures("sandbox")
def test_ping_and_trigger_report_a_redirect_as_a_failure(cli: Cli) -> None:
    with redirecting(302) as (url, _, seen, location):
        ping = cli("ping", url, "--json")
        trigger = cli("trigger", "message.new", "--to", url, "--count", "3", "--json")
    assert ping.exit_code == 1
    assert json.loads(ping.stdout)["error"] == (
        f"redirected to {location}: point the hook at the final URL"
    )
    assert trigger.exit_code == 1
    summary = json.loads(trigger.stdout)
    assert summary["delivered"] == 0
    assert summary["failed"] == 3
    assert seen.requests == []


@pytest.mark.usefixtures("sandbox")
def test_hooks_test_reports_a_redirect_as_a_failure(cli: Cli) -> None:
    with redirecting(307) as (url, _, seen, location):
        hook_id = cli("hooks", "add", "webhook", "--url", url).stdout.strip()
        result = cli("hooks", "test", hook_id, "--json")
    assert result.exit_code == 1
    assert location in json.loads(result.stdout)["error"]
    assert seen.requests == []


@pytest.mark.usefixtures("sandbox")
def test_sandbox_delivery_treats_a_redirect_as_a_failed_attempt(cli: Cli) -> None:
    with redirecting(301) as (url, script, seen, location):
        cli("hooks", "add", "webhook", "--url", url)
        result = cli("sandbox", "emit", "message.new", "--json")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)["outcomes"]
    assert row["outcome"] == "lost"  # no failover on this hook: Stream would drop it too
    assert row["error"] == f"redirected to {location}: point the hook at the final URL"
    assert len(script.requests) == 1
    assert seen.requests == []
