"""Files hookctl writes never follow a planted symlink (issue 14, item 8).

Reproduces: ``--failures FILE`` wrote through a predictable ``.FILE.tmp`` and
followed a symlink planted there; the hook-id completion cache followed a
symlink and overwrote its target.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hookctl.base.errors import HookctlError
from hookctl.base.fsutil import write_atomic
from hookctl.failover.outcome import Failure, FailureLog
from tests.conftest import Cli

PRECIOUS = b"precious: must not change\n"


def write_failures(path: Path, failures: list[Failure]) -> None:
    """What ``replay --failures`` does: stream the failures, then commit the file."""
    log = FailureLog(path)
    for failure in failures:
        log.write(failure)
    log.close()


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim.txt"
    path.write_bytes(PRECIOUS)
    return path


def test_failures_ignores_a_link_at_the_old_temporary_name(tmp_path: Path, victim: Path) -> None:
    out = tmp_path / "failed.ndjson"
    (tmp_path / ".failed.ndjson.tmp").symlink_to(victim)
    write_failures(out, [])
    assert victim.read_bytes() == PRECIOUS
    assert out.read_bytes() == b""
    assert not out.is_symlink()
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_failures_refuses_a_link_at_the_final_path(tmp_path: Path, victim: Path) -> None:
    out = tmp_path / "failed.ndjson"
    out.symlink_to(victim)
    with pytest.raises(HookctlError, match="symbolic link"):
        write_failures(out, [])
    assert victim.read_bytes() == PRECIOUS
    assert out.is_symlink()


@pytest.mark.usefixtures("sandbox")
def test_the_completion_cache_never_writes_through_a_link(
    cli: Cli, isolated_env: Path, victim: Path
) -> None:
    cache = isolated_env / "data" / "cache" / "hook-ids.json"
    cache.parent.mkdir(parents=True)
    cache.symlink_to(victim)
    assert cli("hooks", "add", "webhook", "--url", "https://example.com/h").exit_code == 0
    result = cli("hooks", "list", "--json")
    assert result.exit_code == 0, result.stderr
    assert victim.read_bytes() == PRECIOUS
    assert cache.is_symlink()


@pytest.mark.usefixtures("sandbox")
def test_export_refuses_a_link_with_a_clear_error(cli: Cli, tmp_path: Path, victim: Path) -> None:
    out = tmp_path / "hooks.json"
    out.symlink_to(victim)
    result = cli("hooks", "export", "-o", str(out))
    assert result.exit_code == 1
    assert "symbolic link" in result.stderr
    assert "Traceback" not in result.stderr
    assert victim.read_bytes() == PRECIOUS


def test_temporary_names_are_unpredictable_and_never_left_behind(tmp_path: Path) -> None:
    target = tmp_path / "file.json"
    for n in range(3):
        write_atomic(target, b"%d" % n)
    assert os.listdir(tmp_path) == ["file.json"]
    assert target.read_bytes() == b"2"
