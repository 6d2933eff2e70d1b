"""Run a command in a process group of its own and check only that group.

A test that asks "did it leave anything running?" must not look at the machine's
process table (``pgrep -f fake-gcs-server`` fails whenever someone else runs one):
it starts its command with ``start_new_session=True``, so the command and every
child it does not deliberately detach share one process group, and checks that
group alone (its members in ``/proc`` on Linux, else ``os.killpg(pgid, 0)``).
``members()`` names the group's processes, to show what a test saw while it ran.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any


class Group:
    """``Group(cmd, ...)`` starts ``cmd`` as the leader of a new process group."""

    def __init__(self, cmd: list[str], **popen: Any) -> None:
        self.proc: subprocess.Popen[Any] = subprocess.Popen(cmd, start_new_session=True, **popen)
        self.pgid = self.proc.pid

    def alive(self) -> bool:
        """Whether any process of the group still runs (zombies waiting for init to reap
        them do not count; neither does the reaped leader)."""
        if Path("/proc/self/stat").exists():
            return bool(self.members())
        try:
            os.killpg(self.pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # a member changed its uid: it still exists
            return True
        return True

    def members(self) -> list[str]:
        """Command lines of the group's live processes (Linux ``/proc``; else ``[]``)."""
        found = []
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                state_and_ids = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(state_and_ids[2]) != self.pgid or state_and_ids[0] == "Z":
                    continue
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile, or not ours to read
        return found

    def wait_while_watching(self, timeout: float, interval: float = 0.1) -> set[str]:
        """Wait for the leader to exit; returns every member command line seen meanwhile."""
        seen: set[str] = set()
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                self.kill()
                raise TimeoutError(f"{self.proc.args!r} still ran after {timeout} s")
            seen.update(self.members())
            time.sleep(interval)
        return seen

    def wait_for_group_exit(self, timeout: float = 5.0) -> bool:
        """Give stragglers ``timeout`` seconds to go; whether the group is gone."""
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self.alive()

    def kill(self) -> None:
        """SIGKILL the whole group (only ever this group) and reap the leader."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pgid, signal.SIGKILL)
        self.proc.wait()
