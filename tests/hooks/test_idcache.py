"""The hook-id cache for Tab completion: written once per command, from the last read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hookctl.hooks import idcache
from tests.conftest import Cli


@pytest.mark.usefixtures("sandbox")
def test_a_write_caches_the_array_read_back_once(
    cli: Cli, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[list[dict[str, Any]]] = []

    def spy(hooks: list[dict[str, Any]]) -> None:
        writes.append(hooks)
        real(hooks)

    real = idcache.remember_hooks
    monkeypatch.setattr(idcache, "remember_hooks", spy)
    added = cli("hooks", "add", "webhook", "--url", "https://example.com/a")
    assert added.exit_code == 0, added.stderr
    new_id = added.stdout.strip()
    assert len(writes) == 1  # the writer read the array three times
    cache = isolated_env / "data" / "cache" / "hook-ids.json"
    assert json.loads(cache.read_text()) == [[new_id, "webhook"]]
    assert idcache.hook_ids(new_id[:4]) == [(new_id, "webhook")]
    assert idcache.hook_ids("zz") == []


def test_commands_that_read_no_hooks_leave_the_cache_alone(cli: Cli, isolated_env: Path) -> None:
    assert cli("events", "list", "--json").exit_code == 0
    assert not (isolated_env / "data" / "cache" / "hook-ids.json").exists()
    assert idcache.hook_ids("") == []
