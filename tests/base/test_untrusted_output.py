"""Text from the network (response bodies, headers, receivers' error texts, bucket names)
reaches the terminal only with its control characters escaped: the Console does it."""

from __future__ import annotations

import io
import json

import pytest

from hookctl.cli.output import Console
from tests.conftest import Cli
from tests.loopback import Loopback, Reply

HOSTILE = "\x1b[2J\x1b]0;pwned\x07\rfake ok\x9b31m\u202eevil"


def test_ping_escapes_the_receivers_response_body(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STREAM_API_KEY", "k")
    monkeypatch.setenv("STREAM_API_SECRET", "s")
    with Loopback() as server:
        url = server.route("POST", "/err", Reply(500, body=HOSTILE.encode()))
        result = cli("ping", url, "--max-attempts", "1")
    assert result.exit_code == 1
    assert "response:" in result.stderr
    for raw in ("\x1b", "\x07", "\r", "\x9b", "\u202e"):
        assert raw not in result.stderr
    assert "\\x1b[2J" in result.stderr


def test_console_escapes_messages_always_and_data_on_a_terminal() -> None:
    out, err = io.StringIO(), io.StringIO()
    console = Console(out, err, out_tty=True, color=True)
    console.say(f"id={HOSTILE}")
    console.warn(HOSTILE)
    console.error(HOSTILE, hint=HOSTILE)
    console.line(HOSTILE)
    console.table(["id"], [[HOSTILE]])
    console.fields([("id", HOSTILE)])
    console.jsonl({"id": HOSTILE})
    # the Console's own colours survive; nothing from the text acts on the terminal
    assert "\x1b[33mwarning: \x1b[0m" in err.getvalue()
    for stream in (out.getvalue(), err.getvalue().replace("\x1b[33m", "").replace("\x1b[31m", "")):
        text = stream.replace("\x1b[0m", "").replace("\x1b[2m", "")
        for raw in ("\x1b", "\x07", "\r", "\x9b", "\u202e"):
            assert raw not in text.replace("\x1b[1m", "")
    assert json.loads(out.getvalue().splitlines()[-1]) == {"id": HOSTILE}  # same data
    piped = io.StringIO()
    Console(piped, io.StringIO(), out_tty=False).line(HOSTILE)
    assert piped.getvalue() == HOSTILE + "\n"  # piped data stays exact
