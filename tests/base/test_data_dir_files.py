"""Files in the data dir are read as files hookctl wrote (the adversarial pass of issue 23).

Before: a FIFO (or a symlink to /dev/zero) as a history snapshot, the hook-id cache,
the live catalog cache, a sandbox record, the replay journal or its ``.lock`` sidecar
hung `hooks history`/`restore`, Tab completion, `events list --live`, `hooks add`,
`sandbox status`, `failover status`/`list` and `replay` forever; JSON of another shape
was an "unexpected failure" (or a traceback in the shell on Tab); a sandbox record
naming pid -1 or 0 was "alive" (and `sandbox stop` would have signalled every process
of the user). Each read here runs in a thread with a bound, so a hang fails the test.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hookctl.base.errors import UsageError

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


def within(seconds: float, call: Callable[[], Any]) -> Any:
    """``call()``'s result (or exception), or a failure if it takes more than ``seconds``."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the test thread
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still reading after {seconds}s (a FIFO or a device?)"
    if "error" in box:
        raise box["error"]
    return box["value"]


def plant(path: Path, kind: str) -> None:
    """Put something that is not a small regular JSON file at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        path.rmdir()
    elif path.exists() or path.is_symlink():
        path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dir":
        path.mkdir()
    else:
        path.write_bytes(kind.encode())


NOT_FILES = ["fifo", "dev-zero", "dir"]
BAD_SNAPSHOTS = ["{{", "[]", '{"id": "x", "created_at": "x", "event_hooks": "abc"}',
                 '{"id": "x", "created_at": "x", "event_hooks": [1, 2]}',
                 '{"id": 5, "created_at": 5, "event_hooks": []}']  # fmt: skip


@needs_fifo
@pytest.mark.parametrize("kind", NOT_FILES + BAD_SNAPSHOTS)
def test_a_snapshot_that_is_not_one_is_skipped_by_history_and_refused_by_restore(
    tmp_path: Path, kind: str
) -> None:
    from hookctl.hooks.history import History

    history = History(tmp_path, "http://127.0.0.1:1", "key")
    kept = history.save([{"id": "a", "hook_type": "webhook"}], "add hook a")
    plant(history.dir / "29991231-235959-999999.json", kind)  # sorts newest

    assert [s.id for s in within(5, history.list)] == [kept.id]
    with pytest.raises(UsageError, match="snapshot 29991231-235959-999999 is unreadable"):
        within(5, lambda: history.load("latest"))
    assert within(5, lambda: history.load(kept.id)).hooks == [{"id": "a", "hook_type": "webhook"}]


@needs_fifo
@pytest.mark.parametrize("kind", [*NOT_FILES, "{{", "5", "[1, 2]", '[["a", "b", "c"]]', '{"a": 1}'])
def test_tab_completion_reads_any_hook_id_cache_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    from hookctl.hooks import idcache

    monkeypatch.setenv("HOOKCTL_DATA_DIR", str(tmp_path))
    plant(idcache.path(), kind)
    assert within(5, lambda: idcache.hook_ids("")) == []
    plant(idcache.path(), '[["abc", "webhook"], [1, 2], "x", ["abd", "sqs"]]')
    assert idcache.hook_ids("ab") == [("abc", "webhook"), ("abd", "sqs")]


@needs_fifo
@pytest.mark.parametrize(
    "kind",
    [*NOT_FILES, "{{", '{"events": [], "fetched_at": "abc"}', '{"events": [], "fetched_at": NaN}',
     '{"events": [], "fetched_at": 1e309}', '{"events": "x", "fetched_at": 1}'],
)  # fmt: skip
def test_a_catalog_cache_that_is_not_one_falls_back_to_the_bundled_catalog(
    tmp_path: Path, kind: str
) -> None:
    from hookctl.events.live import choose

    cache = tmp_path / "catalog" / "x.json"
    plant(cache, kind)
    choice = within(5, lambda: choose(cache, "http://127.0.0.1:1", None))
    assert choice.source == "bundled"


def test_a_cached_or_served_name_that_is_no_event_type_never_becomes_one(tmp_path: Path) -> None:
    """A name that could move a {{.EventType}} URL (``x@host:1#``) is dropped, as are
    entries of the wrong shape (a number, ``products`` that is not a list)."""
    from hookctl.events.live import choose

    cache = tmp_path / "catalog" / "x.json"
    events = [{"name": "x@127.0.0.1:1#"}, {"name": "message.new\n"}, 1, {"name": 5},
              {"name": "message.new", "products": 5}, {"name": "custom.thing"}]  # fmt: skip
    plant(cache, json.dumps({"events": events, "fetched_at": 1_999_999_999}))
    choice = within(5, lambda: choose(cache, "http://127.0.0.1:1", None, now=2_000_000_000))
    assert choice.source == "cache"
    assert [e.name for e in choice.catalog.events] == ["message.new", "custom.thing"]


SANDBOX_RECORDS = [
    '{"pid": -1, "url": "http://127.0.0.1:1", "api_key": "k"}',  # kill(-1): every process
    '{"pid": 0, "url": "http://127.0.0.1:1", "api_key": "k"}',  # kill(0): our own group
    '{"pid": 1.5, "url": "http://127.0.0.1:1"}',
    '{"pid": 99999999999999999999, "url": "http://127.0.0.1:1"}',
    '{"pid": "abc", "url": "http://127.0.0.1:1"}',
    '{"pid": 1}',
    '{"pid": 1, "url": 5}',
    "[]",
    "5",
    "{{",
]


@needs_fifo
@pytest.mark.parametrize("kind", [*NOT_FILES, *SANDBOX_RECORDS, "OWN-PID"])
def test_a_sandbox_record_hookctl_did_not_write_is_dropped_never_signalled(
    tmp_path: Path, kind: str
) -> None:
    """``running`` is what `sandbox status` shows and `sandbox stop` signals. A record
    of this test's own live process (not a sandbox: a pid reused after a reboot or a
    kill -9) is dropped as well, so `stop` could never SIGTERM it."""
    from hookctl.sandbox.run import running

    record = tmp_path / "sandbox" / "1.json"
    if kind == "OWN-PID":
        kind = json.dumps({"pid": os.getpid(), "url": "http://127.0.0.1:1", "api_key": "k"})
    plant(record, kind)
    assert within(5, lambda: running(tmp_path)) == []


@needs_fifo
@pytest.mark.parametrize("kind", NOT_FILES)
def test_a_journal_that_is_not_a_file_is_refused_by_list_and_status(
    tmp_path: Path, kind: str
) -> None:
    from hookctl.failover.ledger import JournalReader

    journal = tmp_path / "journal.sqlite3"
    plant(journal, kind)
    with pytest.raises(UsageError, match="cannot read the replay journal"):
        within(5, lambda: JournalReader.open(journal))


@needs_fifo
def test_a_fifo_as_the_journals_lock_sidecar_never_blocks(tmp_path: Path) -> None:
    """The sidecar ``<journal>.lock`` names the holder; a FIFO there blocked every
    replay at its lock (writing) and the "in use by" message (reading)."""
    from hookctl.failover.journal import _holder, _write_sidecar

    sidecar = tmp_path / "journal.sqlite3.lock"
    os.mkfifo(sidecar)
    with pytest.raises(OSError, match=r"No such device|not a regular file"):
        within(5, lambda: _write_sidecar(sidecar, b'{"pid": 1}'))
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        assert within(5, lambda: _holder(fd, sidecar)) == "holder unknown"
    finally:
        os.close(fd)
