"""One lock per app whatever the base URL's spelling (issue 23, item 6).

Reproduces the second adversarial pass: writers reaching one sandbox as
``127.0.0.1`` and as ``127.1`` got two leases (the lease was named from the
normalised base URL, and the normaliser does not fold ``127.1``); with writes
delayed by a proxy, one writer's read came before the other's write landed and
edits were lost. The lock is now named from the API key.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hookctl.hooks.lock import local_lock_name, parse_lock_url
from hookctl.sandbox.gcs import create_bucket
from tests.conftest import SandboxApp
from tests.gcs import fake_gcs_server
from tests.hooks.warm import warm_adds
from tests.proxy import Behaviour, proxy

BUCKET = "team-locks"
ADDS = 2


@pytest.fixture(scope="module")
def gcs() -> Iterator[str]:
    with fake_gcs_server() as url:
        create_bucket(url, BUCKET)
        yield url


def test_the_lock_names_come_from_the_app_not_the_url() -> None:
    assert local_lock_name("key") == local_lock_name(" key ")
    assert local_lock_name("key") != local_lock_name("other")
    assert "key" not in local_lock_name("key")
    assert parse_lock_url("gs://b-locks/hookctl/", "key") == (
        "b-locks",
        f"hookctl/hookctl-{local_lock_name('key').removesuffix('.lock')}.lock",
    )


def _delay_writes(method: str, _n: int) -> None:
    if method == "PATCH":  # the write lands late: a reader in between sees the old array
        time.sleep(random.uniform(0.1, 0.5))


# The default run's writers are warm (tests/hooks/warm.py: each process runs its ADDS
# hooks add in one interpreter); the cold variant, a ``python -m hookctl`` per hook, is slow.


@pytest.mark.parametrize(
    "cold",
    [
        pytest.param(False, id="warm", marks=pytest.mark.slow),
        pytest.param(True, id="cold", marks=pytest.mark.slow),
    ],
)
@pytest.mark.parametrize("lock", ["shared", "local"])
def test_writers_through_two_spellings_of_one_server_lose_nothing(
    sandbox: SandboxApp, gcs: str, tmp_path: Path, lock: str, cold: bool
) -> None:
    """Four processes, two spelling the proxy 127.0.0.1 and two 127.1: with the shared
    lock (each its own data dir: four machines) and with the local lock (one data dir)."""
    with proxy(sandbox.url, Behaviour(before=_delay_writes)) as url:
        port = url.rstrip("/").rsplit(":", 1)[1]

        def worker(w: int) -> list[str]:
            env = {
                **os.environ,
                **sandbox.env(),
                "STREAM_BASE_URL": f"http://{'127.1' if w % 2 else '127.0.0.1'}:{port}",
            }
            if lock == "shared":
                env["HOOKCTL_DATA_DIR"] = str(tmp_path / f"machine-{w}")
                env["HOOKCTL_LOCK_URL"] = f"gs://{BUCKET}/{sandbox.api_key}/"
                env["HOOKCTL_GCS_ENDPOINT"] = gcs
            else:
                env["HOOKCTL_DATA_DIR"] = str(tmp_path / "one-machine")
                env["HOOKCTL_SETTLE_SECONDS"] = "0"  # the lock alone must keep every write
            if not cold:
                proc = subprocess.run(
                    warm_adds(f"https://w{w}.example.com/{{i}}", 0, ADDS - 1),
                    env=env, capture_output=True, text=True, timeout=300, check=False,
                )  # fmt: skip
                return [proc.stderr] if proc.returncode != 0 else []
            failures = []
            for i in range(ADDS):
                proc = subprocess.run(
                    [sys.executable, "-m", "hookctl", "-q", "hooks", "add", "webhook",
                     "--url", f"https://w{w}.example.com/{i}"],
                    env=env, capture_output=True, text=True, timeout=300, check=False,
                )  # fmt: skip
                if proc.returncode != 0:
                    failures.append(proc.stderr)
            return failures

        with ThreadPoolExecutor(4) as pool:
            failures = [f for fs in pool.map(worker, range(4)) for f in fs]
    assert failures == []
    urls = sorted(h["webhook_url"] for h in sandbox.hooks())
    assert urls == sorted(f"https://w{w}.example.com/{i}" for w in range(4) for i in range(ADDS))
