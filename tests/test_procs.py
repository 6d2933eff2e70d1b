"""The process-group check that the demo test relies on can see a leak, and only its own."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.procs import Group


def test_a_child_left_behind_is_seen_and_only_the_own_group_counts(tmp_path: Path) -> None:
    bystander = subprocess.Popen(["sleep", "30"], start_new_session=True)  # someone else's
    try:
        marker = tmp_path / "child-started"
        leaky = Group(["bash", "-c", f"sleep 30 & touch {marker}; exit 0"])
        leaky.wait_while_watching(timeout=10)
        assert leaky.proc.returncode == 0
        assert marker.exists()
        assert leaky.alive()  # the leader is gone, its child is not
        if Path("/proc").is_dir():
            assert leaky.members() == ["sleep 30 "]
        leaky.kill()
        assert leaky.wait_for_group_exit(timeout=5)
        clean = Group(["bash", "-c", "exit 0"])
        clean.wait_while_watching(timeout=10)
        assert clean.wait_for_group_exit(timeout=5)  # the bystander does not count
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_a_command_that_outlives_its_timeout_is_killed_with_its_group() -> None:
    slow = Group(["bash", "-c", "sleep 30 & sleep 30"])
    with pytest.raises(TimeoutError, match="still ran"):
        slow.wait_while_watching(timeout=0.3)
    assert slow.wait_for_group_exit(timeout=5)
