"""``hooks list`` on an 80-column terminal: readable, and no hook id broken.

Reproduces: the table folded every column alike, so a 36-character UUID was
broken over four lines (``fd9581c0-d6`` / ``f3-4c62-a17`` …) and could not be
copied; then the ids were kept whole, which left TARGET ~6 characters and broke
headers and values (``ENABL``/``ED``, ``webho``/``ok``). Now ids that do not fit
show as their shortest unique prefix. Run in a real pseudo-terminal against the sandbox.
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


def on_a_terminal(*args: str, columns: int, stderr: bool = False) -> tuple[int, str]:
    """Run hookctl with stdout (and stderr if asked) on a pseudo-terminal ``columns``
    wide; (exit code, output)."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {**os.environ, "COLUMNS": str(columns)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hookctl", *args],
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=child if stderr else subprocess.DEVNULL,
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


def four_hooks() -> list[dict[str, object]]:
    ids = [str(uuid.uuid4()) for _ in range(3)]
    other = "0" if ids[0][10] != "0" else "1"  # exactly 10: a random 11th could match
    twin = ids[0][:10] + other + str(uuid.uuid4())[11:]  # shares 10 characters with the first id
    urls = ["https://example.com/hooks/stream", "https://e.io/h", "https://hooks.example.org/in"]
    hooks: list[dict[str, object]] = [
        {"id": i, "hook_type": "webhook", "webhook_url": u, "enabled": True}
        for i, u in zip(ids, urls, strict=True)
    ]
    hooks.append(
        {
            "id": twin,
            "hook_type": "webhook",
            "webhook_url": "https://example.net/stream/events",
            "event_types": ["message.new", "message.updated"],
            "enabled": False,
        }
    )
    return hooks


def test_hooks_list_is_readable_at_80_columns(sandbox: SandboxApp) -> None:
    hooks = four_hooks()
    sandbox.set_hooks(hooks)
    code, out = on_a_terminal("hooks", "list", columns=80, stderr=True)
    assert code == 0, out
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80, out
    header = next(line for line in lines if "TARGET" in line)
    for name in ("ID", "TYPE", "ENABLED", "TARGET", "EVENTS", "FAILOVER"):
        assert name in header.split(), out  # no header broken over lines
    assert out.count("webhook") == 4, out  # nor a short value
    ids = [str(h["id"]) for h in hooks]
    assert not any(i in out for i in ids), out  # the full table does not fit: ids shortened
    for hook in hooks[1:3]:
        assert f" {str(hook['id'])[:8]} " in out, out  # the 8-character prefix
    for unique in (ids[0][:11], ids[3][:11]):  # the first 10 characters are shared
        assert f" {unique} " in out, out
    assert "ids shortened" in out, out
    assert "--json" in out, out
    assert out.count("ids shortened") == 1


def test_hooks_list_keeps_whole_ids_when_they_fit(sandbox: SandboxApp) -> None:
    hooks = four_hooks()
    sandbox.set_hooks(hooks)
    code, out = on_a_terminal("hooks", "list", columns=200, stderr=True)
    assert code == 0, out
    for hook in hooks:
        assert str(hook["id"]) in out, out
    assert "shortened" not in out


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
    words = out.split()
    for hook_id in ids:  # shown whole or as a prefix, on one line
        assert any(len(w) >= 8 and hook_id.startswith(w) for w in words), out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_hooks_list_with_ids_sharing_a_long_prefix_at_80_columns(sandbox: SandboxApp) -> None:
    # shortest unique prefixes are the whole 36 characters: TARGET was squeezed to
    # nothing (``││``) and headers cut (``FA``)
    urls = ["https://example.com/hooks/stream/one", "https://hooks.example.org/in/two"]
    sandbox.set_hooks(
        [
            {
                "id": f"abcdef12-3456-4000-8000-00000000000{n}",
                "hook_type": "webhook",
                "webhook_url": url,
                "enabled": True,
            }
            for n, url in enumerate(urls, start=1)
        ]
    )
    code, out = on_a_terminal("hooks", "list", columns=80, stderr=True)
    assert code == 0, out
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80, out
    header = next(line for line in lines if "TARGET" in line)
    for name in ("ID", "TYPE", "ENABLED", "TARGET", "EVENTS", "FAILOVER"):
        assert name in header.split(), out
    for host, end in (("example.com", "/one"), ("hooks.example.org", "/two")):
        assert host in out, out  # each URL keeps its host and the end of its path
        assert end in out, out
    assert " abcdef12-345… " in out, out  # an id capped with "…", on one line
    assert "hooks show PREFIX" in out, out


def test_hooks_list_at_60_columns_keeps_rows_short(sandbox: SandboxApp) -> None:
    # URLs were 6 characters wide and folded over 13-25 lines; headers cut
    hooks = [
        {
            "id": str(uuid.uuid4()),
            "hook_type": "webhook",
            "webhook_url": f"https://hooks{n}.example.com/receive/stream/events/{n}",
            "event_types": ["message.new"] if n % 2 else [],
            "enabled": bool(n % 2),
        }
        for n in range(5)
    ]
    sandbox.set_hooks(hooks)
    code, out = on_a_terminal("hooks", "list", columns=60)
    assert code == 0, out
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 60, out
    header = next(n for n, line in enumerate(lines) if "TARGET" in line)
    for name in ("ID", "TYPE", "ENABLED", "TARGET", "EVENTS", "FAILOVER"):
        assert name in lines[header].split(), out
    starts = [n for n, line in enumerate(lines) if "webhook" in line]
    assert len(starts) == 5, out  # every hook's row starts with its id and type
    ends = [*starts[1:], len([line for line in lines if line.strip()])]
    assert all(end - start <= 2 for start, end in zip(starts, ends, strict=True)), out


def test_two_hooks_on_one_host_look_different_at_80_columns(sandbox: SandboxApp) -> None:
    # TARGET was cut from the end: `http://127.0.0.1:8787/…` on both rows
    base = "http://127.0.0.1:8787/webhooks/stream"
    urls = [f"{base}/messages", f"{base}/moderation", "https://sqs.example.com/1234/queue-a"]
    sandbox.set_hooks(
        [
            {"id": str(uuid.uuid4()), "hook_type": "webhook", "webhook_url": url, "enabled": True}
            for url in urls
        ]
    )
    code, out = on_a_terminal("hooks", "list", columns=80)
    assert code == 0, out
    assert max(len(line) for line in out.splitlines()) <= 80, out
    rows = [line for line in out.splitlines() if "webhook" in line]
    assert len(rows) == 3, out
    targets = [row.split("│")[3].strip() for row in rows]
    assert len(set(targets)) == 3, targets  # no two look the same
    assert all(t.startswith(("127.0.0.1:8787", "http://127.0.0.1:8787")) for t in targets[:2])
    assert targets[0].endswith("/messages"), targets
    assert targets[1].endswith("eration"), targets  # the end of the path, cut in the middle
    assert "sqs.example.com" in targets[2], targets
    assert targets[2].endswith("queue-a"), targets
