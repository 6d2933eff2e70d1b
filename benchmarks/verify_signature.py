"""Cold start-up of `hookctl verify-signature` against the baselines of issue 5.

Prints the median wall time of N cold processes for:
  (a) a bare `python -c` script: read the file, hmac.compare_digest
  (b) `hookctl verify-signature --body FILE --signature SIG` (the console script)
  (c) a one-line script using the official stream-chat SDK's verify_webhook
Targets: (b) <= 1.5 x (a), and (b) < (c).

Usage: python benchmarks/verify_signature.py [--runs 30]
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

SECRET = "bench-secret-0123456789abcdef"


def median_ms(cmd: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append((time.perf_counter() - started) * 1000)
        if proc.returncode != 0:
            raise SystemExit(f"{cmd[:3]} failed: {proc.stderr.decode()[-300:]}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    body = tmp / "body.json"
    body.write_bytes(b'{"type":"message.new","message":{"text":"' + b"x" * 10_000 + b'"}}')
    sig = hmac.new(SECRET.encode(), body.read_bytes(), hashlib.sha256).hexdigest()
    env = {**os.environ, "STREAM_API_SECRET": SECRET, "HOOKCTL_CONFIG": str(tmp / "none.toml")}
    hookctl = shutil.which("hookctl", path=str(Path(sys.executable).parent)) or "hookctl"
    bare = (
        "import hmac,hashlib,os,sys; b=open(sys.argv[1],'rb').read(); "
        "s=hmac.new(os.environ['STREAM_API_SECRET'].encode(),b,hashlib.sha256).hexdigest(); "
        "sys.exit(0 if hmac.compare_digest(s,sys.argv[2]) else 1)"
    )
    sdk = (
        "import os,sys; from stream_chat import StreamChat; "
        "c=StreamChat(api_key='k',api_secret=os.environ['STREAM_API_SECRET']); "
        "sys.exit(0 if c.verify_webhook(open(sys.argv[1],'rb').read(),sys.argv[2]) else 1)"
    )
    cases = {
        "(a) python -c hmac.compare_digest": [sys.executable, "-c", bare, str(body), sig],
        "(b) hookctl verify-signature": [
            hookctl,
            "verify-signature",
            "--body",
            str(body),
            "--signature",
            sig,
        ],
        "(c) stream-chat verify_webhook": [sys.executable, "-c", sdk, str(body), sig],
        "    python -c pass": [sys.executable, "-c", "pass"],
    }
    for cmd in cases.values():  # warm the page cache
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = {name: median_ms(cmd, env, args.runs) for name, cmd in cases.items()}
    for name, ms in results.items():
        print(f"{name:40s} {ms:7.1f} ms (median of {args.runs})")
    a = results["(a) python -c hmac.compare_digest"]
    b = results["(b) hookctl verify-signature"]
    c = results["(c) stream-chat verify_webhook"]
    print(
        f"hookctl / bare script = {b / a:.2f}x (target <= 1.5x): {'ok' if b <= 1.5 * a else 'MISSED'}"
    )
    print(f"hookctl / stream-chat = {b / c:.2f}x (target < 1x):   {'ok' if b < c else 'MISSED'}")


if __name__ == "__main__":
    main()
