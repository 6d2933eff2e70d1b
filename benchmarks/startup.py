"""Cold start-up of hookctl commands in a REGULAR install, paired against baselines.

An editable install hides start-up costs (its finder loads ``re``, ``pathlib``
and more into every interpreter), so this measures hookctl installed with
``pip install .`` into a separate venv, with that venv's own interpreter.

Each row alternates baseline and hookctl runs (ABAB…, the order flipping every
round) and reports the median of each and the median of the per-pair ratios,
so a machine shared with other work moves both sides alike (targets are judged
on the wall-time ratio; the CPU-time ratio, user + system of the child, is
printed too: it is steadier under load). Rows and targets
(issue 18):

  hookctl --version            ÷ python -c pass                 <= 2x
  hookctl --help               ÷ python -c pass                 (served from a file)
  hookctl GROUP --help         ÷ python -c pass, every group    <= 3x
  hookctl verify-signature     ÷ a bare Python HMAC script      <= 1.5x
  hookctl hooks list --json    ÷ stream-chat SDK script         <= 0.5x (20 hooks, sandbox)

Usage:
  python benchmarks/startup.py [--runs 20] [--venv DIR]
With --venv DIR the venv is kept: created (``pip install . stream-chat``) when
DIR does not exist, else only hookctl is reinstalled there (``--no-deps``).
Without it a temporary venv is created and removed (a full install: minutes).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hookctl.entry import GROUPS
from hookctl.sandbox.server import SandboxServer
from hookctl.sandbox.state import SandboxState

ROOT = Path(__file__).resolve().parent.parent
KEY, SECRET = "bench-key", "bench-secret-0123456789abcdef"
HOOKS = 20

BARE_HMAC = (
    "import hmac,hashlib,os,sys; b=open(sys.argv[1],'rb').read(); "
    "s=hmac.new(os.environ['STREAM_API_SECRET'].encode(),b,hashlib.sha256).hexdigest(); "
    "sys.exit(0 if hmac.compare_digest(s,sys.argv[2]) else 1)"
)
NO_WRAPPER = "import sys; sys.argv[0] = 'hookctl'; from hookctl.entry import main; main()"
SDK_HOOKS = (
    "import os, json; from stream_chat import StreamChat; "
    "c = StreamChat(os.environ['STREAM_API_KEY'], os.environ['STREAM_API_SECRET'], "
    "base_url=os.environ['STREAM_BASE_URL']); "
    "print(json.dumps(c.get_app_settings()['app'].get('event_hooks'), indent=2))"
)


def install(venv: Path, *, keep: bool) -> None:
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    if keep and (venv / "bin" / "hookctl").exists():
        subprocess.run([*pip, "--no-deps", "--force-reinstall", str(ROOT)], check=True)
        return
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([*pip, str(ROOT), "stream-chat"], check=True)


def once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall ms and CPU ms (user + system) of one cold process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(  # cwd "/": `python -c` must not import hookctl from a checkout
        cmd, env=env, cwd="/", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    elapsed = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed: {proc.stderr.decode()[-300:]}")
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return elapsed, cpu


def paired(
    base: list[str], cmd: list[str], env: dict[str, str], runs: int
) -> tuple[float, float, float, float]:
    """Median wall ms of the baseline and of hookctl, median per-pair wall and CPU ratios."""
    once(base, env), once(cmd, env)  # warm the page cache
    a, b, ratios, cpu_ratios = [], [], [], []
    for i in range(runs):
        if i % 2:
            tb, ta = once(cmd, env), once(base, env)
        else:
            ta, tb = once(base, env), once(cmd, env)
        a.append(ta[0])
        b.append(tb[0])
        ratios.append(tb[0] / ta[0])
        cpu_ratios.append(tb[1] / max(ta[1], 0.001))
    return (
        statistics.median(a),
        statistics.median(b),
        statistics.median(ratios),
        statistics.median(cpu_ratios),
    )


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--venv", type=Path, help="keep the regular-install venv here")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hookctl-startup-"))
    venv = args.venv or tmp / "venv"
    print(f"installing hookctl (regular, not editable) into {venv} …", flush=True)
    install(venv, keep=args.venv is not None)
    python, hookctl = str(venv / "bin" / "python"), str(venv / "bin" / "hookctl")

    state = SandboxState(None)
    state.add_app(KEY, SECRET)
    state.update(
        KEY,
        {
            "event_hooks": [
                {
                    "id": f"hook-{i:02d}",
                    "hook_type": "webhook",
                    "enabled": True,
                    "webhook_url": f"https://example.com/hooks/{i}",
                    "event_types": ["message.new"],
                }
                for i in range(HOOKS)
            ]
        },
    )
    server = SandboxServer(state).start()
    body = tmp / "body.json"
    body.write_bytes(b'{"type":"message.new","message":{"text":"' + b"x" * 10_000 + b'"}}')
    sig = hmac.new(SECRET.encode(), body.read_bytes(), hashlib.sha256).hexdigest()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("STREAM_", "HOOKCTL_"))},
        "STREAM_BASE_URL": server.url,
        "STREAM_API_KEY": KEY,
        "STREAM_API_SECRET": SECRET,
        "HOOKCTL_CONFIG": str(tmp / "config.toml"),
        "HOOKCTL_DATA_DIR": str(tmp / "data"),
    }
    bare = [python, "-c", "pass"]
    rows: list[tuple[str, list[str], list[str], float | None]] = [
        ("--version ÷ python -c pass", bare, [hookctl, "--version"], 2.0),
        ("--help ÷ python -c pass", bare, [hookctl, "--help"], None),
        *[
            (f"{group} --help ÷ python -c pass", bare, [hookctl, group, "--help"], 3.0)
            for group in GROUPS
        ],
        (
            "verify-signature ÷ bare HMAC script",
            [python, "-c", BARE_HMAC, str(body), sig],
            [hookctl, "verify-signature", "--body", str(body), "--signature", sig],
            1.5,
        ),
        (  # the same, without pip's console-script wrapper (its first line is `import re`)
            "  … entry.main() without pip's wrapper",
            [python, "-c", BARE_HMAC, str(body), sig],
            [python, "-c", NO_WRAPPER, "verify-signature", "--body", str(body), "--signature", sig],
            None,
        ),
        (
            f"hooks list --json ÷ SDK script ({HOOKS} hooks)",
            [python, "-c", SDK_HOOKS],
            [hookctl, "hooks", "list", "--json"],
            0.5,
        ),
    ]
    try:
        print(f"{args.runs} paired cold runs per row, {load()}", flush=True)
        print(f"{'row':<44}{'base ms':>9}{'hookctl ms':>12}{'ratio':>8}{'cpu':>8}  target")
        missed = 0
        for label, base, cmd, target in rows:
            a, b, ratio, cpu = paired(base, cmd, env, args.runs)
            verdict = ""
            if target is not None:
                ok = ratio <= target
                missed += not ok
                verdict = f"<= {target}x {'ok' if ok else 'MISSED'}"
            print(f"{label:<44}{a:9.1f}{b:12.1f}{ratio:7.2f}x{cpu:7.2f}x  {verdict}", flush=True)
        print(f"done, {load()}; {missed} target(s) missed")
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
