"""Masking that cannot be slowed down: every pattern hookctl runs over text it did not
write stays linear, whatever the text (issue 23 item 1).

The quadratic ``redact()`` of 0.3 spun for minutes on 40 KB of ``a`` in a bucket
object's ``error_message``, a 60 KB error answer from the API and a 70,000-character
setting. Each check below bounds a catastrophe (CPU seconds for 200 KB, where the linear
code needs a few hundredths), not a speed: speeds are measured in benchmarks/.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hookctl.base import plaintext, redact, validate
from hookctl.config import settings
from hookctl.failover import gcs, keys, layout
from hookctl.hooks import files
from hookctl.stream import models
from hookctl.webhooks import receiver
from tests.conftest import Cli
from tests.loopback import Loopback, Reply

SIZE = 200 * 1024
BOUND = 1.0  # CPU seconds; the quadratic code took minutes at this size


def adversarial() -> dict[str, str]:
    """≥ 200 KB texts built to make a backtracking pattern retry from every position."""

    def fill(unit: str) -> str:
        return unit * (SIZE // len(unit) + 1)

    return {
        "one letter": fill("a"),
        "one digit": fill("7"),
        "spaces": fill(" "),
        "colons": fill(":"),
        "at signs": fill("@"),
        "slashes": fill("/"),
        "dashes": fill("-"),
        "backslashes": fill("\\"),
        "quotes": fill('"'),
        "almost URLs": fill("a://"),
        "scheme runs": fill("https+a.b-c") + "://",
        "userinfo": fill("a:b@"),
        "URL with a long userinfo": "https://" + fill("u:p@") + "/x",
        "names without values": fill("secret"),
        "name runs": fill("a_secret_password"),
        "names and open quotes": fill('secret="'),
        "names, open quotes, spaces": fill('password=" '),
        "escaped quotes": 'secret="' + fill('\\"'),
        "PEM headers": fill("-----BEGIN A"),
        "PEM without an end": "-----BEGIN KEY-----" + fill("-----END A"),
        "escaped PEM": "-----BEGIN X-----" + fill("\\\\n") + '"',
        "templates": fill("{{ ."),
        "percent": fill("%z"),
        "date-like names": fill("0000/00/00/1-"),
        "json.json": fill("/2026/04/01/1-a.jso"),
        "controls": fill("\x1b\x7f\u202e"),
    }


@contextmanager
def cpu_bound(what: str) -> Iterator[None]:
    """Fail when the block takes more than ``BOUND`` seconds of this process's CPU (CPU,
    not wall time: other work on the machine cannot make it fail)."""
    start = time.process_time()
    yield
    spent = time.process_time() - start
    assert spent < BOUND, f"{what}: {spent:.1f} s of CPU"


def _patterns() -> dict[str, Callable[[str], object]]:
    """Every function and pattern that runs over text from outside hookctl."""
    found: dict[str, Callable[[str], object]] = {
        "redact": redact.redact,
        "mask_url_password": redact.mask_url_password,
        "split_url_password": redact.split_url_password,
        "url_password": redact.url_password,
        "fill_url_password": lambda t: redact.fill_url_password(t, "pw"),
        "is_secret_name": redact.is_secret_name,
        "escape_controls": validate.escape_controls,
        "json_safe": plaintext.json_safe,
    }
    modules = (redact, validate, plaintext, layout, gcs, keys, models, files, settings, receiver)
    for module in modules:
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                label = f"{module.__name__}.{name}"
                found[label + ".search"] = value.search
                found[label + ".sub"] = lambda t, p=value: p.sub("", t)
                found[label + ".fullmatch"] = value.fullmatch
    return found


@pytest.mark.parametrize("name", sorted(_patterns()))
def test_every_pattern_over_untrusted_text_is_linear(name: str) -> None:
    check = _patterns()[name]
    for kind, text in adversarial().items():
        with cpu_bound(f"{name} over {len(text)} characters of {kind}"):
            check(text)


def test_redact_still_masks_what_it_masked() -> None:
    redact.remember("a-remembered-secret")
    text = (
        'see https://user:pa:ss@host/x and sqs_secret="q\\"w" and "private_key": "k" '
        "and password=None and s3_secret='env:X' and a-remembered-secret"
    )
    assert redact.redact(text) == (
        'see https://user:********@host/x and sqs_secret="********" and "private_key": '
        "\"********\" and password=None and s3_secret='env:X' and ********"
    )
    assert redact.redact("-----BEGIN A KEY-----\nabc\n-----END A KEY----- rest") == "******** rest"
    assert redact.mask_url_password("https://u:p@w@h:1/p@q") == "https://u:********@h:1/p@q"


def test_shown_text_is_capped_with_what_was_left() -> None:
    text = "x" * 10_000
    shown = redact.bounded(text)
    assert shown.startswith("x" * 4096)
    assert shown.endswith("… (5904 bytes more)")
    assert redact.bounded("short") == "short"


# ------------------------------------------------------------------ the findings, end to end


def test_a_long_error_from_the_api_ends_in_one_short_error(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server at the API URL answering 400 with a 60 KB message: `hooks list` hung."""
    message = "a" * 60_000
    with Loopback() as server:
        server.route("*", "*", Reply(400, {"code": 4, "message": message, "StatusCode": 400}))
        with cpu_bound("hooks list against a 60 KB error"):
            monkeypatch.setenv("STREAM_BASE_URL", server.url(""))
            monkeypatch.setenv("STREAM_API_KEY", "k")
            monkeypatch.setenv("STREAM_API_SECRET", "s")
            result = cli("hooks", "list")
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert "bytes more)" in result.stderr
    assert len(result.stderr) < 10_000


