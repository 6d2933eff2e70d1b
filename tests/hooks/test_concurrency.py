"""Parallel hookctl processes must never lose a hook."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from hookctl.base.errors import ConflictError
from hookctl.hooks.array import Edit, add_edit, update_edit
from hookctl.hooks.writer import rebase
from tests.conftest import SandboxApp
from tests.hooks.warm import warm_adds

# One cold `python -m hookctl` process per hook, ``n`` in a row.
COLD = (
    "for i in $(seq 1 {n}); do "
    "{py} -m hookctl -q hooks add webhook --url https://p{w}.example.com/$i >/dev/null || exit 1; "
    "done"
)


@pytest.mark.parametrize(
    ("processes", "hooks_each", "cold"),
    [
        pytest.param(
            4, 10, False, id="4x10", marks=pytest.mark.slow
        ),  # 4 processes racing, 10 runs in each
        pytest.param(8, 25, True, id="8x25", marks=pytest.mark.slow),  # 200 cold processes
    ],
)
def test_parallel_processes_adding_hooks_keep_every_hook(
    sandbox: SandboxApp, processes: int, hooks_each: int, cold: bool
) -> None:
    env = {**os.environ, **sandbox.env()}

    def worker(w: int) -> int:
        if cold:
            cmd = ["bash", "-c", COLD.format(n=hooks_each, py=sys.executable, w=w)]
        else:
            cmd = warm_adds(f"https://p{w}.example.com/{{i}}", 1, hooks_each)
        return subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, timeout=600).returncode

    with ThreadPoolExecutor(processes) as pool:
        codes = list(pool.map(worker, range(processes)))
    assert codes == [0] * processes
    hooks = sandbox.hooks()
    urls = sorted(h["webhook_url"] for h in hooks)
    expected = sorted(
        f"https://p{w}.example.com/{i}" for w in range(processes) for i in range(1, hooks_each + 1)
    )
    assert len(hooks) == processes * hooks_each
    assert urls == expected
    assert len({h["id"] for h in hooks}) == len(hooks)


def _hook(i: str, url: str) -> dict[str, object]:
    return {"id": i, "hook_type": "webhook", "webhook_url": url, "enabled": True}


def test_rebase_keeps_a_hook_added_by_someone_else() -> None:
    base = [_hook("a", "https://a.io")]
    fresh = [*base, _hook("b", "https://b.io")]  # another machine added b meanwhile
    edit: Edit = add_edit({"hook_type": "webhook", "webhook_url": "https://c.io"})
    assert [h.get("webhook_url") for h in rebase(base, fresh, edit)] == [
        "https://a.io",
        "https://b.io",
        "https://c.io",
    ]
    edit = update_edit("a", {"enabled": False})
    result = rebase(base, fresh, edit)
    assert result[0]["enabled"] is False
    assert result[1] == fresh[1]


def test_rebase_stops_when_the_same_hook_changed() -> None:
    base = [_hook("a", "https://a.io")]
    fresh = [_hook("a", "https://changed.io")]
    with pytest.raises(ConflictError, match="changed by someone else"):
        rebase(base, fresh, update_edit("a", {"enabled": False}))
    with pytest.raises(ConflictError, match="removed by someone else"):
        rebase(base, [], update_edit("a", {"enabled": False}))
