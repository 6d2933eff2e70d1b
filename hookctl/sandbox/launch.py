"""What ``hookctl sandbox start|emit|keygen`` do, without the command line.

``StartPlan`` checks the options once and knows both ways to run: detached (a
child ``hookctl sandbox start`` with the same options, then the exports the shell
evaluates) and in the foreground (an optional local GCS server, the API server,
then serving until Ctrl-C). The CLI fills the plan, passes its console's
``line``/``say`` functions and prints nothing itself.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hookctl.base.errors import UsageError

Say = Callable[[str], None]


@dataclass(frozen=True)
class Started:
    """A detached sandbox: the lines for stdout and the one-line summary for stderr."""

    exports: list[str]
    message: str


@dataclass(frozen=True)
class StartPlan:
    host: str
    port: int
    state: Path | None
    key: str
    secret: str
    secret_env: str | None = None  # the variable the export line names instead of the value
    gcs: bool = False
    buckets: tuple[str, ...] = ()
    gcs_endpoint: str | None = None
    legacy: bool = False
    log: bool = False  # log each request on stderr (a detached child: in its log file)

    def __post_init__(self) -> None:
        if self.gcs and self.gcs_endpoint:
            raise UsageError("--gcs and --gcs-endpoint contradict each other", "pass one of them")
        if self.buckets and not self.gcs:
            raise UsageError(
                "--bucket needs --gcs", "the sandbox creates buckets only in its own GCS"
            )
        from hookctl.base.validate import check_listen_host, check_url
        from hookctl.failover.keys import check_bucket

        for bucket in self.buckets:  # the names `failover set` accepts, no others
            check_bucket(bucket)
        if self.gcs_endpoint is not None:
            check_url(self.gcs_endpoint, what="--gcs-endpoint")
        check_listen_host(self.host)  # a name or an address a URL can carry

    def child_args(self) -> list[str]:
        """The options a detached child gets besides host, port, key, secret and state."""
        args = ["--gcs"] if self.gcs else []
        args += [f"--bucket={b}" for b in self.buckets]
        args += ["--gcs-endpoint", self.gcs_endpoint] if self.gcs_endpoint else []
        args += ["--legacy"] if self.legacy else []
        args += ["--log"] if self.log else []
        return args

    def detach(self, data_dir: Path) -> Started:
        """Start the sandbox as a background process and say how to reach it."""
        from hookctl.sandbox.run import start_detached

        info = start_detached(
            data_dir,
            self.host,
            self.port,
            self.state,
            self.key,
            self.secret,
            extra=self.child_args(),
            secret_env=self.secret_env,
        )
        lines = info.exports()
        if self.gcs or self.gcs_endpoint:
            endpoint = self.gcs_endpoint or child_gcs_endpoint(info.url)
            lines.append(f"export HOOKCTL_GCS_ENDPOINT={endpoint}")
        return Started(
            lines,
            f"sandbox running on {info.url} (pid {info.pid}); stop it with `hookctl sandbox stop`",
        )

    def serve(self, *, line: Say, say: Say, log: Say | None = None) -> None:
        """Run the sandbox (and its GCS server with ``gcs``) until Ctrl-C or SIGTERM:
        the exports go to ``line``, the banner and event log to ``say``."""
        from hookctl.sandbox.run import build, exports, serve_foreground

        local = None
        endpoint = self.gcs_endpoint
        if self.gcs:
            from hookctl.sandbox.gcs import LocalGcs

            local = LocalGcs().start()
            for bucket in self.buckets:
                local.create_bucket(bucket)
            endpoint = local.url
        try:
            server = build(
                self.host,
                self.port,
                self.state,
                self.key,
                self.secret,
                log=log,
                gcs_endpoint=endpoint,
                event_log=lambda text: say(f"[events] {text}"),
                legacy=self.legacy,
            )
            for text in exports(server.url, self.key, self.secret, self.secret_env):
                line(text)
            if endpoint:
                line(f"export HOOKCTL_GCS_ENDPOINT={endpoint}")
            say(
                f"sandbox listening on {server.url} — api key {self.key}, api secret {self.secret}"
                + (f", state in {self.state}" if self.state else "")
                + (f", GCS on {endpoint}" if endpoint else "")
                + ". Ctrl-C stops it."
            )
            serve_foreground(server)
        finally:
            if local is not None:
                local.stop()


def child_gcs_endpoint(url: str) -> str:
    """The GCS endpoint a detached sandbox reports in its health answer."""
    import urllib.request

    with urllib.request.urlopen(f"{url}/_sandbox/health", timeout=5) as response:
        return str(json.loads(response.read()).get("gcs_endpoint") or "")


# ---------------------------------------------------------------- emit


def emit_rows(outcomes: Iterable[Mapping[str, object]]) -> list[list[object]]:
    """One row per (hook, type, outcome) with its number of events, in first-seen order."""
    rows: dict[tuple[str, str, str], int] = {}
    for row in outcomes:
        k = (str(row["hook_id"]), str(row["hook_type"]), str(row["outcome"]))
        rows[k] = rows.get(k, 0) + 1
    return [[*k, n] for k, n in rows.items()]


def emit_summary(name: str, count: int, summary: dict[str, int]) -> str:
    """``10 × message.new: 8 delivered, 2 would deliver``."""
    said = ", ".join(f"{n} {o.replace('_', ' ')}" for o, n in summary.items())
    return f"{count} × {name}: {said or 'no hook receives it'}"


@dataclass
class EmitProgress:
    """Calls ``say`` with ``emitting NAME: done/total`` at most once a second (and at the
    end) while an emit job runs; silent unless ``show``."""

    say: Say
    name: str
    show: bool
    clock: Callable[[], float] = time.monotonic
    _at: float = field(default=0.0, init=False)
    _done: int = field(default=-1, init=False)

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if self.show and done != self._done and (now - self._at >= 1 or done == total):
            self._at, self._done = now, done
            self.say(f"emitting {self.name}: {done}/{total}")


# ---------------------------------------------------------------- keygen


@dataclass(frozen=True)
class KeyWritten:
    path: Path
    client_email: str
    private_key_id: str
    base_url: str

    def as_json(self) -> dict[str, str]:
        return {
            "path": str(self.path),
            "client_email": self.client_email,
            "private_key_id": self.private_key_id,
        }

    def message(self) -> str:
        return (
            f"key for {self.client_email} written to {self.path} (0600), "
            f"registered with {self.base_url}"
        )


def write_sandbox_key(
    base_url: str, out: Path, register: Callable[[dict[str, Any]], object]
) -> KeyWritten:
    """Make a service-account key whose token_uri is the sandbox's, register its public
    half through ``register(body)`` (``POST /_sandbox/keys``), then write it 0600."""
    from hookctl.config.settings import write_private
    from hookctl.sandbox.tokens import make_key

    base = base_url.rstrip("/")
    key, public = make_key(f"{base}/_sandbox/token")
    register(
        {
            "private_key_id": key["private_key_id"],
            "client_email": key["client_email"],
            "public_key": public,
        }
    )
    write_private(out, json.dumps(key, indent=2).encode())
    return KeyWritten(out, str(key["client_email"]), str(key["private_key_id"]), base)
