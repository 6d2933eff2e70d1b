"""The replay journal at its edges (issue 25 item 6): failed rows never count as
delivered and a delivered row is never downgraded; a zero-byte file becomes a journal;
a database with a foreign application id is refused with its reason; a path that
cannot be opened names itself and says what to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hookctl.base.errors import HookctlError
from hookctl.failover.journal import APPLICATION_ID, Journal

OBJ = "gs://b/stream/2026/04/01/1-message.new-h.json#1"
URL = "https://example.com/hooks"


def outcome(journal: Journal, ok: bool, status: int | None, error: str | None) -> None:
    journal.record(
        OBJ, URL, webhook_id="w-1", event_type="message.new", ok=ok, status=status, error=error
    )
    journal.flush()


def rows(path: Path) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT state, status, error, tries FROM outcomes").fetchall()
    finally:
        db.close()


def test_a_failed_row_is_not_delivered_and_a_delivered_row_is_never_downgraded(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    try:
        outcome(journal, False, 503, "HTTP 503")
        assert not journal.delivered(OBJ, URL)
        assert not journal.knows(URL)
        outcome(journal, True, 200, None)
        assert journal.delivered(OBJ, URL)
        assert journal.knows(URL)
        outcome(journal, False, None, "connection refused")  # a later failed retry
        assert journal.delivered(OBJ, URL)
        assert not journal.delivered(OBJ, "https://example.com/other")
    finally:
        journal.close()
    assert rows(path) == [("delivered", None, "connection refused", 3)]


def test_record_without_flush_is_pending_and_close_commits_it(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    journal.record(OBJ, URL, webhook_id="w", event_type="t", ok=True, status=200, error=None)
    assert journal.pending == 1
    journal.close()
    assert rows(path) == [("delivered", 200, None, 1)]


def test_a_zero_byte_file_becomes_an_empty_journal(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.write_bytes(b"")
    journal = Journal(path)
    try:
        assert not journal.delivered(OBJ, URL)
        outcome(journal, True, 200, None)
    finally:
        journal.close()
    assert rows(path) == [("delivered", 200, None, 1)]


def test_a_database_with_another_application_id_is_refused_and_left_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "other.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA application_id={APPLICATION_ID + 1}")
    db.execute("CREATE TABLE notes (x)")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(HookctlError) as caught:
        Journal(path)
    assert caught.value.message == (
        f"{path} is not a valid replay journal (it is an SQLite database, but not a hookctl "
        "journal); nothing was sent"
    )
    assert "move it aside" in (caught.value.hint or "")
    assert path.read_bytes() == before


def test_an_empty_database_with_a_foreign_id_is_refused_not_adopted(tmp_path: Path) -> None:
    path = tmp_path / "foreign-empty.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id=12345")
    db.commit()
    db.close()
    with pytest.raises(HookctlError, match="but not a hookctl journal"):
        Journal(path)


def test_a_journal_path_under_a_file_names_the_path(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    path = tmp_path / "a-file" / "journal.sqlite3"
    with pytest.raises(HookctlError) as caught:
        Journal(path)
    assert str(path) in caught.value.message
    assert caught.value.hint
