"""What `hooks list`, `events list/route` and `failover show` display, without a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from hookctl.base.errors import UsageError
from hookctl.events.catalog import Route
from hookctl.hooks.array import Change
from hookctl.hooks.history import Snapshot
from hookctl.hooks.plan import Plan
from hookctl.hooks.views import (
    check_product,
    check_refresh,
    done_line,
    failover_line,
    failover_rows,
    hook_listing,
    plan_json,
    plan_notes,
    route_line,
    route_rows,
    write_json,
    write_warnings,
)
from hookctl.hooks.writer import WriteResult

WEBHOOK = {
    "id": "h1",
    "hook_type": "webhook",
    "enabled": True,
    "webhook_url": "https://user:pw@example.com/hook",
    "event_types": [],
}
SQS = {
    "id": "h2",
    "hook_type": "sqs",
    "enabled": False,
    "sqs_queue_url": "https://sqs.example/q",
    "sqs_secret": "aws-secret-value",
    "event_types": ["message.new"],
}
APP = {"use_hook_v2": True, "event_hooks": [WEBHOOK, SQS]}


def test_a_listing_masks_secrets_unless_asked_and_adds_a_secrets_column() -> None:
    listing = hook_listing(APP, [WEBHOOK, SQS], None, show_secrets=False)
    assert [r[0] for r in listing.rows] == ["h1", "h2"]
    assert "pw" not in str(listing.rows)
    assert "aws-secret-value" not in str(listing.shown)
    assert listing.empty is None
    assert listing.warning is None
    shown = hook_listing(APP, [WEBHOOK, SQS], None, show_secrets=True)
    assert shown.columns[-1] == "secrets"
    assert "sqs_secret=aws-secret-value" in shown.rows[1][-1]


def test_a_type_filter_that_hides_every_hook_says_so() -> None:
    listing = hook_listing(APP, [WEBHOOK, SQS], "sns", show_secrets=False)
    assert listing.rows == []
    assert listing.empty == "no sns hooks (2 of other types: drop --type to see them)"
    only = hook_listing(APP, [WEBHOOK, SQS], "sqs", show_secrets=False)
    assert [r[0] for r in only.rows] == ["h2"]
    empty = hook_listing({"use_hook_v2": True}, [], None, show_secrets=False)
    assert empty.empty is not None
    assert empty.empty.startswith("no hooks yet")


def test_a_legacy_app_is_listed_with_a_warning() -> None:
    app = {"use_hook_v2": False, "webhook_url": "https://old.example/hook"}
    listing = hook_listing(app, [], None, show_secrets=False)
    assert listing.warning
    assert [r[0] for r in listing.rows] == ["(legacy)"]
    assert listing.shown == []  # JSON shows event_hooks only


def test_routes_say_who_receives_and_mask_targets() -> None:
    routes = [Route(WEBHOOK, True, "all events"), Route(SQS, False, "disabled")]
    rows = route_rows(routes)
    assert rows[0][:5] == ["h1", "webhook", "yes", "yes", "all events"]
    assert "pw" not in str(rows[0][5])
    assert route_line("message.new", routes) == "message.new: received by 1 of 2 hooks"


def test_failover_show_rows_and_sentences() -> None:
    rows = [{"hook_id": "h1", "location": None, "enabled": False}]
    assert failover_rows(rows) == [["h1", "(none)", "", ""]]
    assert failover_line(rows, "h1") == "hook h1 has no failover configured"
    assert failover_line(rows, None) is None
    assert failover_line([], None) is not None


def test_event_list_options() -> None:
    with pytest.raises(UsageError, match="--refresh needs --live"):
        check_refresh(live=False, refresh=True)
    check_refresh(live=True, refresh=True)
    with pytest.raises(UsageError, match="--product 'chatt'"):
        check_product("chatt")
    check_product("chat")
    check_product(None)


def _result(**given: object) -> WriteResult:
    change = Change("add", "h9", "webhook", "https://example.com/")
    fields: dict[str, object] = {"before": [], "after": [], "changes": [change], **given}
    return WriteResult(**fields)  # type: ignore[arg-type]


def test_write_json_has_one_shape_per_outcome(tmp_path: Path) -> None:
    assert write_json(_result(dry_run=True))["dry_run"] is True
    assert write_json(_result(changes=[])) == {"changed": False, "changes": [], "hooks": []}
    snap = Snapshot("s1", "now", "add", [], tmp_path)
    done = write_json(_result(written=True, snapshot=snap, new_ids=["h9"]))
    assert done["changed"] is True
    assert (done["snapshot"], done["new_ids"]) == ("s1", ["h9"])
    # the hooks it touched, as `hooks show --json` shows them (secrets masked), others left out
    live = [
        {"id": "h1", "hook_type": "webhook"},
        {"id": "h9", "hook_type": "sqs", "sqs_secret": "x"},
    ]
    done = write_json(_result(written=True, snapshot=snap, new_ids=["h9"], live=live))
    assert done["hooks"] == [{"id": "h9", "hook_type": "sqs", "sqs_secret": "********"}]
    assert done_line(_result(snapshot=snap), "added") == (
        "added (previous array saved as snapshot s1)"
    )
    assert done_line(_result(), "added") == "added"


def test_write_warnings_name_each_surprise() -> None:
    assert write_warnings(_result()) == []
    said = write_warnings(_result(rebased=True, rewrites=2, gone_since=["h3"]))
    assert len(said) == 2
    assert "2 extra writes" in said[0]
    assert "h3" in said[1]


def test_plan_notes_name_unmanaged_hooks_and_say_in_sync() -> None:
    plan = Plan(hooks=[WEBHOOK], unmanaged=[WEBHOOK], pruned=[], not_compared=["hook 2: x"])
    notes = plan_notes(plan, [])
    assert notes[0].startswith("unmanaged: webhook hook h1")
    assert notes[1:] == ["hook 2: x", "in sync: the live hooks match the file"]
    assert plan_json(plan, [])["unmanaged"] == ["h1"]
