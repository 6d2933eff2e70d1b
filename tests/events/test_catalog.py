"""Event-type catalog, validated filters and routing, against the sandbox."""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli, SandboxApp

ROOT = Path(__file__).resolve().parents[2]
CATALOG = json.loads((ROOT / "hookctl" / "data" / "events.json").read_text())
CATALOG_NAMES = [e["name"] for e in CATALOG["events"]]
STREAM_API_MD = ROOT.parent / "shared" / "stream-api.md"


def add_webhook(cli: Cli, *args: str) -> str:
    result = cli("hooks", "add", "webhook", "--url", "https://example.com/h", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.skipif(
    not STREAM_API_MD.exists(), reason="shared/stream-api.md is not beside the repo"
)
def test_every_name_in_stream_api_md_is_in_the_catalog() -> None:
    section = STREAM_API_MD.read_text().split("## Event type names on the wire", 1)[1]
    section = section.split("\n## ", 1)[0]
    documented = set(re.findall(r"`([a-z_]+(?:\.[a-z_]+)+|custom)`", section))
    assert len(documented) >= 171
    assert documented - set(CATALOG_NAMES) == set()


def test_catalog_records_source_date_and_unmapped_poll_events() -> None:
    assert CATALOG["source"]
    assert re.match(r"\d{4}-\d{2}-\d{2}", CATALOG["date"])
    assert CATALOG["count"] == len(CATALOG["events"]) == 171
    assert "PollVoteCastedFeedEvent" in {u["alias"] for u in CATALOG["unmapped_aliases"]}


def test_typo_is_rejected_with_a_suggestion_and_nothing_written(
    cli: Cli, sandbox: SandboxApp
) -> None:
    result = cli("hooks", "add", "webhook", "--url", "https://e.io", "--events", "message.created")
    assert result.exit_code == 2
    assert "unknown event type 'message.created'" in result.stderr
    assert "did you mean message.new or " in result.stderr
    assert sandbox.hooks() == []
    hook_id = add_webhook(cli, "--events", "message.new")
    before = sandbox.hooks()
    for args in (
        ["hooks", "update", hook_id, "--events", "mesage.new"],
        ["hooks", "events", "add", hook_id, "reaction.nwe"],
        ["hooks", "events", "set", hook_id, "chanel.created"],
    ):
        bad = cli(*args)
        assert bad.exit_code == 2, bad.stderr
        assert "did you mean" in bad.stderr, bad.stderr
    assert sandbox.hooks() == before


def test_pattern_expands_to_exactly_the_catalog_matches(cli: Cli, sandbox: SandboxApp) -> None:
    for pattern in ("message.*", "feeds.activity.*", "call.recording_*"):
        expected = [n for n in CATALOG_NAMES if fnmatch.fnmatchcase(n, pattern)]
        result = cli("hooks", "add", "webhook", "--url", "https://e.io", "--events", pattern)
        assert result.exit_code == 0, result.stderr
        assert f"{pattern} expanded to {len(expected)} event types" in result.stderr
        assert "will not match" in result.stderr
        assert "--all-events" in result.stderr
        assert sandbox.hooks()[-1]["event_types"] == expected
    nothing = cli("hooks", "add", "webhook", "--url", "https://e.io", "--events", "nope.*")
    assert nothing.exit_code == 2
    assert "matches no event type" in nothing.stderr


def test_allow_unknown_writes_the_name_with_a_warning(cli: Cli, sandbox: SandboxApp) -> None:
    result = cli(
        "hooks",
        "add",
        "webhook",
        "--url",
        "https://e.io",
        "--events",
        "message.new,message.teleported",
        "--allow-unknown",
    )
    assert result.exit_code == 0
    assert "warning: message.teleported is not in hookctl's event catalog" in result.stderr
    assert sandbox.hooks()[0]["event_types"] == ["message.new", "message.teleported"]


def test_feeds_model_names_are_stored_as_wire_names(cli: Cli, sandbox: SandboxApp) -> None:
    add_webhook(
        cli,
        "--events",
        "ActivityAddedEvent,FollowCreatedEvent,feeds.activity.added",
        "--product",
        "feeds",
    )
    assert sandbox.hooks()[0]["event_types"] == ["feeds.activity.added", "feeds.follow.created"]
    assert sandbox.hooks()[0]["product"] == "feeds"
    poll = cli(
        "hooks", "add", "webhook", "--url", "https://e.io", "--events", "PollVoteCastedFeedEvent"
    )
    assert poll.exit_code == 2
    assert "has no wire name" in poll.stderr


def test_hooks_events_add_remove_set(cli: Cli, sandbox: SandboxApp) -> None:
    hook_id = add_webhook(cli, "--events", "message.new")
    assert (
        cli(
            "hooks", "events", "add", hook_id, "reaction.new", "reaction.deleted", "message.new"
        ).exit_code
        == 0
    )
    assert sandbox.hooks()[0]["event_types"] == ["message.new", "reaction.new", "reaction.deleted"]
    assert cli("hooks", "events", "remove", hook_id, "reaction.*", "--yes").exit_code == 0
    assert sandbox.hooks()[0]["event_types"] == ["message.new"]
    last = cli("hooks", "events", "remove", hook_id, "message.new")
    assert last.exit_code == 2
    assert "receive ALL events" in last.stderr
    absent = cli("hooks", "events", "remove", hook_id, "channel.created")
    assert absent.exit_code == 2
    assert "not in hook" in absent.stderr
    assert cli("hooks", "events", "set", hook_id, "--all").exit_code == 0
    assert sandbox.hooks()[0]["event_types"] == []
    narrowing = cli("hooks", "events", "add", hook_id, "message.new")
    assert narrowing.exit_code == 2
    assert "would narrow it" in narrowing.stderr
    asked = cli("hooks", "events", "set", hook_id, "channel.*")  # all -> some: asks
    assert asked.exit_code == 2
    assert "--yes" in asked.stderr
    assert cli("hooks", "events", "set", hook_id, "channel.*", "--yes").exit_code == 0
    assert all(t.startswith("channel.") for t in sandbox.hooks()[0]["event_types"])
    shown = cli("hooks", "show", hook_id).stdout
    assert re.search(r"events\t\d+ types: channel\.created, ", shown)
    assert cli("hooks", "events", "set", hook_id).exit_code == 2


@pytest.mark.usefixtures("sandbox")
def test_route_agrees_with_filters(cli: Cli) -> None:
    everything = add_webhook(cli)
    listed = add_webhook(cli, "--events", "message.new,reaction.new")
    other = add_webhook(cli, "--events", "channel.created")
    disabled = add_webhook(cli, "--disabled")
    video_only = add_webhook(cli, "--product", "video")
    result = cli("events", "route", "message.new", "--json")
    assert result.exit_code == 0
    routes = {r["id"]: r for r in json.loads(result.stdout)["hooks"]}
    assert routes[everything]["receives"]
    assert routes[everything]["reason"].startswith("all events")
    assert routes[listed]["receives"]
    assert routes[listed]["reason"] == "listed"
    assert not routes[other]["receives"]
    assert not routes[disabled]["receives"]
    assert routes[disabled]["reason"] == "disabled"
    assert not routes[video_only]["receives"]
    call = {
        r["id"]: r["receives"]
        for r in json.loads(cli("events", "route", "call.created", "--json").stdout)["hooks"]
    }
    assert call == {
        everything: True,
        listed: False,
        other: False,
        disabled: False,
        video_only: True,
    }
    table = cli("events", "route", "message.new")
    assert "message.new: received by 2 of 5 hooks" in table.stderr
    typo = cli("events", "route", "message.neww")
    assert typo.exit_code == 2
    assert "did you mean message.new" in typo.stderr


def test_events_list_json_and_filters(cli: Cli) -> None:
    everything = json.loads(cli("events", "list", "--json").stdout)
    assert [e["name"] for e in everything] == CATALOG_NAMES
    assert all(e["product"] and e["name"] and e["description"] for e in everything)
    feeds = json.loads(cli("events", "list", "--product", "feeds", "--json").stdout)
    assert len(feeds) == 38
    assert all(e["name"].startswith("feeds.") for e in feeds)
    video = json.loads(cli("events", "list", "--product", "video", "--json").stdout)
    assert len(video) == 56  # 53 call.* + 3 ingress.*
    found = json.loads(cli("events", "list", "--search", "FollowCreated", "--json").stdout)
    assert [e["name"] for e in found] == ["feeds.follow.created"]
    assert cli("events", "list", "--product", "games").exit_code == 2


def test_catalog_loads_without_network_or_storage_libraries() -> None:
    code = (
        "import sys, hookctl.events.catalog as e; c = e.load_catalog(); assert len(c.events) == 171; "
        "heavy = [m for m in ('httpx', 'google.cloud.storage', 'pydantic', 'rich') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_commands_that_send_one_event_refuse_a_pattern(cli: Cli) -> None:
    for args in (
        ["events", "route", "message.*"],
        ["ping", "http://127.0.0.1:9", "--event", "message.*"],
        ["trigger", "reaction.*", "--to", "http://127.0.0.1:9"],
    ):
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "is a pattern; this needs one event type" in result.stderr
