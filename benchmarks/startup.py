"""Cold start-up of hookctl commands next to `python -c pass` and the stream-chat SDK.

Prints the median wall time of N cold processes for:
  python -c pass
  hookctl --help
  hookctl hooks list --json            (against an in-process sandbox)
  stream-chat SDK: get_app_settings()  (the same job with the official SDK)
  hookctl verify-signature
Targets (issue 10): --help under 100 ms; hooks list --json faster than the SDK script.

Usage: python benchmarks/startup.py [--runs 20]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hookctl.sandbox.server import SandboxServer
from hookctl.sandbox.state import SandboxState

KEY, SECRET = "bench-key", "bench-secret"


def median_ms(cmd: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append((time.perf_counter() - started) * 1000)
        if proc.returncode != 0:
            raise SystemExit(f"{cmd} failed: {proc.stderr.decode()[-300:]}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    state = SandboxState(None)
    state.add_app(KEY, SECRET)
    server = SandboxServer(state).start()
    body = tmp / "body.json"
    body.write_bytes(b'{"type":"message.new"}')
    sig = hmac.new(SECRET.encode(), body.read_bytes(), hashlib.sha256).hexdigest()
    env = {
        **os.environ,
        "STREAM_BASE_URL": server.url,
        "STREAM_API_KEY": KEY,
        "STREAM_API_SECRET": SECRET,
        "HOOKCTL_CONFIG": str(tmp / "config.toml"),
        "HOOKCTL_DATA_DIR": str(tmp / "data"),
    }
    hookctl = shutil.which("hookctl", path=str(Path(sys.executable).parent)) or "hookctl"
    sdk = (
        "import os; from stream_chat import StreamChat; "
        "c = StreamChat(os.environ['STREAM_API_KEY'], os.environ['STREAM_API_SECRET'], "
        "base_url=os.environ['STREAM_BASE_URL']); print(c.get_app_settings()['app'].get('event_hooks'))"
    )
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("hookctl --help", [hookctl, "--help"]),
        ("hookctl hooks list --json", [hookctl, "hooks", "list", "--json"]),
        ("stream-chat SDK: get_app_settings", [sys.executable, "-c", sdk]),
        (
            "hookctl verify-signature",
            [hookctl, "verify-signature", "--body", str(body), "--signature", sig],
        ),
    ]
    try:
        print(f"median of {args.runs} cold runs")
        for label, cmd in rows:
            print(f"{label:<36}{median_ms(cmd, env, args.runs):8.1f} ms", flush=True)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
