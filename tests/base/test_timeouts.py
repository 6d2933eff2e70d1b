"""Every network wait is bounded by the global --timeout and named when it runs out.

Each test points hookctl at a loopback server that accepts connections and
never answers (the worst case: no refusal to react to), with a small
``--timeout``, and checks the exit code and the one-line error: it names the
endpoint that did not answer and the budget. Nothing here measures time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from pathlib import Path

import pytest

from hookctl.base.retry import Budget, backoff, network_reason, retry_after
from tests.conftest import Cli
from tests.gcs import service_account_key, token_server
from tests.loopback import Loopback, hang


@contextmanager
def silent_server() -> Iterator[str]:
    """Accepts every connection and request and never answers (for far longer than any
    budget in these tests)."""
    with Loopback() as server:
        server.route("*", "/*", hang(600))
        yield server.base_url


def one_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr, stderr
    assert "RetryError" not in stderr, stderr
    return lines[0]


def write_key(tmp_path: Path, token_uri: str) -> Path:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(service_account_key(token_uri)))
    return path


def test_failover_list_against_a_silent_gcs_endpoint(cli: Cli) -> None:
    with silent_server() as gcs:
        result = cli(
            "--timeout",
            "1",
            "failover",
            "list",
            "--bucket",
            "stream-failover",
            "--since",
            "1h",
            "--gcs-endpoint",
            gcs,
        )
    assert result.exit_code == 1, result.output
    error = one_error(result.stderr)
    assert all(part in error for part in (gcs, "1s", "listing")), error


def test_failover_validate_against_a_silent_gcs_endpoint(cli: Cli, tmp_path: Path) -> None:
    with token_server() as token, silent_server() as gcs:
        key = write_key(tmp_path, token)
        for purpose in ("stream", "replay"):
            result = cli(
                "--timeout",
                "1",
                "failover",
                "validate",
                "--bucket",
                "stream-failover",
                "--credentials",
                str(key),
                "--gcs-endpoint",
                gcs,
                "--for",
                purpose,
            )
            assert result.exit_code == 1, result.output
            error = one_error(result.stderr)
            assert all(part in error for part in (gcs, "1s")), error


@pytest.mark.parametrize("command", ["validate", "list"])
def test_a_silent_token_endpoint_is_named_by_its_own_host(
    cli: Cli, tmp_path: Path, command: str
) -> None:
    with silent_server() as silent:
        key = write_key(tmp_path, f"{silent}/token")
        extra = ["--since", "1h"] if command == "list" else []
        result = cli(
            "--timeout",
            "1",
            "failover",
            command,
            "--bucket",
            "stream-failover",
            "--credentials",
            str(key),
            "--gcs-endpoint",
            "http://127.0.0.1:9",
            *extra,
        )
    assert result.exit_code == 1, result.output
    error = one_error(result.stderr)
    host = silent.removeprefix("http://")
    assert all(part in error for part in (host, "1s")), error
    assert "oauth2.googleapis.com" not in result.stderr
    assert host in result.stderr.split("hint:", 1)[1]


def test_a_silent_stream_api_is_named_with_the_timeout(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with silent_server() as stream:
        monkeypatch.setenv("STREAM_BASE_URL", stream)
        monkeypatch.setenv("STREAM_API_KEY", "silent-test-key-7f3a")
        monkeypatch.setenv("STREAM_API_SECRET", "silent-test-secret-9c1e")
        result = cli("--timeout", "1", "hooks", "list")
    assert result.exit_code == 1, result.output
    error = one_error(result.stderr)
    assert all(part in error for part in (stream, "1s")), error


# ---------------------------------------------------------------- retry.py, pure


def test_retry_after_reads_seconds_and_dates_and_is_capped() -> None:
    now = 1_000_000.0
    assert retry_after("7", cap=30, now=now) == 7
    assert retry_after("1.5, 9", cap=30, now=now) == 1.5
    assert retry_after(formatdate(now + 10, usegmt=True), cap=30, now=now) == pytest.approx(10)
    assert retry_after("3600", cap=10, now=now) == 10
    assert retry_after("-5", cap=10, now=now) == 0
    assert retry_after("Thu, 01 Jan 1970 00:00:00 GMT", cap=10, now=now) == 0  # in the past
    for junk in (None, "", "soon", "nan", "Mon, 99 Foo 2026"):
        assert retry_after(junk, cap=10, now=now) is None


def test_backoff_doubles_with_jitter_and_stays_under_the_cap() -> None:
    for attempt in range(1, 12):
        wait = backoff(attempt, first=0.5, cap=5)
        base = min(0.5 * 2 ** (attempt - 1), 5)
        assert base * 0.5 <= wait <= min(base * 1.5, 5)


def test_network_reasons_are_short_and_shared() -> None:
    assert network_reason(ConnectionRefusedError(111, "Connection refused")) == (
        "connection refused"
    )
    assert network_reason(TimeoutError()) == "timed out"
    assert network_reason(OSError("boom")) == "OSError: boom"


def test_a_budget_refuses_a_wait_that_would_outlast_it() -> None:
    budget = Budget(10.0)
    assert budget.allows_wait(1.0)
    assert not budget.allows_wait(60.0)
    assert Budget(0.0).expired()
