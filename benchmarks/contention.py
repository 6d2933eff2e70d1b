"""Concurrent `hooks add` across "machines": what the read-back and the shared lock buy.

Starts the sandbox in-process, then runs P processes x N `hookctl hooks add webhook`,
each process with its own HOOKCTL_DATA_DIR (as P laptops or CI runners would), half
spelling the sandbox as `localhost`, half as `127.0.0.1`. For each mode it reports:
  - adds that exited 0 (printed ✓) and adds that exited 1 (named what was lost),
  - lost-after-success: exit-0 adds whose hook is absent at the end (must be 0),
  - hooks present at the end, and the wall time per add.
Modes: `settle=S` (no shared lock, HOOKCTL_SETTLE_SECONDS=S) for each S in --settle,
and `lock` (HOOKCTL_LOCK_URL on a fake-gcs-server) with --lock.

Usage: python benchmarks/contention.py [--processes 10] [--adds 20] [--settle 0,0.5]
       [--repeat 3] [--lock]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def run_mode(
    url: str, key: str, secret: str, extra: dict[str, str], processes: int, adds: int
) -> dict[str, float]:
    port = url.rsplit(":", 1)[1]
    tag = uuid.uuid4().hex[:6]
    with tempfile.TemporaryDirectory() as tmp:

        def worker(w: int) -> list[tuple[str, int]]:
            env = {
                **os.environ,
                "STREAM_API_KEY": key,
                "STREAM_API_SECRET": secret,
                "STREAM_BASE_URL": f"http://{'localhost' if w % 2 else '127.0.0.1'}:{port}",
                "HOOKCTL_DATA_DIR": str(Path(tmp) / f"m{w}"),
                "HOOKCTL_CONFIG": str(Path(tmp) / "none.toml"),
                **extra,
            }
            out = []
            for i in range(adds):
                target = f"https://{tag}-m{w}.example.com/{i}"
                proc = subprocess.run(
                    [sys.executable, "-m", "hookctl", "-q", "hooks", "add", "webhook", "--url",
                     target],
                    env=env, capture_output=True, timeout=900, check=False,
                )  # fmt: skip
                out.append((target, proc.returncode))
            return out

        started = time.perf_counter()
        with ThreadPoolExecutor(processes) as pool:
            results = [r for rs in pool.map(worker, range(processes)) for r in rs]
        elapsed = time.perf_counter() - started
    return {"results": results, "elapsed": elapsed}  # type: ignore[dict-item]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=10)
    parser.add_argument("--adds", type=int, default=20)
    parser.add_argument("--settle", default="0,0.5")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lock", action="store_true")
    args = parser.parse_args()

    from hookctl.sandbox.server import SandboxServer
    from hookctl.sandbox.state import SandboxState

    server = SandboxServer(SandboxState(None)).start()
    modes: list[tuple[str, dict[str, str]]] = [
        (f"settle={s}", {"HOOKCTL_SETTLE_SECONDS": s}) for s in args.settle.split(",") if s
    ]
    gcs_ctx = None
    if args.lock:
        from hookctl.sandbox.gcs import LocalGcs, create_bucket

        gcs_ctx = LocalGcs()
        gcs = gcs_ctx.__enter__()
        create_bucket(gcs.url, "bench-locks")
        modes.append(
            ("lock", {"HOOKCTL_LOCK_URL": "gs://bench-locks/", "HOOKCTL_GCS_ENDPOINT": gcs.url})
        )
    try:
        print("mode        run  exit0  exit1  lost-after-✓  present/expected  s/add")
        for name, extra in modes:
            for run in range(1, args.repeat + 1):
                key = f"bench-{uuid.uuid4().hex[:8]}"
                secret = uuid.uuid4().hex
                server.state.add_app(key, secret)
                got = run_mode(server.url, key, secret, extra, args.processes, args.adds)
                results: list[tuple[str, int]] = got["results"]  # type: ignore[assignment]
                live = {h.get("webhook_url") for h in server.state.app_json(key)["event_hooks"]}
                ok = [t for t, code in results if code == 0]
                failed = [t for t, code in results if code != 0]
                lost = [t for t in ok if t not in live]
                total = len(results)
                print(
                    f"{name:<11} {run:>3}  {len(ok):>5}  {len(failed):>5}  {len(lost):>12}  "
                    f"{len(live):>7}/{total:<8}  {got['elapsed'] / total * args.processes:.2f}"
                )
    finally:
        server.stop()
        if gcs_ctx is not None:
            gcs_ctx.__exit__(None, None, None)


if __name__ == "__main__":
    main()
