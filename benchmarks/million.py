"""A million failed events: `failover list --summary` and `replay --dry-run` in flat memory.

The backlog is ``benchmarks/corpus.py``'s (default 1,000,000 objects over 12 days, one
per second), served by ``benchmarks/gcs_standin.py`` from its index. Alternating,
``--repeat`` times, each timed from process start to exit with the child's peak RSS:

  bare list      an aiohttp script that lists every name (pages of 1,000, ``fields``
                 asked for, one call after another) and counts them: the floor for a
                 listing;
  list --summary `hookctl failover list --summary --json` over the whole window;
  bare list+GET  the same script, then GETs every object at concurrency 16 (what a dry
                 run has to do: it reads each envelope to say it is readable);
  dry run        `hookctl failover replay --dry-run --to URL --json` over the window;
  dry run --names-only  the same with ``--names-only``: a plan from the listing alone
                 (no envelope read), so its floor is the bare listing.

Targets (issue 27): peak RSS < 150 MB, and time within 1.2x of the bare listing.

hookctl reads the app's hooks from a sandbox running in this process (one webhook,
the corpus's hook): a user has Stream credentials, so ``list --summary`` checks
refusals as it would for them. (Before, the rows had credentials but no base URL:
each run spent its time failing to reach Stream and checked no refusals.)

Usage: python benchmarks/million.py [--events 1000000] [--days 12] [--repeat 1]
       [--skip dry-run,get,names-only]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import BUCKET, HOOK, PATH, START, Corpus
from replay import KEY, SECRET, gcs_args, hookctl_env, load, run_measured, wait_http

from hookctl.sandbox.run import build, free_port
from hookctl.sandbox.server import SandboxServer

HERE = Path(__file__).parent

BARE = r"""
import asyncio, json, sys
from urllib.parse import quote
import aiohttp
gcs, bucket, prefix, get = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "get"

async def main():
    names = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=32)) as s:
        token = None
        while True:
            params = {"prefix": prefix, "maxResults": "1000",
                      "fields": "items(name,generation,size),nextPageToken"}
            if token:
                params["pageToken"] = token
            async with s.get(f"{gcs}/storage/v1/b/{bucket}/o", params=params) as r:
                page = await r.json()
            names += [i["name"] for i in page.get("items", [])]
            token = page.get("nextPageToken")
            if not token:
                break
        read = 0
        if get:
            queue = asyncio.Queue()
            for name in names:
                queue.put_nowait(name)

            async def worker():
                nonlocal read
                while not queue.empty():
                    name = queue.get_nowait()
                    url = f"{gcs}/download/storage/v1/b/{bucket}/o/{quote(name, safe='')}?alt=media"
                    async with s.get(url) as r:
                        read += len(await r.read())

            await asyncio.gather(*(worker() for _ in range(16)))
    print(json.dumps({"listed": len(names), "bytes": read}))

asyncio.run(main())
"""


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds a running process has used (the store's share of a row)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_sandbox() -> SandboxServer:
    """A sandbox whose app has the corpus's hook (a webhook taking every type)."""
    sandbox = build("127.0.0.1", 0, None, KEY, SECRET)
    hook = {"id": HOOK, "hook_type": "webhook", "enabled": True}
    hook |= {"webhook_url": "http://127.0.0.1:9/x", "event_types": []}
    sandbox.state.update(KEY, {"event_hooks": [hook]})
    return sandbox.start()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip", default="", help="rows to leave out: get,dry-run,names-only")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    corpus = Corpus(args.events, args.days)
    tmp = Path(tempfile.mkdtemp(prefix="hookctl-million-"))
    port = free_port()
    gcs = f"http://127.0.0.1:{port}"
    store = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "gcs_standin.py"),
            "--port",
            str(port),
            "--events",
            str(args.events),
            "--days",
            str(args.days),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sandbox = start_sandbox()
    env = {**hookctl_env(tmp), "STREAM_BASE_URL": sandbox.url}
    (tmp / "bare.py").write_text(BARE)
    window = ["--since", START.isoformat(), "--until", corpus.until().isoformat()]
    hookctl = [sys.executable, "-m", "hookctl", "failover"]
    rows: dict[str, tuple[list[str], str]] = {
        "bare list": ([sys.executable, str(tmp / "bare.py"), gcs, BUCKET, f"{PATH}/", "list"], ""),
        "list --summary": ([*hookctl, "list", *gcs_args(gcs), *window, "--summary", "--json"], ""),
        "bare list+GET": (
            [sys.executable, str(tmp / "bare.py"), gcs, BUCKET, f"{PATH}/", "get"],
            "",
        ),
        "dry run": (
            [
                *hookctl,
                "replay",
                *gcs_args(gcs),
                *window,
                "--to",
                "http://127.0.0.1:9/x",
                "--dry-run",
                "--yes",
                "--json",
                "--no-journal",
            ],
            "",
        ),
    }
    rows["dry run --names-only"] = ([*rows["dry run"][0], "--names-only"], "")
    if "get" in skip:
        del rows["bare list+GET"]
    if "dry-run" in skip:
        del rows["dry run"]
    if "names-only" in skip:
        del rows["dry run --names-only"]
    try:
        wait_http(f"{gcs}/storage/v1/b")
        print(f"N = {args.events} over {corpus.days} days, {os.cpu_count()} CPUs, {load()}")
        times: dict[str, list[float]] = {k: [] for k in rows}
        peaks: dict[str, list[float]] = {k: [] for k in rows}
        cpus: dict[str, list[float]] = {k: [] for k in rows}
        store_cpus: dict[str, list[float]] = {k: [] for k in rows}
        for round_ in range(args.repeat):
            order = list(rows) if round_ % 2 == 0 else list(reversed(rows))
            for label in order:
                store_before = proc_cpu(store.pid)
                out, elapsed, peak, cpu = run_measured(rows[label][0], env, tmp)
                store_cpu = proc_cpu(store.pid) - store_before
                data = json.loads(out)
                counted = (
                    data.get("listed")
                    or data.get("count")
                    or data.get("counts", {}).get("selected")
                )
                assert counted == args.events, (label, counted)
                source = data.get("state_source") or {}
                assert source.get("refusals_checked", True), (label, "refusals not checked")
                times[label].append(elapsed)
                peaks[label].append(peak)
                cpus[label].append(cpu)
                store_cpus[label].append(store_cpu)
                print(
                    f"  {label:<20} {elapsed:7.1f} s  CPU {cpu:6.1f} s (store {store_cpu:5.1f} s)"
                    f"  peak RSS {peak:5.0f} MB  {load()}",
                    flush=True,
                )
        base = statistics.median(times["bare list"])
        base_cpu = statistics.median(cpus["bare list"])
        print("\nmedians (range):")
        for label in rows:
            t, c = statistics.median(times[label]), statistics.median(cpus[label])
            print(
                f"  {label:<20} {t:7.1f} s ({min(times[label]):.1f}-{max(times[label]):.1f})"
                f"  {t / base:5.2f}x bare list  CPU {c:6.1f} s "
                f"({min(cpus[label]):.1f}-{max(cpus[label]):.1f}) {c / base_cpu:5.2f}x"
                f"  store CPU {statistics.median(store_cpus[label]):5.1f} s"
                f"  peak RSS {max(peaks[label]):5.0f} MB"
            )
    finally:
        sandbox.stop()
        store.terminate()
        store.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
