"""Shared fixtures: isolated config/data dirs, a real sandbox server, a CLI runner."""

from __future__ import annotations

import os
import signal
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from hypothesis import settings as hypothesis_settings
from typer.testing import CliRunner

from hookctl.cli import app
from hookctl.sandbox.server import SandboxServer
from hookctl.sandbox.state import SandboxState


def _build_each_app_once() -> None:
    """Make typer's ``CliRunner.invoke`` build each app's command tree once per process.

    Typer's test runner turns the ``Typer`` app into Click commands on *every* invoke:
    ~45 ms of the ~55 ms an in-process ``hooks list`` costs, the biggest CPU cost of the
    suite. The built tree is only read when a command runs (each run gets a fresh
    context), so building it once per app object is the same test of the same tree.
    The real entry point (``hookctl.cli.main``) is untouched: it builds one command's
    branch per process, and the subprocess tests cover it.
    """
    build = getattr(typer.testing, "_get_command", None)
    if build is None or getattr(build, "hookctl_cached", False):
        return  # a typer without the hook: tests still pass, only slower
    built: dict[int, tuple[object, Any]] = {}

    def get_command(typer_instance: Any) -> Any:
        held = built.get(id(typer_instance))
        if held is None or held[0] is not typer_instance:
            held = built[id(typer_instance)] = (typer_instance, build(typer_instance))
        return held[1]

    get_command.hookctl_cached = True  # type: ignore[attr-defined]
    typer.testing._get_command = get_command  # type: ignore[attr-defined]


_build_each_app_once()

# A shell that starts the suite in the background (`pytest … &`, no job control) hands it
# SIGINT *ignored*, and every process a test starts inherits that: the Ctrl-C tests would
# then wait out their bounds. A handled signal is reset to the default in a child.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Timing is measured in benchmarks/, never in tests: no per-example deadline. CI sets
# HOOKCTL_FUZZ_DERANDOMIZE=1 so a landing gate draws the same examples on every run (a new
# find must not fail an unrelated change); explore with fresh seeds by leaving it unset.
hypothesis_settings.register_profile(
    "hookctl",
    deadline=None,
    derandomize=os.environ.get("HOOKCTL_FUZZ_DERANDOMIZE") == "1",
)
hypothesis_settings.load_profile("hookctl")


def pytest_configure(config: pytest.Config) -> None:
    """Compile hookctl's modules once, before any worker or ``python -m hookctl`` starts.

    The suite starts a few hundred hookctl processes. Python writes each module's
    bytecode on first import, unless PYTHONDONTWRITEBYTECODE is set (as on the machines
    this project's CI runs on): then every one of those processes, and every xdist
    worker, compiled hookctl from source again (~25 ms of CPU a process, ~0.1 s a
    worker; compiling all of it once takes ~0.15 s). The bytecode lands in
    ``__pycache__`` (git-ignored), where Python would have put it; a stale file is
    ignored by Python, never run.
    """
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller compiled before starting it
    if "mutmut" in sys.modules:
        return  # scripts/mutation.py: a pytest session per mutant, in-process tests only
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parents[1] / "hookctl", quiet=2)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """How many xdist workers ``-n auto`` (in pyproject's addopts) starts.

    Twice the CPUs (at most 8): most tests wait on sockets and child processes, so
    more workers than cores keep the cores busy. None (run in this process) when the
    command line names one test file or tests in it (``pytest tests/test_x.py``,
    ``pytest tests/test_x.py::test_y``): starting workers costs ~2 s before the first
    test, more than most single files take. ``PYTEST_XDIST_AUTO_NUM_WORKERS`` wins.
    """
    chosen = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS", "")
    if chosen.isdigit():
        return int(chosen)
    files = {arg.split("::", 1)[0] for arg in config.args}
    if len(files) == 1 and Path(config.invocation_params.dir, *files).is_file():
        return 0
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cpus or 1), 8)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith(("STREAM_", "HOOKCTL_")) or name in ("CI", "FORCE_COLOR"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOOKCTL_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("HOOKCTL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")
    # No read-back settle delay by default (tests of the delay set it themselves).
    monkeypatch.setenv("HOOKCTL_SETTLE_SECONDS", "0")
    monkeypatch.setenv("COLUMNS", "100")
    return tmp_path


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    server = SandboxServer(SandboxState(None)).start()
    yield server
    server.stop()


@dataclass
class SandboxApp:
    url: str
    api_key: str
    api_secret: str
    server: SandboxServer

    def hooks(self) -> list[dict[str, Any]]:
        """The sandbox's stored array, read from its state (not through hookctl)."""
        return self.server.state.app_json(self.api_key)["event_hooks"]

    def set_hooks(self, hooks: list[dict[str, Any]]) -> None:
        self.server.state.update(self.api_key, {"event_hooks": hooks})

    def env(self) -> dict[str, str]:
        return {
            "STREAM_BASE_URL": self.url,
            "STREAM_API_KEY": self.api_key,
            "STREAM_API_SECRET": self.api_secret,
        }


@pytest.fixture
def sandbox(sandbox_server: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxApp]:
    """A fresh app in the shared sandbox, with STREAM_* pointing at it.

    Inject faults for this app only (``api_key`` in ``POST /_sandbox/faults``); whatever
    the test left is dropped afterwards, so tests cannot hit each other's faults.
    """
    key = f"key-{uuid.uuid4().hex[:12]}"
    secret = f"secret-{uuid.uuid4().hex}"
    sandbox_server.state.add_app(key, secret)
    sb = SandboxApp(sandbox_server.url, key, secret, sandbox_server)
    for name, value in sb.env().items():
        monkeypatch.setenv(name, value)
    yield sb
    sandbox_server.drop_faults(key)


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Result:
        result = self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli() -> Cli:
    return Cli()
