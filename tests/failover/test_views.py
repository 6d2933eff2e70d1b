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


def test_outcome_rows_split_failures_by_reason_and_show_archived_only_when_any() -> None:
    report = _report(_counts(failed=3), failed_by_reason={"http 500": 2, "timeout": 1})
    rows = outcome_rows(report)
    assert rows[:5] == [
        ["delivered", 0],
        ["failed", 3],
        ["refused (not sent)", 0],
        ["  http 500", 2],
        ["  timeout", 1],
    ]
    assert "archived" not in [r[0] for r in rows]
    assert outcome_rows(_report(_counts(archived=2)))[-1] == ["archived", 2]


def test_a_dry_run_plan_is_rows_and_a_closing_sentence() -> None:
    plan = [PlanRow("https://a.example/h", "message.new", 2, 300)]
    report = _report(_counts(), plan=plan, first=[], dry_run=True)
    assert plan_rows(report) == [["https://a.example/h", "message.new", 2, 300]]
    assert plan_lines(report)[0].startswith("dry run: 2 events between 2026-04-01")
    assert plan_lines(report)[0].endswith("and now; nothing was sent")


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
