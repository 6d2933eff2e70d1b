"""The README's one-command tour: an outage, failed over and recovered, on one laptop.

A sandbox, a local GCS-compatible server and a receiver run on free loopback
ports; every step runs the real ``hookctl`` command in a child process with a
throw-away config and data directory. Everything is stopped and removed at the
end, even on Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from hookctl.base.errors import ExitStatus, HookctlError
from hookctl.sandbox.run import build
from hookctl.sandbox.state import DEFAULT_KEY, DEFAULT_SECRET

Say = Callable[[str], None]
BUCKET = "demo-failover"
PATH = "stream/failed-events"
# docs/runbook.md's five steps, as the demo runs them ({since} filled in), with the exit
# code each has there (step 1: 1, something is pending); a test checks that they are the
# page's commands, so the tour rehearses the real runbook.
RUNBOOK = (
    ("1. find the window", "failover status --since {since}", 1),
    ("2. look at the backlog", "failover list --since {since} --summary --errors", 0),
    ("3. dry run", "failover replay --since {since} --dry-run", 0),
    (
        "4. replay at a safe rate",
        "failover replay --since {since} --rate 20 --failures failed.ndjson --yes",
        0,
    ),
    ("5. confirm the backlog is drained", "failover status --since {since}", 0),
)


class Demo:
    def __init__(self, say: Say, show: Say) -> None:
        self.say = say
        self.show = show
        self.env: dict[str, str] = {}

    def run(
        self,
        *args: str,
        input_text: str | None = None,
        quiet: bool = False,
        cwd: Path | None = None,
        expect: int = 0,
    ) -> str:
        if not quiet:
            self.say(f"$ hookctl {shlex.join(args)}")
        proc = subprocess.run(
            [sys.executable, "-m", "hookctl", *args],
            env=self.env,
            capture_output=True,
            text=True,
            input=input_text,
            timeout=60,
            cwd=cwd,
        )
        for line in [] if quiet else proc.stdout.rstrip().splitlines():
            self.show(f"  {line}")
        for line in [] if quiet else proc.stderr.rstrip().splitlines():
            self.say(f"  {line}")
        if proc.returncode != expect:
            raise HookctlError(
                f"demo step `hookctl {shlex.join(args)}` exited {proc.returncode}",
                "see its output above",
            )
        return proc.stdout

    def main(self, events: int = 10) -> ExitStatus:
        from hookctl.sandbox.gcs import LocalGcs
        from hookctl.sandbox.run import free_port
        from hookctl.webhooks.receiver import Receiver

        with contextlib.ExitStack() as stack:
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hookctl-demo-")))
            gcs = stack.enter_context(LocalGcs())
            gcs.create_bucket(BUCKET)
            server = build(
                "127.0.0.1", 0, None, DEFAULT_KEY, DEFAULT_SECRET, gcs_endpoint=gcs.url
            ).start()
            stack.callback(server.stop)
            port = free_port()
            receiver = Receiver([DEFAULT_SECRET], port=port, keep_bodies=True).start()
            stack.callback(lambda: receiver.stop())
            self.env = {
                **{
                    k: v for k, v in os.environ.items() if not k.startswith(("STREAM_", "HOOKCTL_"))
                },
                "STREAM_BASE_URL": server.url,
                "STREAM_API_KEY": DEFAULT_KEY,
                "STREAM_API_SECRET": DEFAULT_SECRET,
                "HOOKCTL_GCS_ENDPOINT": gcs.url,
                "NO_COLOR": "1",
                "HOOKCTL_CONFIG": str(tmp / "config.toml"),
                "HOOKCTL_DATA_DIR": str(tmp / "data"),
                "DEMO_SQS_SECRET": "demo-sqs-secret-value",
            }
            self.say(
                f"▶ a local Stream-compatible sandbox on {server.url}, a local GCS on {gcs.url},"
            )
            self.say(
                f"  and your webhook endpoint: a receiver on {receiver.url} that checks signatures"
            )
            self.say("▶ a teammate's SQS hook already exists; add our webhook for message.new")
            self.run(
                "hooks",
                "add",
                "sqs",
                "--queue-url",
                "https://sqs.us-east-1.amazonaws.com/123456789012/stream-events",
                "--auth",
                "keys",
                "--key",
                "AKIADEMO",
                "--secret-env",
                "DEMO_SQS_SECRET",
            )
            hook_id = self.run(
                "hooks",
                "add",
                "webhook",
                "--url",
                f"{receiver.url}/stream",
                "--events",
                "message.new",
            ).strip()
            self.say("▶ give the webhook a failover bucket, with a key the sandbox can check")
            key = tmp / "failover-key.json"
            self.run("sandbox", "keygen", "--out", str(key))
            self.run(
                "failover",
                "set",
                hook_id,
                "--bucket",
                BUCKET,
                "--path",
                PATH,
                "--credentials",
                str(key),
            )
            self.say("▶ the endpoint is up: an event is delivered (and would go to the SQS queue)")
            self.run("sandbox", "emit", "message.new")
            self.say("▶ outage: the endpoint goes down")
            receiver.stop()
            self.say(
                f"▶ {events} events arrive; every retry fails, so Stream writes them to the bucket"
            )
            self.run(
                "sandbox",
                "emit",
                "message.new",
                "--count",
                str(events),
                "--set",
                "message.text=sent during the outage",
            )
            listed = json.loads(self.run("failover", "list", "--since", "1h", "--json", quiet=True))
            self.say("▶ the endpoint is back; now the runbook (docs/runbook.md), step by step")
            receiver = Receiver([DEFAULT_SECRET], port=port, keep_bodies=True).start()
            replayed = 0
            for title, command, code in RUNBOOK:
                self.say(f"▶ {title}")
                argv = command.format(since="1h").split()
                self.run(*argv, cwd=tmp, expect=code)
                if title.startswith("4."):
                    replayed = receiver.stats.accepted
            got = [e for e in receiver.events if e.answered < 300]
            texts = {json.loads(b)["message"]["text"] for b in receiver.bodies.values()}
            ok = (
                len(listed["objects"]) == events
                and replayed == events
                and receiver.stats.requests == events
                and receiver.stats.duplicates == 0
                and all(e.signature_ok for e in got)
                and texts == {"sent during the outage"}
            )
            if not ok:
                raise HookctlError(
                    f"demo check failed: {len(listed['objects'])} listed, {replayed} replayed, "
                    f"{receiver.stats.requests} requests received",
                    "run with --debug and report it",
                )
            self.say(
                f"✓ {events} events failed over, {len(listed['objects'])} listed, {replayed} "
                "replayed and received once each with valid signatures; nothing pending"
            )
            return ExitStatus.OK
        return ExitStatus.FAILED
