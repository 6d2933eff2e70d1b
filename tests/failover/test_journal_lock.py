"""The one-replay-per-journal lock is on the journal file itself: a hard link to the
journal, or another spelling of its path, meets the same lock and names the holder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hookctl.failover.journal import Journal, JournalBusy


def test_a_hard_link_or_another_spelling_cannot_bypass_the_lock(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    held = Journal(journal)
    try:
        elsewhere = tmp_path / "other-dir"
        elsewhere.mkdir()
        link = elsewhere / "link.sqlite3"
        os.link(journal, link)
        for path in (link, tmp_path / "." / "journal.sqlite3"):
            with pytest.raises(JournalBusy) as caught:
                Journal(path)
            assert f"in use by another replay (pid {os.getpid()} on " in caught.value.message
            # never "use another --journal" as a way out: that journal knows nothing
            # delivered, so every event would arrive twice
            assert "--wait queues behind it" in str(caught.value.hint)
            assert "another --journal would send everything again" in str(caught.value.hint)
    finally:
        held.close()
    again = Journal(tmp_path / "other-dir" / "link.sqlite3")  # free once the holder closed
    again.close()


def test_two_first_runs_share_one_new_journal(tmp_path: Path) -> None:
    """Creation never replaces a journal another run just made (and locked)."""
    journal = tmp_path / "new.sqlite3"
    first = Journal(journal)
    try:
        inode = journal.stat().st_ino
        with pytest.raises(JournalBusy):
            Journal(journal)
        assert journal.stat().st_ino == inode
    finally:
        first.close()
