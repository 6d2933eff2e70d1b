"""The local cache of hook ids that shell completion reads on Tab (never the network).

Written once per command, by ``cli.context.AppContext.close``, from the last hook
array the command read; read by ``hook_ids`` when the shell asks for completions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAX_CACHE = 1024 * 1024  # bytes: ids of thousands of hooks; Tab never reads more


def path() -> Path:
    from hookctl.config.settings import data_dir

    return data_dir() / "cache" / "hook-ids.json"


def remember_hooks(hooks: list[dict[str, Any]]) -> None:
    """Keep the ids (and types) of ``hooks``, for Tab completion."""
    from hookctl.base.errors import HookctlError
    from hookctl.base.fsutil import write_atomic

    try:
        rows = [[str(h.get("id")), str(h.get("hook_type"))] for h in hooks if h.get("id")]
        write_atomic(path(), json.dumps(rows).encode(), private_dir=True)
    except (OSError, HookctlError):
        pass  # a cache: never worth an error (and never written through a symlink)


def hook_ids(incomplete: str) -> list[tuple[str, str]]:
    """(id, hook type) of the cached hooks whose id starts with ``incomplete``.

    The shell runs this on Tab: whatever the file holds (a FIFO, /dev/zero, 50 MB,
    JSON of another shape), the answer is a list at once, possibly empty, never a
    wait or a traceback in the middle of the command line."""
    from hookctl.base.stdio import read_capped

    try:
        data = read_capped(path(), MAX_CACHE)
        rows = json.loads(data) if data is not None else []
    except (OSError, ValueError):
        return []
    if not isinstance(rows, list):
        return []
    pairs = [row for row in rows if isinstance(row, list) and len(row) == 2]
    return [
        (i, t)
        for i, t in pairs
        if isinstance(i, str) and isinstance(t, str) and i.startswith(incomplete)
    ]
