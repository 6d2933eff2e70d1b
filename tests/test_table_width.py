"""``hooks list`` on an 80-column terminal keeps every hook id on one line.

Reproduces: the table folded every column alike, so a 36-character UUID was
broken over four lines (``fd9581c0-d6`` / ``f3-4c62-a17`` …) and could not be
copied. Run in a real pseudo-terminal against the sandbox.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import uuid

from tests.conftest import SandboxApp


def on_a_terminal(*args: str, columns: int) -> tuple[int, str]:
    """Run hookctl with stdout on a pseudo-terminal ``columns`` wide; (exit code, output)."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {**os.environ, "COLUMNS": str(columns)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hookctl", *args],
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(main)
    return proc.wait(timeout=60), b"".join(chunks).decode().replace("\r\n", "\n")


def test_hooks_list_never_breaks_an_id_at_80_columns(sandbox: SandboxApp) -> None:
    ids = [str(uuid.uuid4()) for _ in range(2)]
    sandbox.set_hooks(
        [
            {
                "id": ids[0],
                "hook_type": "webhook",
                "webhook_url": "https://example.com/a/very/long/path/for/hooks/that/goes/on",
                "event_types": ["message.new", "message.updated", "reaction.new"],
                "enabled": True,
            },
            {"id": ids[1], "hook_type": "webhook", "webhook_url": "https://e.io/h"},
        ]
    )
    code, out = on_a_terminal("hooks", "list", columns=80)
    assert code == 0, out
    assert "┃" in out  # the table, not the piped rows
    for hook_id in ids:
        assert hook_id in out, out
    assert max(len(line) for line in out.splitlines()) <= 80
