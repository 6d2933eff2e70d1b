"""The README's one-command tour, run against embedded local stand-ins.

Every step runs the real ``hookctl`` command in a child process, against a
sandbox started on a free loopback port, with a throw-away config and data
directory; everything is cleaned up at the end, even on Ctrl-C.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from hookctl.errors import HookctlError
from hookctl.sandbox.run import build
from hookctl.sandbox.state import DEFAULT_KEY, DEFAULT_SECRET

Say = Callable[[str], None]


class Demo:
    def __init__(self, say: Say, show: Say) -> None:
        self.say = say
        self.show = show
        self.env: dict[str, str] = {}

    def run(self, *args: str, input_text: str | None = None) -> str:
        self.say(f"$ hookctl {shlex.join(args)}")
        proc = subprocess.run(
            [sys.executable, "-m", "hookctl", *args],
            env=self.env,
            capture_output=True,
            text=True,
            input=input_text,
            timeout=60,
        )
        for line in proc.stdout.rstrip().splitlines():
            self.show(f"  {line}")
        for line in proc.stderr.rstrip().splitlines():
            self.say(f"  {line}")
        if proc.returncode != 0:
            raise HookctlError(
                f"demo step `hookctl {shlex.join(args)}` exited {proc.returncode}",
                "see its output above",
            )
        return proc.stdout

    def main(self) -> int:
        with tempfile.TemporaryDirectory(prefix="hookctl-demo-") as tmp:
            server = build("127.0.0.1", 0, None, DEFAULT_KEY, DEFAULT_SECRET).start()
            try:
                self.env = {
                    **{
                        k: v
                        for k, v in os.environ.items()
                        if not k.startswith(("STREAM_", "HOOKCTL_"))
                    },
                    "STREAM_BASE_URL": server.url,
                    "STREAM_API_KEY": DEFAULT_KEY,
                    "STREAM_API_SECRET": DEFAULT_SECRET,
                    "NO_COLOR": "1",
                    "HOOKCTL_CONFIG": str(Path(tmp) / "config.toml"),
                    "HOOKCTL_DATA_DIR": str(Path(tmp) / "data"),
                    "DEMO_SQS_SECRET": "demo-sqs-secret-value",
                }
                self.say(f"▶ sandbox (a local Stream-compatible API) on {server.url}")
                self.say("▶ a teammate's SQS hook already exists")
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
                self.say("▶ add a webhook for two event types")
                hook_id = self.run(
                    "hooks",
                    "add",
                    "webhook",
                    "--url",
                    "https://example.com/stream/{{.EventType}}",
                    "--events",
                    "message.new,message.updated",
                ).strip()
                self.say("▶ list: the table shows both hooks, the SQS secret masked")
                self.run("hooks", "list")
                self.say("▶ remove the webhook: the teammate's SQS hook is carried through")
                self.run("hooks", "remove", hook_id, "--yes")
                remaining = json.loads(self.run("hooks", "list", "--json"))
                kinds = [h["hook_type"] for h in remaining]
                self.say("▶ every write saved the previous array; any of them can be restored")
                self.run("hooks", "history")
                if kinds != ["sqs"]:
                    raise HookctlError(f"demo expected only the SQS hook to remain, found {kinds}")
                self.say("✓ demo finished: 2 hooks added, 1 removed, the other kept intact")
                return 0
            finally:
                server.stop()
