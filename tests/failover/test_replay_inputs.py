"""Replay refuses what would silently do nothing or do wrong (issue 23 item 7), before
any request: every case here points at an unreachable GCS (port 9), so an accepted
value would end in exit 1 ("GCS request … failed") or, before, exit 0 with nothing done.

Before: ``--journal X --no-journal`` kept no journal; ``--follow --until`` ignored the
end; ``--archive-to`` containing the failover path hid the backlog ("nothing to replay",
exit 0), inside it a later ``--scan`` replayed the archive, ``../x`` was a name; a
``--from-file`` line naming ``../../x`` was skipped without a word and a size ``abc`` was
an unexpected failure; ``failover set --path`` with a control character was stored and
every object was then skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hookctl.base.errors import UsageError
from tests.conftest import Cli

REPLAY = (
    "failover", "replay", "--bucket", "my-bucket", "--path", "stream/failed",
    "--to", "http://127.0.0.1:9/", "--gcs-endpoint", "http://127.0.0.1:9",
)  # fmt: skip
LIST = ("failover", "list", "--bucket", "my-bucket", "--gcs-endpoint", "http://127.0.0.1:9")


def _refused(result: object, says: str) -> None:
    code, out, err = result.exit_code, result.stdout, result.stderr  # type: ignore[attr-defined]
    assert code == 2, (out, err)
    assert out == ""
    assert err.startswith("error: "), err
    assert says in err.splitlines()[0], err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--since", "1h", "--journal", "j.db", "--no-journal"], "--journal and --no-journal"),
        (["--follow", "--since", "1h", "--until", "1h"], "it has no --until"),
        (["--since", "1h", "--archive-to", "stream"], "contains the failover path"),
        (["--since", "1h", "--archive-to", "/stream/"], "contains the failover path"),
        (["--since", "1h", "--archive-to", "stream/failed"], "is the failover path itself"),
        (["--since", "1h", "--archive-to", "stream/failed/2026"], "lies inside the failover path"),
        (["--scan", "--archive-to", "stream/failed/arc"], "lies inside the failover path"),
        (["--since", "1h", "--archive-to", "../x"], "'..' path segment"),
        (["--since", "1h", "--archive-to", "a/./b"], "'..' path segment"),
        (["--since", "1h", "--archive-to", "a\x01b"], "control characters"),
    ],
)
def test_replay_refuses_flags_that_would_do_nothing_or_wrong(
    cli: Cli, args: list[str], says: str
) -> None:
    _refused(cli(*REPLAY, *args, "--dry-run"), says)


def test_list_and_status_refuse_journal_and_no_journal_too(cli: Cli) -> None:
    for verb in ("list", "status"):
        result = cli("failover", verb, *LIST[2:], "--since", "1h", "--journal", "j", "--no-journal")
        _refused(result, "--journal and --no-journal")


def test_an_archive_beside_the_path_is_still_accepted() -> None:
    """``stream/failedx`` shares a string prefix with ``stream/failed``, not a folder; the
    bucket root as the failover path leaves the archive out of listings by name.
    (test_replay's archive test runs ``stream/replayed`` beside ``stream/failed-events``.)"""
    from hookctl.failover.archive import archive_prefix, overlap_problem

    for archive in ("replayed", "stream/replayed", "stream/failedx", "/a/b/"):
        assert overlap_problem(archive_prefix(archive), "stream/failed") is None
    assert archive_prefix("/a/b/") == "a/b"
    assert overlap_problem("replayed", "") is None


def test_an_archive_prefix_drops_the_spaces_at_its_ends_as_the_path_does() -> None:
    """The adversarial pass (network half) archived with --archive-to ' arc' under a
    literal ' arc/', which --path ' arc' (read as 'arc') never listed: the archive was
    out of reach by the same spelling."""
    from hookctl.failover.archive import archive_prefix, overlap_problem
    from hookctl.failover.keys import normalise_path

    for spelled in (" arc", "arc ", " /arc/ "):
        assert archive_prefix(spelled) == normalise_path(spelled) == "arc"
    assert overlap_problem(archive_prefix(" stream "), normalise_path("stream")) is not None
    for control in ("arc\n", "\tarc"):  # refused, as --path refuses them
        with pytest.raises(UsageError):
            archive_prefix(control)


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ({"name": "../../x", "bucket": "my-bucket"}, "'..' path segment"),
        ({"name": "stream/failed/../../etc/x.json"}, "'..' path segment"),
        ({"name": "other/2026/04/02/1775131200-message.new-h.json"}, "outside the failover path"),
        (
            {"name": "stream/failed/2026/04/02/1775131200-message.new-h.json", "size": "abc"},
            "size 'abc' is not a number",
        ),
        (
            {"name": "stream/failed/2026/04/02/1775131200-message.new-h.json", "generation": "1_0"},
            "generation '1_0' is not a number",
        ),
    ],
)
def test_from_file_lines_are_inputs_too(
    cli: Cli, tmp_path: Path, line: dict[str, str], says: str
) -> None:
    failures = tmp_path / "failures.ndjson"
    failures.write_text(json.dumps(line) + "\n")
    result = cli(*REPLAY, "--from-file", str(failures), "--dry-run")
    assert result.exit_code == 2, result.output
    assert f"{failures}:1: " in result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("path", ["stream/\x01failed", "stream\x07", "stream/failed\x7f", "a\tb"])
def test_a_failover_path_with_a_control_character_is_refused(cli: Cli, path: str) -> None:
    for args in (
        ("failover", "set", "h1", "--bucket", "my-bucket", "--path", path),
        (*LIST, "--path", path, "--since", "1h"),
    ):
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert "contains a control character" in result.stderr.splitlines()[0]


def test_only_a_uuid_in_an_objects_metadata_is_taken_as_its_webhook_id() -> None:
    """A bucket writer can set metadata: a value that is not a UUID is ignored and the id
    is derived from the object, as for any other object."""
    from hookctl.failover.gcs import Listed, listed
    from hookctl.failover.ids import webhook_id

    good = "0f8fad5b-d9cb-469f-a165-70867728950e"
    row = {"name": "a/b.json", "generation": "1", "size": "2"}
    assert listed({**row, "metadata": {"hookctl-webhook-id": good}}).webhook_id == good
    derived = webhook_id("bk", Listed("a/b.json", "1", 2))
    for bad in (good.upper(), good + "x", "../x", 5, None, ["x"], "0" * 36):
        item = listed({**row, "metadata": {"hookctl-webhook-id": bad}})
        assert item.webhook_id is None
        assert webhook_id("bk", item) == derived
    assert listed({**row, "metadata": "x"}).webhook_id is None
    assert webhook_id("bk", listed({**row, "metadata": {"hookctl-webhook-id": good}})) == good
