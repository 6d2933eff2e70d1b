"""Validation at the edge: one URL check everywhere a URL enters, typed hook-file fields,
and output that never crashes on a stored value it cannot encode."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hookctl.base.validate import url_problem
from hookctl.cli.output import Console
from tests.conftest import Cli, SandboxApp

BAD_URLS = [
    "https://example.com/a\nb",
    "https://example.com/a\tb",
    "https://example.com/\x07",
    "https://example.com:99999/x",
    "https://example.com:abc/x",
    "https://example.com:0/x",
    " https://example.com/x",
    "https://example.com/x ",
    "https://exa mple.com/x",
    "https://example.com/\udcff",
    "https://example.com/\u202e",
    "https://example.com/" + "a" * 3000,
    "ftp://example.com/x",
    "https:///nohost",
    "not a url",
    "",
    "https://[::1/x",
    "https://ex@mple!.com/x",
]
GOOD_URLS = [
    "https://example.com/stream",
    "http://127.0.0.1:8787/hook",
    "http://[::1]:8080/",
    "https://bücher.example/x?a=1&b=2#f",
    "https://my.host/{{.AppID}}/{{.EventType}}",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_urls_are_refused(url: str) -> None:
    assert url_problem(url, templates=True) is not None


@pytest.mark.parametrize("url", GOOD_URLS)
def test_good_urls_pass(url: str) -> None:
    assert url_problem(url, templates=True) is None


def test_templates_only_where_allowed() -> None:
    assert url_problem("https://h/{{.AppID}}", templates=False) is not None
    assert url_problem("https://h/{{.AppID", templates=True) is not None


@pytest.mark.parametrize("url", BAD_URLS[:12])
def test_hooks_add_and_update_refuse_bad_urls(cli: Cli, sandbox: SandboxApp, url: str) -> None:
    result = cli("hooks", "add", "webhook", "--url", url)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    assert sandbox.hooks() == []
    sandbox.set_hooks(
        [{"id": "h1", "hook_type": "webhook", "webhook_url": "https://ok.io", "enabled": True}]
    )
    result = cli("hooks", "update", "h1", "--url", url)
    assert result.exit_code == 2, result.output
    assert sandbox.hooks()[0]["webhook_url"] == "https://ok.io"


@pytest.mark.parametrize(
    "args",
    [
        ["ping", "https://example.com:99999/x"],
        ["trigger", "message.new", "--to", "https://example.com/\n"],
        ["listen", "--port", "0", "--count", "1", "--forward-to", "http://h:abc/"],
        ["failover", "replay", "--since", "1h", "--to", "http://a b/", "--hook", "x"],
        ["config", "add", "p1", "--api-key", "k", "--base-url", "not a url", "--secret-env", "S"],
        ["config", "add", "p1", "--api-key", "", "--secret-env", "S"],
        ["config", "add", "p1", "--api-key", "  ", "--secret-env", "S"],
    ],
)
def test_every_url_entry_point_validates(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("STREAM_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("STREAM_API_KEY", "k")
    monkeypatch.setenv("STREAM_API_SECRET", "s")
    monkeypatch.setenv("S", "secret-value")
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: "), result.stderr
    assert not Path(os.environ["HOOKCTL_CONFIG"]).exists()


@pytest.mark.usefixtures("sandbox")
def test_a_bad_base_url_setting_is_a_usage_error(cli: Cli) -> None:
    os.environ["STREAM_BASE_URL"] = "http://127.0.0.1:99999"
    result = cli("hooks", "list")
    assert result.exit_code == 2, result.output
    assert "base URL" in result.stderr
    assert "env STREAM_BASE_URL" in result.stderr


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('enabled = "yes"', "enabled"),
        ('event_types = "message.new"', "event_types"),
        ('webhook_url = "https://example.com/a\\nb"', "webhook_url"),
    ],
)
def test_hook_file_fields_must_have_their_types(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path, line: str, field: str
) -> None:
    body = 'hook_type = "webhook"\n'
    if not line.startswith("webhook_url"):
        body += 'webhook_url = "https://example.com/x"\n'
    path = tmp_path / "hooks.toml"
    path.write_text(f"[[hook]]\n{body}{line}\n")
    result = cli("hooks", "apply", str(path), "--yes")
    assert result.exit_code == 2, result.output
    assert field in result.stderr
    assert sandbox.hooks() == []


def test_console_escapes_what_the_stream_cannot_encode() -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", errors="strict")
    console = Console(out, out)
    console.line("https://example.com/\udcff")
    console.json({"url": "https://example.com/\udcff"})
    console.table(["url"], [["https://example.com/\udcff"]])
    console.say("stored https://example.com/\udcff")
    out.flush()
    text = raw.getvalue().decode("utf-8")
    assert text.count("\\udcff") == 4
    assert json.loads(text.split("\n", 1)[1].split("\nURL")[0])["url"].endswith("\udcff")


def test_stored_non_utf8_url_does_not_crash_output(sandbox: SandboxApp) -> None:
    # Stored as Stream would hand it back (the sandbox itself now refuses such a URL).
    state = sandbox.server.state
    with state.lock:
        state.apps[sandbox.api_key].event_hooks = [
            {
                "id": "h1",
                "hook_type": "webhook",
                "webhook_url": "https://example.com/\udcff",
                "enabled": True,
            }
        ]
    env = {**os.environ, **sandbox.env(), "PYTHONIOENCODING": "utf-8:strict"}
    for args in (
        ["hooks", "list"],
        ["hooks", "show", "h1"],
        ["hooks", "list", "--json"],
        ["hooks", "export"],
        ["events", "route", "message.new"],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "hookctl", *args],
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 0, (args, proc.stderr)
        assert b"\\udcff" in proc.stdout, (args, proc.stdout)
        assert b"Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["hooks", "add", "webhook", "--url"],
        ["failover", "list", "--bucket", "b", "--gcs-endpoint"],
        ["trigger", "message.new", "--to"],
    ],
    ids=["hooks-add", "gcs-endpoint", "trigger-to"],
)
def test_a_bad_port_after_a_password_names_the_port_not_the_password(
    cli: Cli, sandbox: SandboxApp, args: list[str]
) -> None:
    """`https://u:p@h:99999/x` was refused as "a character in its user:password that must
    be percent-encoded" (a wrong fix to suggest): the port is what is wrong."""
    result = cli(*args, "https://u:s3cr3tpw@h:99999/x")
    assert result.exit_code == 2, result.output
    assert "has an invalid port '99999' (1-65535)" in result.stderr, result.stderr
    assert "user:password" not in result.stderr
    assert "s3cr3tpw" not in result.output
    assert sandbox.hooks() == []
