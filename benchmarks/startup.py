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
import sys
import tempfile
from pathlib import Path

from verify_signature import median_ms  # the same cold-run timer

from hookctl.sandbox.server import SandboxServer
from hookctl.sandbox.state import SandboxState

KEY, SECRET = "bench-key", "bench-secret"


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