@pytest.mark.parametrize(
    ("variable", "args"),
    [
        ("HOOKCTL_LOCK_URL", ("hooks", "list")),
        (None, ("failover", "list", "--bucket", "failover", "--gcs-endpoint")),
    ],
)
def test_a_long_setting_ends_in_one_short_error(
    variable: str | None, args: tuple[str, ...], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 70,000-character HOOKCTL_LOCK_URL or --gcs-endpoint took more than a minute."""
    value = "gs://" + "a:" * 35_000 if variable else "http://" + "a@" * 35_000
    monkeypatch.setenv("STREAM_API_KEY", "k")
    monkeypatch.setenv("STREAM_API_SECRET", "s")
    monkeypatch.setenv("STREAM_BASE_URL", "http://127.0.0.1:9")
    if variable:
        monkeypatch.setenv(variable, value)
    with cpu_bound(f"{args[:2]} with a 70,000-character value"):
        result = cli(*args, *(() if variable else (value,)))
    assert result.exit_code in (1, 2), result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr) < 10_000


def test_long_error_messages_in_the_bucket_do_not_stop_a_listing(cli: Cli, tmp_path: Path) -> None:
    """Two envelopes whose error_message is 40 KB of `a` stopped `failover list
    --summary --errors` (killed after 120 s)."""
    from tests.gcs import fake_gcs_server, write_object

    when = datetime(2026, 4, 2, 10, tzinfo=UTC)
    for n, hook in enumerate(("h1", "h2")):
        env = layout.envelope(
            hook_id=hook, url="https://example.invalid/x", event_type="message.new",
            error="a" * 40_000 + str(n), failed_at=when, payload={"type": "message.new"},
        )  # fmt: skip
        write_object(tmp_path, "failover", layout.object_name("p", when, "message.new", hook), env)
    with (
        fake_gcs_server(tmp_path) as url,
        cpu_bound("failover list --summary --errors over 40 KB messages"),
    ):
        result = cli(
            "failover", "list", "--bucket", "failover", "--path", "p", "--gcs-endpoint", url,
            "--since", "2026-04-02", "--until", "2026-04-03", "--summary", "--errors", "--json",
        )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)
    assert listed["count"] == 2
    assert sum(e["count"] for e in listed["top_errors"]) == 2
