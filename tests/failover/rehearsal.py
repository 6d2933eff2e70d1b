"""An outage on loopback for the runbook's tests: a sandbox with a local GCS, hooks with
failover, a receiver whose behaviour the test sets, and docs/runbook.md read into steps.

The runbook marks what a test runs: ``<!-- runbook: env -->`` before the block of
variables a reader fills in, ``<!-- runbook: step N exit CODE -->`` and
``<!-- runbook: case NAME exit CODE -->`` before a command, ``<!-- runbook: prints -->``
before the output that command shows (each line must appear; ``…`` stands for anything).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.loopback import Loopback, Reply, Request

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = ROOT / "docs" / "runbook.md"
MARK = re.compile(r"^<!-- runbook: (?P<what>.+?) -->$")
FENCE = re.compile(r"^(`{3,})")


@dataclass
class Step:
    kind: str  # "step" or "case"
    name: str  # "1" … "5", or a case's name
    exit: int
    command: str
    prints: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class Runbook:
    env: dict[str, str]
    steps: list[Step]

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)


def read_runbook(path: Path = RUNBOOK) -> Runbook:
    lines = path.read_text("utf-8").splitlines()
    env: dict[str, str] = {}
    steps: list[Step] = []
    i = 0
    while i < len(lines):
        mark = MARK.match(lines[i].strip())
        i += 1
        if mark is None:
            continue
        while i < len(lines) and not FENCE.match(lines[i]):
            i += 1
        fence = FENCE.match(lines[i])
        assert fence is not None, f"runbook.md:{i}: a mark with no block after it"
        start = i + 1
        end = next(k for k in range(start, len(lines)) if lines[k].startswith(fence.group(1)))
        body = lines[start:end]
        i = end + 1
        what = mark["what"].split()
        if what[0] == "env":
            for line in body:
                name, _, value = line.split("#", 1)[0].strip().partition("=")
                env[name] = value
        elif what[0] == "prints":
            steps[-1].prints = [line for line in body if line.strip()]
        else:
            kind, name, _, code = what  # "step 3 exit 0", "case partial exit 1"
            command = " ".join(line.rstrip("\\").strip() for line in body)
            steps.append(Step(kind, name, int(code), command, line=start))
    return Runbook(env, steps)


def pattern(line: str) -> re.Pattern[str]:
    """A printed line of the runbook as a match for one output line: ``…`` is anything."""
    return re.compile(".*?".join(re.escape(part) for part in line.split("…")) + r"\s*")


def missing_lines(expected: list[str], output: str) -> list[str]:
    """The runbook's lines that no output line matches."""
    shown = output.splitlines()
    return [e for e in expected if not any(pattern(e).fullmatch(s) for s in shown)]


# ---------------------------------------------------------------- the receiver


