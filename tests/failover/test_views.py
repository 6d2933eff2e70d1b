"""The rows and sentences of `failover list` and `failover replay`, without a terminal."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime

import pytest

from hookctl.base.errors import UsageError
from hookctl.failover.outcome import Counts, PlanRow, ReplayReport
from hookctl.failover.select import Selection
from hookctl.failover.views import (
    check_list_options,
    next_lines,
    outcome_line,
    outcome_rows,
    plan_lines,
    plan_rows,
    timeline_rows,
)


def _counts(**given: int) -> Counts:
    return Counts(**{f.name: given.get(f.name, 0) for f in fields(Counts)})


def _report(counts: Counts, *, stopped: bool = False, **extra: object) -> ReplayReport:
    given: dict[str, object] = {
        "bucket": "b",
        "selection": Selection(since=datetime(2026, 4, 1, tzinfo=UTC)),
        "target": None,
        "dry_run": False,
        "stopped": stopped,
        "prefixes": 1,
        "list_calls": 1,
        "counts": counts,
        "failed_by_reason": {},
        "failures": [],
        "malformed": [],
        "unrecognised": [],
        "bytes": 0,
        "elapsed_s": 1.25,
        "complete": True,
        **extra,
    }
    return ReplayReport(**given)  # type: ignore[arg-type]


def test_the_tally_says_delivered_failed_and_selected() -> None:
    report = _report(_counts(selected=5, delivered=3, failed=2))
    assert outcome_line(report) == "3 delivered, 2 failed of 5 selected in 1.2s"
    stopped = _report(_counts(selected=5, delivered=1), stopped=True)
    assert outcome_line(stopped).endswith("(stopped early)")


def test_nothing_selected_says_why() -> None:
    assert outcome_line(_report(_counts(already_delivered=4))).startswith(
        "nothing left to replay: all 4 already delivered"
    )
    assert outcome_line(_report(_counts())) == (
        "nothing to replay: no failed events matched the window and filters"
    )
    # stopped before anything was selected: the tally, not "nothing to replay"
    assert outcome_line(_report(_counts(), stopped=True)).startswith("0 delivered")


def test_each_breakdown_sits_under_the_counter_it_explains() -> None:
    """Issue 24 item 4: "connection refused 10" read as "10 refused" when it was printed
    under "refused (not sent) 0"; each reason now follows its own counter."""
    reasons = {
        "failed": {"connection refused": 2, "HTTP 503": 1},
        "refused": {"hook h no longer exists": 1},
        "malformed": {"not valid JSON": 1},
        "archived": {},
    }
    report = _report(_counts(failed=3, refused=1, malformed=1), reasons=reasons)
    rows = outcome_rows(report)
    assert rows[:8] == [
        ["delivered", 0],
        ["failed", 3],
        ["  connection refused", 2],
        ["  HTTP 503", 1],
        ["refused (not sent)", 1],
        ["  hook h no longer exists", 1],
        ["already delivered (journal)", 0],
        ["malformed", 1],
    ]
    assert rows[8] == ["  not valid JSON", 1]
    assert "archived" not in [r[0] for r in rows]
    assert outcome_rows(_report(_counts(archived=2)))[-1] == ["archived", 2]
    unarchived = _report(_counts(delivered=2), reasons={"archived": {"archive failed: 403": 2}})
    assert outcome_rows(unarchived)[-2:] == [["archived", 0], ["  archive failed: 403", 2]]


def test_the_closing_lines_say_what_to_do_next() -> None:
    partial = _report(_counts(selected=40, delivered=35, failed=5))
    assert next_lines(partial, journal=True, failures="failed.ndjson") == [
        "next: fix the endpoint, then rerun it (the journal skips the 35 delivered)",
        "  or retry only the 5 failed:",
        "    hookctl failover replay --from-file failed.ndjson",
    ]
    down = _report(_counts(selected=40, failed=40))  # nothing delivered: no "skips the 0"
    assert next_lines(down, journal=True, failures=None) == [
        "next: fix the endpoint, then rerun it"
    ]
    stopped = _report(_counts(selected=40, delivered=12), stopped=True)
    assert next_lines(stopped, journal=True, failures=None) == [
        "next: rerun it (the journal skips the 12 delivered)"
    ]
    assert next_lines(stopped, journal=False, failures=None) == [
        "next: rerun it (no journal: every event is sent again)"
    ]
    done = _report(_counts(selected=40, delivered=39, refused=1))
    assert next_lines(done, journal=True, failures=None) == [
        "1 refused or malformed are never sent: the warnings above say why",
        "next: nothing left to send; `hookctl failover status` confirms it",
    ]
    limited = _report(_counts(selected=5, delivered=5))
    assert next_lines(limited, journal=True, failures=None, limit=5) == [
        "next: --limit 5 ended this run; rerun it (the journal skips the 5 delivered)"
    ]
    assert next_lines(_report(_counts()), journal=True, failures=None) == []  # said already
    big = _report(_counts(selected=10**6, delivered=10**6 - 1, failed=1))
    long = "/very/long/" * 20 + "failed 1.ndjson"
    lines = next_lines(big, journal=True, failures=long)
    # the path is whole, quoted for a shell, on its own line: it is there to be copied
    assert lines[-1] == f"    hookctl failover replay --from-file '{long}'"
    assert max(len(line) for line in lines[:-1]) <= 80, lines


def test_a_dry_run_plan_is_rows_and_a_closing_sentence() -> None:
    plan = [PlanRow("https://a.example/h", "message.new", 2, 300)]
    report = _report(_counts(), plan=plan, first=[], dry_run=True)
    assert plan_rows(report) == [["https://a.example/h", "message.new", 2, 300]]
    assert plan_lines(report)[:2] == [
        "dry run: 2 events failed since 2026-04-01T00:00:00Z",
        "nothing was sent (without --dry-run, these are)",
    ]
    # the default end, a day past the clock (for names stamped ahead of it), is not
    # printed: "between 18:02 today and 19:02 tomorrow" read as failures until tomorrow
    ahead = Selection(
        since=datetime(2026, 4, 1, tzinfo=UTC), until=datetime(2999, 1, 1, tzinfo=UTC)
    )
    ahead_report = _report(_counts(), plan=plan, first=[], dry_run=True, selection=ahead)
    assert plan_lines(ahead_report)[0] == "dry run: 2 events failed since 2026-04-01T00:00:00Z"
    past = Selection(
        since=datetime(2026, 4, 1, tzinfo=UTC), until=datetime(2026, 4, 2, 6, tzinfo=UTC)
    )
    past_report = _report(_counts(), plan=plan, first=[], dry_run=True, selection=past)
    assert plan_lines(past_report)[0] == (
        "dry run: 2 events failed between 2026-04-01T00:00:00Z and 2026-04-02T06:00:00Z"
    )
    # stopped (Ctrl-C) part-way: "dry run: 0 events failed since …" read as nothing to replay
    stopped = _report(_counts(), plan=plan, first=[], dry_run=True, stopped=True)
    assert plan_lines(stopped)[:3] == [
        "dry run stopped early: the plan is partial, and nothing was sent",
        "so far: 2 events failed since 2026-04-01T00:00:00Z",
        "run the dry run again for the whole plan",
    ]
    stopped_past = _report(
        _counts(), plan=plan, first=[], dry_run=True, selection=past, stopped=True
    )
    assert max(len(line) for line in plan_lines(stopped_past)) <= 80


def test_timeline_rows_total_each_bucket_and_list_its_split_sorted() -> None:
    rows = timeline_rows([("10:00", {"b": 1, "a": 2}), ("11:00", {})])
    assert rows == [["10:00", 3, "a=2 b=1"], ["11:00", 0, ""]]


@pytest.mark.parametrize(
    ("summary", "by", "errors", "wrong"),
    [(True, "day", False, "--by 'day'"), (False, "type", True, "--errors")],
)
def test_list_options_that_contradict_are_usage_errors(
    summary: bool, by: str, errors: bool, wrong: str
) -> None:
    with pytest.raises(UsageError, match=wrong):
        check_list_options(summary=summary, by=by, errors=errors)
    check_list_options(summary=True, by="url", errors=True)  # a valid combination passes
