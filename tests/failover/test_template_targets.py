"""Nothing from a bucket shapes a URL (issue 23, item 5).

Reproduces the second adversarial pass: a hook URL with ``{{.EventType}}`` in its
host (possible for hooks made outside hookctl) and an object named
``…-x@127.0.0.1:PORT#-HOOK.json`` made replay POST the writer's body, signed, to the
writer's port; with a path template, ``..`` was POSTed to ``/`` and ``a?b=1#`` became
a query string. Now an event type fills a template only when it is a plain name from
the catalog or the hook's own list, percent-encoded, and only outside the authority.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hookctl.base.errors import UsageError
from hookctl.base.validate import template_part, url_problem
from hookctl.events.samples import fill_template
from hookctl.failover.layout import envelope
from tests.conftest import Cli, SandboxApp
from tests.gcs import fake_gcs_server, write_object
from tests.loopback import Loopback

BUCKET = "failover"
PATH = "stream/failed-events"
DAY = datetime(2026, 6, 1, 9, tzinfo=UTC)
REPLAY = ["failover", "replay", "--bucket", BUCKET, "--path", PATH]
REPLAY += ["--since", "2026-06-01", "--until", "2026-06-01", "--json", "--no-journal"]


def plant(data: Path, minute: int, hook: str, url: str, event_type: str) -> str:
    """An object as a bucket writer would make it: name, event_type, payload.type and
    original_webhook_url all agree with what the hook's template would become."""
    when = DAY + timedelta(minutes=minute)
    name = f"{PATH}/{when:%Y/%m/%d}/{int(when.timestamp())}-{event_type}-{hook}.json"
    body = envelope(
        hook_id=hook,
        url=url,
        event_type=event_type,
        error="HTTP 500",
        failed_at=when,
        payload={"type": event_type, "planted": minute},
    )
    write_object(data, BUCKET, name, body)
    return name


def test_bucket_object_names_never_reach_another_host_or_path(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path
) -> None:
    with Loopback() as good, Loopback() as attacker:
        good.route("POST", "/*", 200)
        attacker.route("*", "/*", 200)
        port = attacker.base_url.rsplit(":", 1)[1]
        evil = f"x@127.0.0.1:{port}#"
        # A host template (made in the dashboard; hookctl refuses to write one).
        host_tpl = "http://{{.EventType}}.hooks.example.com/stream"
        path_tpl = f"{good.base_url}/by-type/{{{{.EventType}}}}"
        # Stored as Stream would hold them (the sandbox's own check would refuse the first).
        sandbox.server.state.apps[sandbox.api_key].event_hooks = [
            {"id": "hosty", "hook_type": "webhook", "webhook_url": host_tpl},
            {"id": "pathy", "hook_type": "webhook", "webhook_url": path_tpl},
        ]
        data = tmp_path / "data"
        planted = {
            plant(data, 0, "hosty", host_tpl.replace("{{.EventType}}", evil), evil),
            plant(data, 1, "pathy", f"{good.base_url}/by-type/..", ".."),
            plant(data, 2, "pathy", f"{good.base_url}/by-type/a?b=1#", "a?b=1#"),
            plant(data, 3, "pathy", f"{good.base_url}/by-type/x%2F..%2F", "x%2F..%2F"),
            plant(data, 4, "pathy", f"{good.base_url}/by-type/unknown.kind", "unknown.kind"),
        }
        ok = plant(data, 5, "pathy", f"{good.base_url}/by-type/message.new", "message.new")
        with fake_gcs_server(data) as gcs:
            result = cli(*REPLAY, "--gcs-endpoint", gcs)
        report = json.loads(result.stdout)
        assert result.exit_code == 1, result.stderr
        assert attacker.requests == []
        assert [r.target for r in good.requests] == ["/by-type/message.new"]
        assert report["counts"]["delivered"] == 1
        not_sent = {m["name"] for m in report["malformed"]} | {
            f["name"] for f in report["failures"]
        }
        assert not_sent == planted
        assert ok not in not_sent


def test_template_values_are_percent_encoded_for_their_part() -> None:
    url = "https://h.example/{{.AppID}}/e/{{ .EventType }}?t={{.EventType}}"
    assert fill_template(url, app_id="a/b?c#d@e", event_type="message.new") == (
        "https://h.example/a%2Fb%3Fc%23d%40e/e/message.new?t=message.new"
    )
    for bad in ("..", "x@127.0.0.1:1#", "a?b=1#", "", "A", "x/y", "é"):
        with pytest.raises(UsageError):
            fill_template(url, app_id="app", event_type=bad)
    assert fill_template("https://h.example/x", app_id="a", event_type="..") == (
        "https://h.example/x"
    )


@pytest.mark.parametrize(
    ("url", "part"),
    [
        ("{{.AppID}}://h.example/", "scheme"),
        ("https://{{.AppID}}:pw@h.example/", "userinfo"),
        ("https://u:{{.AppID}}@h.example/", "userinfo"),
        ("https://{{.EventType}}.h.example/", "host"),
        ("https://h.{{.EventType}}/x", "host"),
        ("https://h.example:{{.AppID}}/", "port"),
        ("https://[::1]:{{.AppID}}/", "port"),
        ("https://h.example/{{.EventType}}", "path"),
        ("https://h.example/x?e={{.EventType}}", "query"),
        ("https://h.example/x#{{.EventType}}", "fragment"),
        ("https://h.example/x", None),
    ],
)
def test_template_part_finds_the_part_a_template_fills(url: str, part: str | None) -> None:
    assert template_part(url) == part
    problem = url_problem(url, templates=True)
    if part in (None, "path"):
        assert problem is None
    else:
        assert problem is not None
        assert "templates may only fill the path" in problem


@pytest.mark.usefixtures("sandbox")
@pytest.mark.parametrize(
    "url",
    [
        "https://{{.EventType}}.hooks.example.com/stream",
        "https://hooks.example.com:{{.AppID}}/stream",
        "https://{{.AppID}}@hooks.example.com/stream",
        "https://hooks.example.com/stream?e={{.EventType}}",
    ],
)
def test_hooks_add_update_and_files_refuse_a_template_outside_the_path(
    cli: Cli, url: str, tmp_path: Path
) -> None:
    added = cli("hooks", "add", "webhook", "--url", url)
    assert added.exit_code == 2, added.output
    assert "templates may only fill the path" in added.stderr
    assert "Traceback" not in added.output
    hook = cli("hooks", "add", "webhook", "--url", "https://hooks.example.com/ok").stdout.strip()
    updated = cli("hooks", "update", hook, "--url", url, "--yes")
    assert updated.exit_code == 2, updated.output
    assert "templates may only fill the path" in updated.stderr
    hook_file = tmp_path / "hooks.toml"
    hook_file.write_text(f'[[hook]]\nhook_type = "webhook"\nwebhook_url = "{url}"\n')
    applied = cli("hooks", "apply", str(hook_file), "--check")
    assert applied.exit_code == 2, applied.output
    assert "templates may only fill the path" in applied.stderr