class Endpoint:
    """The webhook endpoint on a fixed port: ``down`` (nothing listens: connection
    refused), or up answering each event per ``mode``: "ok" (200), "fail-first-5"
    (500 to the first 5 distinct events, always), "slow" (200 after 0.3 s) or
    "hold" (waits until ``release`` is set). Records each event it accepted."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.mode = "ok"
        self.accepted: list[str] = []  # X-Webhook-Id of each 2xx
        self.bodies: dict[str, bytes] = {}
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.failing: set[str] = set()
        self.seen: set[str] = set()
        self.recover_after = 0  # "recovering": 503 until this many events have arrived
        self.lock = threading.Lock()
        self._server: Loopback | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def answer(self, webhook_id: str, body: bytes) -> int:
        self.arrived.set()
        if self.mode == "hold":
            self.release.wait(60)
        if self.mode == "slow":
            time.sleep(0.3)
        with self.lock:
            failing = webhook_id in self.failing or len(self.failing) < 5
            if self.mode == "fail-first-5" and failing:
                self.failing.add(webhook_id)
                return 500
            self.seen.add(webhook_id)
            if self.mode == "recovering" and len(self.seen) <= self.recover_after:
                return 503
            self.accepted.append(webhook_id)
            self.bodies[webhook_id] = body
        return 200

    def up(self, mode: str = "ok") -> Endpoint:
        self.mode = mode
        if self._server is None:
            server = Loopback(self.port)
            server.route("POST", "/hooks", handler=self._serve)
            self._server = server.start()
        return self

    def _serve(self, request: Request) -> Reply:
        return Reply(self.answer(request.headers.get("x-webhook-id", ""), request.body))

    def down(self) -> None:
        if self._server is not None:
            self.release.set()
            self._server.stop()
            self._server = None

    def reset(self) -> None:
        with self.lock:
            self.accepted.clear()
            self.bodies.clear()
            self.failing.clear()
            self.seen.clear()
        self.arrived.clear()
        self.release.clear()


# ---------------------------------------------------------------- the outage


@dataclass
class Outage:
    env: dict[str, str]  # STREAM_*, HOOKCTL_GCS_ENDPOINT, HOOKCTL_CONFIG, PATH
    hooks: list[str]
    endpoint: Endpoint
    key: Path

    def hookctl(self, *args: str, data: Path | None = None) -> str:
        """Run hookctl for the setup, in this process (the setup is not what is tested:
        the runbook's own commands run as a reader runs them, in ``shell``); its stdout
        (it must succeed)."""
        from typer.testing import CliRunner

        from hookctl.cli import app

        env: dict[str, str | None] = {
            k: None for k in os.environ if k.startswith(("STREAM_", "HOOKCTL_"))
        }
        env.update(self.env)
        env.update({"HOOKCTL_DATA_DIR": str(data)} if data else {})
        result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return result.stdout

    def shell(self, command: str, variables: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
        """A runbook command as a reader runs it: bash, the variables set, in ``cwd``
        (its data dir there: each rehearsal its own journal)."""
        env = {**self.env, **variables, "HOOKCTL_DATA_DIR": str(cwd / "data")}
        return subprocess.Popen(
            ["bash", "-u", "-o", "pipefail", "-c", command],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,  # its own process group: a test signals only it
        )


def base_env(tmp: Path) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STREAM_", "HOOKCTL_")) and k not in ("CI", "FORCE_COLOR")
    }
    return {
        **keep,
        "NO_COLOR": "1",
        "COLUMNS": "100",
        "HOOKCTL_CONFIG": str(tmp / "config.toml"),
        "HOOKCTL_SETTLE_SECONDS": "0",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }


@contextmanager
def outage(
    tmp: Path, *, events: dict[str, int] | None = None, routes: list[list[str]] | None = None
) -> Iterator[Outage]:
    """A sandbox with a local GCS and one webhook hook with failover per entry of
    ``routes`` (the event types it receives; default one hook for every type), all
    pointing at one endpoint; the endpoint is down while ``events`` (type → count) are
    emitted, so each one lands in the bucket as Stream would write it."""
    from hookctl.sandbox.gcs import LocalGcs
    from hookctl.sandbox.run import build, free_port
    from hookctl.sandbox.state import DEFAULT_KEY, DEFAULT_SECRET

    events = events or {"message.new": 10}
    with LocalGcs() as gcs:
        gcs.create_bucket("outage-failover")
        server = build("127.0.0.1", 0, None, DEFAULT_KEY, DEFAULT_SECRET, gcs_endpoint=gcs.url)
        server.start()
        endpoint = Endpoint(free_port())
        try:
            env = {
                **base_env(tmp),
                "STREAM_BASE_URL": server.url,
                "STREAM_API_KEY": DEFAULT_KEY,
                "STREAM_API_SECRET": DEFAULT_SECRET,
                "HOOKCTL_GCS_ENDPOINT": gcs.url,
            }
            scene = Outage(env, [], endpoint, tmp / "key.json")
            setup = tmp / "setup-data"
            scene.hookctl("sandbox", "keygen", "--out", str(scene.key), data=setup)
            for types in routes or [list(events)]:
                hook = scene.hookctl(
                    "hooks", "add", "webhook", "--url", endpoint.url,
                    "--events", ",".join(types), data=setup,
                ).strip()  # fmt: skip
                scene.hookctl(
                    "failover", "set", hook, "--bucket", "outage-failover",
                    "--path", "stream/failed-events", "--credentials", str(scene.key), "--yes",
                    data=setup,
                )  # fmt: skip
                scene.hooks.append(hook)
            for event_type, count in events.items():  # the endpoint is down: all fail over
                scene.hookctl("sandbox", "emit", event_type, "--count", str(count), data=setup)
            yield scene
        finally:
            endpoint.down()
            server.stop()
