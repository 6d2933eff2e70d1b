"""``sandbox emit`` as a job: the server works in small chunks, the command watches.

One HTTP request that delivers 10,000 events (each with Stream's retries) can
outlast any client timeout, and nothing stops the server when the command is
interrupted. So ``POST /_sandbox/emit`` with ``"job": true`` answers at once with
a job id; the server emits in chunks of ``CHUNK`` events on a thread; ``GET
/_sandbox/jobs/ID`` reports progress (and, once finished, the result in the
shape the synchronous call returns); ``DELETE /_sandbox/jobs/ID`` stops it after
the chunk in flight. ``run_emit`` is the client side: it starts a job, reports
progress, and deletes the job when interrupted (Ctrl-C) before re-raising.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from hookctl.base.plaintext import plural


class EmitAnswer(TypedDict):
    """What ``sandbox emit`` gets back: per-outcome counts and each hook's outcome."""

    event_type: str
    count: int
    summary: dict[str, int]
    outcomes: list[dict[str, Any]]  # hook_id, hook_type, outcome, and the attempt's detail


Call = Callable[[str, str, dict[str, Any] | None], Any]  # (method, path, body) -> JSON

CHUNK = 32  # events per step: a stop waits for at most one chunk of deliveries
KEEP = 100  # finished jobs remembered per server


@dataclass
class EmitJob:
    id: str
    api_key: str
    event_type: str
    total: int
    done: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    finished: bool = False
    cancelled: threading.Event = field(default_factory=threading.Event)
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "job": self.id,
            "event_type": self.event_type,
            "total": self.total,
            "done": self.done,
            "finished": self.finished,
            "cancelled": self.cancelled.is_set(),
            "error": self.error,
        }
        if self.finished:
            out["result"] = result(self.event_type, self.done, self.rows)
        return out


def result(event_type: str, count: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The answer of a synchronous ``/_sandbox/emit``: counts per outcome, and each outcome."""
    summary: dict[str, int] = {}
    for row in rows:
        summary[row["outcome"]] = summary.get(row["outcome"], 0) + 1
    return {"event_type": event_type, "count": count, "summary": summary, "outcomes": rows}


class Jobs:
    """The server's emit jobs (thread-safe)."""

    def __init__(self) -> None:
        self._jobs: dict[str, EmitJob] = {}
        self._lock = threading.Lock()

    def start(
        self,
        api_key: str,
        event_type: str,
        total: int,
        emit: Callable[[int], list[dict[str, Any]]],
    ) -> EmitJob:
        job = EmitJob(uuid.uuid4().hex, api_key, event_type, total)
        with self._lock:
            finished = [j for j in self._jobs.values() if j.finished]
            for old in finished[: max(0, len(finished) - KEEP)]:
                del self._jobs[old.id]
            self._jobs[job.id] = job

        def work() -> None:
            try:
                while job.done < job.total and not job.cancelled.is_set():
                    rows = emit(min(CHUNK, job.total - job.done))
                    job.rows.extend(rows)
                    job.done += min(CHUNK, job.total - job.done)
            except Exception as exc:  # reported through GET, never a dead thread
                job.error = f"{type(exc).__name__}: {exc}"[:300]
            finally:
                job.finished = True

        threading.Thread(target=work, name=f"emit-{job.id[:8]}", daemon=True).start()
        return job

    def of(self, api_key: str) -> list[EmitJob]:
        with self._lock:
            return [j for j in self._jobs.values() if j.api_key == api_key]

    def get(self, job_id: str, api_key: str) -> EmitJob | None:
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.api_key == api_key else None


def run_emit(
    call: Call,
    body: dict[str, Any],
    *,
    on_progress: Callable[[int, int], None],
    poll: float = 0.25,
) -> EmitAnswer:
    """Start an emit job through ``call(method, path, body)`` and wait for its result.

    Interrupted (Ctrl-C, SIGTERM raised as KeyboardInterrupt), it deletes the job, so
    the server stops emitting, then re-raises."""
    started = call("POST", "/_sandbox/emit", {**body, "job": True})
    path = f"/_sandbox/jobs/{started['job']}"
    try:
        while True:
            state = call("GET", path, None)
            on_progress(int(state["done"]), int(state["total"]))
            if state["finished"]:
                if state.get("error"):
                    from hookctl.base.errors import HookctlError

                    raise HookctlError(
                        f"the sandbox stopped emitting after {plural(int(state['done']), 'event')}: "
                        f"{state['error']}",
                        "see the sandbox's log",
                    )
                return _answer(state["result"])
            time.sleep(poll)
    except BaseException:
        with contextlib.suppress(Exception):  # best effort: the interruption is what matters
            call("DELETE", path, None)
        raise


def _answer(data: Any) -> EmitAnswer:
    """The job's result, checked for the fields the command reads (the sandbox is a
    separate process: a mismatch is a HookctlError, not a KeyError)."""
    from hookctl.base.errors import HookctlError

    ok = (
        isinstance(data, dict)
        and isinstance(data.get("outcomes"), list)
        and isinstance(data.get("summary"), dict)
    )
    if not ok:
        raise HookctlError(
            "the sandbox answered the emit job without outcomes and a summary",
            "restart the sandbox with this hookctl (`hookctl sandbox stop`, then start)",
        )
    return EmitAnswer(
        event_type=str(data.get("event_type", "")),
        count=int(data.get("count", 0)),
        summary={str(k): int(v) for k, v in data["summary"].items()},
        outcomes=[row for row in data["outcomes"] if isinstance(row, dict)],
    )
