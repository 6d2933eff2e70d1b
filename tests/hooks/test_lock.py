"""Write locks: one local lock per app however its base URL is spelt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from hookctl.base.errors import HookctlError
from hookctl.hooks.lock import GcsLease, local_lock_name, parse_lock_url
from hookctl.sandbox.gcs import create_bucket
from tests.conftest import Cli, SandboxApp
from tests.gcs import fake_gcs_server


def test_one_app_takes_one_lock_and_two_apps_two() -> None:
    """Named from the API key: every spelling of the base URL is the same app (the
    spellings themselves: tests/hooks/test_lock_spellings.py)."""
    assert local_lock_name("key") != local_lock_name("other")


# ---------------------------------------------------------------- the shared lease in GCS


BUCKET = "team-locks"


@pytest.fixture(scope="module")
def gcs() -> Iterator[str]:
    with fake_gcs_server() as url:
        create_bucket(url, BUCKET)
        yield url


def lease(gcs: str, name: str, **kwargs: object) -> GcsLease:
    return GcsLease(BUCKET, name, endpoint=gcs, **kwargs)  # type: ignore[arg-type]


def stored(gcs: str, name: str) -> dict[str, object] | None:
    found = lease(gcs, name).read()
    return None if found is None else found[1]


def test_one_creator_wins_and_a_live_lease_is_never_taken(gcs: str) -> None:
    name = f"l/{uuid.uuid4().hex}"
    notes: list[str] = []
    first = lease(gcs, name, lease_seconds=3600)
    first.acquire()
    second = lease(gcs, name, wait_seconds=0.3, on_note=notes.append)
    with pytest.raises(HookctlError, match="is held by") as caught:
        second.acquire()
    assert first.holder in caught.value.message
    assert notes == [f"waiting for the shared lock gs://{BUCKET}/{name}, held by {first.holder}"]
    first.release()
    assert stored(gcs, name) is None
    second.acquire()
    assert stored(gcs, name)["holder"] == second.holder  # type: ignore[index]


def test_an_expired_lease_is_taken_over_naming_the_old_holder(gcs: str) -> None:
    name = f"l/{uuid.uuid4().hex}"
    old = lease(gcs, name, lease_seconds=-1)  # expired as soon as written
    old.acquire()
    notes: list[str] = []
    new = lease(gcs, name, on_note=notes.append)
    new.acquire()
    assert len(notes) == 1
    assert old.holder in notes[0]
    assert "took over" in notes[0]
    # The old holder's release must not delete its successor's lease.
    old.release()
    assert stored(gcs, name)["holder"] == new.holder  # type: ignore[index]
    new.release()
    assert stored(gcs, name) is None


def test_takeover_is_a_compare_and_swap_only_one_wins(gcs: str) -> None:
    name = f"l/{uuid.uuid4().hex}"
    lease(gcs, name, lease_seconds=-1).acquire()
    racers = [lease(gcs, name, lease_seconds=3600, wait_seconds=0.5) for _ in range(6)]

    def race(racer: GcsLease) -> bool:
        try:
            racer.acquire()
        except HookctlError:
            return False
        return True

    with ThreadPoolExecutor(6) as pool:
        won = list(pool.map(race, racers))
    assert won.count(True) == 1


def test_what_fake_gcs_server_enforces(gcs: str) -> None:
    """The emulator checks ifGenerationMatch on multipart uploads (create and swap), but not
    on DELETE or uploadType=media: release therefore reads before deleting, and no step
    relies on a precondition the emulator ignores."""
    name = f"l/{uuid.uuid4().hex}"
    holder = lease(gcs, name, lease_seconds=3600)
    holder.acquire()
    generation = holder.generation
    path = f"{gcs}/storage/v1/b/{BUCKET}/o/{name.replace('/', '%2F')}"
    media = httpx.post(
        f"{gcs}/upload/storage/v1/b/{BUCKET}/o",
        params={"uploadType": "media", "name": name, "ifGenerationMatch": "0"},
        content=b"{}",
    )
    assert media.status_code == 200  # ignored: GCS would answer 412
    current = lease(gcs, name).read()
    assert current is not None
    assert current[0] != generation
    deleted = httpx.delete(path, params={"ifGenerationMatch": generation})
    assert deleted.status_code in (200, 204)  # ignored: GCS would answer 412
    assert httpx.get(path).status_code == 404


def test_lock_url_names_one_object_per_app() -> None:
    bucket, name = parse_lock_url("gs://b-locks/hookctl/", "k")
    assert bucket == "b-locks"
    assert name.startswith("hookctl/hookctl-")
    assert name.endswith(".lock")
    assert parse_lock_url("gs://b-locks/x.lock", "k") == ("b-locks", "x.lock")
    assert parse_lock_url("gs://b-locks", "k")[1] == name.split("/")[1]


@pytest.mark.parametrize("url", ["s3://b/x", "gs://UPPER/x", "gs://b-locks/a//b"])
def test_a_bad_lock_url_is_exit_2(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("HOOKCTL_LOCK_URL", url)
    result = cli("hooks", "add", "webhook", "--url", "https://example.com/x")
    assert result.exit_code == 2, result.output
    assert sandbox.hooks() == []


def test_hooks_add_under_the_shared_lock(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch, gcs: str
) -> None:
    name = f"apps/{uuid.uuid4().hex}.lock"
    lease(gcs, name, lease_seconds=-1).acquire()  # a crashed holder's stale lease
    monkeypatch.setenv("HOOKCTL_LOCK_URL", f"gs://{BUCKET}/{name}")
    monkeypatch.setenv("HOOKCTL_GCS_ENDPOINT", gcs)
    result = cli("hooks", "add", "webhook", "--url", "https://example.com/x")
    assert result.exit_code == 0, result.output
    assert "took over the shared lock" in result.stderr
    assert len(sandbox.hooks()) == 1
    assert stored(gcs, name) is None  # released


@pytest.mark.slow
def test_ten_machines_twenty_adds_each_with_the_shared_lock(
    sandbox: SandboxApp, gcs: str, tmp_path: Path
) -> None:
    """Ten processes, each its own data dir (ten laptops or CI runners), half spelling the
    sandbox as localhost: with the shared lock every one of the 200 hooks is there."""
    port = sandbox.url.rsplit(":", 1)[1]
    adds = 20

    def worker(w: int) -> list[str]:
        env = {
            **os.environ,
            **sandbox.env(),
            "HOOKCTL_DATA_DIR": str(tmp_path / f"machine-{w}"),
            "HOOKCTL_LOCK_URL": f"gs://{BUCKET}/ten-machines/",
            "HOOKCTL_GCS_ENDPOINT": gcs,
            "STREAM_BASE_URL": f"http://{'localhost' if w % 2 else '127.0.0.1'}:{port}",
        }
        failures = []
        for i in range(adds):
            proc = subprocess.run(
                [sys.executable, "-m", "hookctl", "-q", "hooks", "add", "webhook", "--url",
                 f"https://m{w}.example.com/{i}"],
                env=env, capture_output=True, text=True, timeout=600, check=False,
            )  # fmt: skip
            if proc.returncode != 0:
                failures.append(proc.stderr)
        return failures

    with ThreadPoolExecutor(10) as pool:
        failures = [f for fs in pool.map(worker, range(10)) for f in fs]
    assert failures == []
    urls = sorted(h["webhook_url"] for h in sandbox.hooks())
    assert urls == sorted(f"https://m{w}.example.com/{i}" for w in range(10) for i in range(adds))
    assert json.dumps(urls)  # 200 distinct hooks, none lost


def test_config_show_sources_names_the_lock(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOKCTL_LOCK_URL", "gs://team-locks/hookctl/")
    result = cli("config", "show", "--sources", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["lock_url"] == {
        "value": "gs://team-locks/hookctl/",
        "source": "env HOOKCTL_LOCK_URL",
    }
