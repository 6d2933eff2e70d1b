"""Every `--json` output matches its published JSON Schema (docs/schemas/), on real output.

One scenario drives every command that has `--json` (and the `--jsonl` streams) against the
sandbox, a real receiver and fake-gcs-server, and validates what it printed against the
schema whose `x-hookctl-commands` names it. A schema nobody validates, or a `--json`
command without a schema, fails too: the schemas are the contract the reference
publishes (docs/reference/json.md), so they must describe what the CLI really prints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hookctl.cli.reference import commands, is_group
from hookctl.failover.layout import envelope, object_name
from hookctl.webhooks.receiver import Receiver
from tests.conftest import Cli, SandboxApp
from tests.gcs import fake_gcs_server, service_account_key, token_server, upload

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schemas"
BUCKET = "schema-failover"
PATH = "stream/failed-events"


def _load() -> dict[str, dict[str, Any]]:
    return {p.name: json.loads(p.read_text()) for p in sorted(SCHEMAS.glob("*.json"))}


def _validator(name: str, schemas: dict[str, dict[str, Any]]) -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry = Registry().with_resources(
        (file, Resource.from_contents(doc)) for file, doc in schemas.items()
    )
    return Draft202012Validator(schemas[name], registry=registry)


class Checker:
    """Validates outputs and remembers which schema checked which command."""

    def __init__(self) -> None:
        self.schemas = _load()
        self.validators = {name: _validator(name, self.schemas) for name in self.schemas}
        self.seen: dict[str, set[str]] = {}  # schema file -> commands validated with it
        self.problems: list[str] = []

    def check(self, schema: str, command: str, data: Any) -> None:
        self.seen.setdefault(schema, set()).add(command)
        for error in self.validators[schema].iter_errors(data):
            where = "/".join(str(p) for p in error.absolute_path)
            self.problems.append(f"{command} vs {schema} at /{where}: {error.message[:300]}")


@pytest.fixture(scope="module")
def gcs() -> Iterator[str]:
    with fake_gcs_server() as url:
        yield url


@pytest.fixture
def receiver(sandbox: SandboxApp) -> Iterator[Receiver]:
    rec = Receiver([sandbox.api_secret]).start()
    yield rec
    rec.stop()


def test_every_json_command_has_a_schema_and_every_schema_a_command() -> None:
    named: dict[str, str] = {}
    for file, doc in _load().items():
        assert doc.get("$schema") == "https://json-schema.org/draft/2020-12/schema", file
        assert doc.get("$id") == file, file
        assert doc.get("title"), file
        assert doc.get("description"), file
        for entry in doc.get("x-hookctl-commands", []):
            named[entry] = file
    with_json = {
        path
        for path, command in commands()
        if not is_group(command) and any("--json" in p.opts for p in command.params)
    }
    covered = {entry.split(" --")[0] for entry in named}
    assert with_json - covered == set(), "commands with --json but no schema"
    assert covered - with_json == set(), "schemas naming commands without --json"


def test_real_outputs_match_their_schemas(
    cli: Cli,
    sandbox: SandboxApp,
    receiver: Receiver,
    gcs: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = Checker()

    def run(schema: str, *args: str, ok: tuple[int, ...] = (0,), stdin: str | None = None) -> Any:
        result = cli(*args, input=stdin)
        label = "hookctl " + " ".join(a for a in args if not a.startswith(("/", "http")))
        assert result.exit_code in ok, f"{label}: exit {result.exit_code}\n{result.stderr}"
        lines = result.stdout.splitlines()
        if "--jsonl" in args:
            data = [json.loads(line) for line in lines]
            for item in data:
                c.check(schema, label, item)
            assert data, f"{label} printed nothing"
            return data
        data = json.loads(result.stdout)
        c.check(schema, label, data)
        return data

    # --- config
    monkeypatch.setenv("PROFILE_SECRET", "profile-secret")
    args = ["config", "add", "p1", "--api-key", "k1", "--secret-env", "PROFILE_SECRET"]
    assert cli(*args).exit_code == 0
    run("config-list.json", "config", "list", "--json")
    run("config-path.json", "config", "path", "--json")
    home = tmp_path / "home"  # completion install writes under HOME: never the real one
    for name in ("ZDOTDIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "BASH_COMPLETION_USER_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    told = run("completion-install.json", "completion", "install", "zsh", "--json")
    assert (told["loads"], told["line_added"]) == (False, False)
    added = run("completion-install.json", "completion", "install", "zsh", "--yes", "--json")
    assert (added["loads"], added["line_added"]) == (True, True)
    assert (home / ".zfunc" / "_hookctl").is_file()
    run("config-show.json", "config", "show", "--json")
    run("config-show.json", "config", "show", "--sources", "--json")
    run("config-show.json", "config", "show", "p1", "--json")

    # --- events
    run("events-list.json", "events", "list", "--search", "reaction", "--json")
    run("event-type.json", "events", "list", "--search", "reaction", "--jsonl")

    # --- hooks: every write, with its touched hooks
    added = run(
        "write-result.json",
        *("hooks", "add", "webhook", "--url", receiver.url, "--events", "message.new"),
        "--json",
    )
    hook_id = added["new_ids"][0]
    assert added["hooks"][0]["id"] == hook_id == added["changes"][0]["id"]
    run(
        "write-result.json", "hooks", "add", "webhook", "--url", receiver.url, "--dry-run", "--json"
    )
    monkeypatch.setenv("SQS_SECRET", "sqs-secret")
    sqs = run(
        "write-result.json",
        *("hooks", "add", "sqs", "--queue-url"),
        "https://sqs.us-east-1.amazonaws.com/123456789012/q",
        *("--auth", "role", "--role-arn", "arn:aws:iam::123456789012:role/stream", "--json"),
    )["new_ids"][0]
    run(
        "write-result.json",
        *("hooks", "add", "sns", "--topic-arn", "arn:aws:sns:us-east-1:123456789012:t"),
        *("--auth", "keys", "--key", "AKIAEXAMPLE", "--secret-env", "SQS_SECRET", "--json"),
    )
    pending = run(
        "write-result.json",
        *("hooks", "add", "pending-message", "--url", f"{receiver.url}/pending"),
        *("--timeout-ms", "500", "--json"),
    )["new_ids"][0]
    run("write-result.json", "hooks", "update", pending, "--timeout-ms", "800", "--yes", "--json")
    run("write-result.json", "hooks", "disable", pending, "--yes", "--json")
    run("write-result.json", "hooks", "enable", pending, "--json")
    run("write-result.json", "hooks", "enable", pending, "--json")  # nothing to change
    run("write-result.json", "hooks", "events", "add", hook_id, "reaction.new", "--json")
    run(
        "write-result.json", "hooks", "events", "remove", hook_id, "reaction.new", "--yes", "--json"
    )
    run("write-result.json", "hooks", "events", "set", pending, "message.new", "--yes", "--json")
    run("write-result.json", "hooks", "remove", pending, "--yes", "--json")
    run("hooks-list.json", "hooks", "list", "--json")
    run("events-route.json", "events", "route", "message.new", "--json")
    run("hook.json", "hooks", "list", "--jsonl")
    run("hook.json", "hooks", "show", hook_id, "--json")
    history = run("hooks-history.json", "hooks", "history", "--json")
    snapshot = history[0]["id"]
    run("write-result.json", "hooks", "restore", snapshot, "--dry-run", "--json")
    run("write-result.json", "hooks", "restore", snapshot, "--yes", "--json")
    run("hooks-test.json", "hooks", "test", hook_id, "--json")
    run("hooks-test.json", "hooks", "test", sqs, "--json")

    # --- hooks as code
    hook_file = tmp_path / "hooks.toml"
    assert cli("hooks", "export", "-o", str(hook_file)).exit_code == 0
    monkeypatch.setenv(f"SNS_SECRET_{_id8(sandbox, 'sns')}", "sqs-secret")
    text = hook_file.read_text().replace('"message.new"', '"message.new", "message.updated"')
    new_hook = f'hook_type = "webhook"\nenabled = true\nevent_types = []\nwebhook_url = "{receiver.url}/new"'
    hook_file.write_text(f"{text}\n[[hook]]\n{new_hook}\n")
    run("hooks-plan.json", "hooks", "diff", str(hook_file), "--json")
    run("hooks-plan.json", "hooks", "apply", str(hook_file), "--dry-run", "--json")
    run("hooks-plan.json", "hooks", "apply", str(hook_file), "--check", "--json", ok=(1,))
    applied = run("hooks-plan.json", "hooks", "apply", str(hook_file), "--yes", "--json")
    assert f"{receiver.url}/new" in {h["webhook_url"] for h in applied["hooks"]}
    run("hooks-plan.json", "hooks", "apply", str(hook_file), "--check", "--json")

    # --- failover
    with token_server() as token:
        key = tmp_path / "key.json"
        key.write_text(json.dumps(service_account_key(token)))
        from hookctl.sandbox.gcs import create_bucket

        create_bucket(gcs, BUCKET)
        where = ["--bucket", BUCKET, "--path", PATH, "--credentials", str(key)]
        run(
            "failover-validate.json",
            "failover",
            "validate",
            *where,
            "--gcs-endpoint",
            gcs,
            "--json",
        )
        run(
            "write-result.json",
            *("failover", "set", hook_id, *where, "--gcs-endpoint", gcs, "--json"),
        )
    run("failover-show.json", "failover", "show", "--json")
    run("failover-show.json", "failover", "show", hook_id, "--json")
    when = datetime.now(UTC) - timedelta(minutes=30)
    names = []
    for i in range(3):
        at = when + timedelta(seconds=i)
        name = object_name(PATH, at, "message.new", hook_id)
        body = envelope(
            hook_id=hook_id,
            url=receiver.url,
            event_type="message.new",
            error="HTTP 500: Internal Server Error",
            failed_at=at,
            payload={"type": "message.new", "n": i},
        )
        upload(gcs, BUCKET, name, body)
        names.append(name)
    upload(gcs, BUCKET, f"{PATH}/{when:%Y/%m/%d}/README.txt", b"not an event")  # unrecognised
    malformed = object_name(PATH, when + timedelta(seconds=5), "message.new", hook_id)
    upload(gcs, BUCKET, malformed, b"{not json")
    not_a_webhook = envelope(
        hook_id=sqs,
        url=receiver.url,
        event_type="message.new",
        error="timeout",
        failed_at=when + timedelta(seconds=6),
        payload={"type": "message.new"},
    )
    upload(
        gcs,
        BUCKET,
        object_name(PATH, when + timedelta(seconds=6), "message.new", sqs),
        not_a_webhook,
    )
    read = ["--bucket", BUCKET, "--path", PATH, "--gcs-endpoint", gcs]
    run("failover-list.json", "failover", "list", *read, "--since", "1h", "--json")
    run("failover-object-row.json", "failover", "list", *read, "--since", "1h", "--jsonl")
    run("failover-summary.json", "failover", "list", *read, "--since", "1h", "--summary", "--json")
    run(
        "failover-summary.json",
        *("failover", "list", *read, "--since", "1h", "--summary", "--errors", "--json"),
    )
    run("failover-object.json", "failover", "object", names[0], *read[:2], *read[4:], "--json")
    args = ["failover", "object", malformed, *read[:2], *read[4:], "--json"]
    bad = run("failover-object.json", *args, ok=(1,))
    assert "malformed" in bad
    journal = str(tmp_path / "journal.db")
    dry = ["failover", "replay", *read, "--since", "1h", "--dry-run", "--json"]
    run("failover-replay.json", *dry, ok=(1,))  # the dry run sees the refusal too
    run("failover-replay.json", *dry, "--names-only", ok=(1,))  # a plan from names alone
    run(
        "failover-replay.json",
        *("failover", "replay", *read, "--since", "1h", "--journal", journal, "--json"),
        ok=(1,),  # the event of the SQS hook is refused
    )
    status = ["failover", "status", *read, "--since", "1h", "--journal", journal, "--json"]
    run("failover-status.json", *status, ok=(0, 1))
    run("write-result.json", "failover", "clear", hook_id, "--yes", "--json")

    # --- deliveries and signatures
    run("ping.json", "ping", receiver.url, "--json")
    run("trigger.json", "trigger", "message.new", "--to", receiver.url, "--count", "2", "--json")
    body = tmp_path / "body.json"
    body.write_text('{"type":"message.new"}')
    signature = cli("sign", "--body", str(body)).stdout.strip()
    run(
        "verify-signature.json",
        "verify-signature",
        "--body",
        str(body),
        "--signature",
        signature,
        "--json",
    )
    run(
        "verify-signature.json",
        *("verify-signature", "--body", str(body), "--signature", "0" * 64, "--explain", "--json"),
        ok=(1,),
    )

    # --- the sandbox
    run("sandbox-emit.json", "sandbox", "emit", "message.new", "--count", "2", "--json")
    run("sandbox-keygen.json", "sandbox", "keygen", "--out", str(tmp_path / "k.json"), "--json")
    started = cli("sandbox", "start", "--detach", "--port", "0")
    try:
        assert started.exit_code == 0, started.stderr
        assert run("sandbox-status.json", "sandbox", "status", "--json")
    finally:
        assert cli("sandbox", "stop").exit_code == 0

    # --- listen, in its own process (it serves until --count events arrived)
    for line in _listen(sandbox, tmp_path):
        c.check("listen.json", "hookctl listen --json", line)

    # --- an error, as JSON on stderr
    failed = cli("hooks", "show", "no-such-hook", "--json")
    assert failed.exit_code == 1
    c.check("error.json", "hookctl hooks show --json (error)", json.loads(failed.stderr))
    asked = cli("hooks", "remove", hook_id, "--json")  # off a terminal without --yes
    assert asked.exit_code == 2
    refusal = json.loads(asked.stderr)
    assert refusal["plan"]
    c.check("error.json", "hookctl hooks remove --json (confirmation needed)", refusal)

    assert c.problems == [], "\n".join(c.problems)
    unused = set(c.schemas) - set(c.seen) - {"hook.json"}
    assert "hook.json" in c.seen
    assert unused == set(), f"schemas no output was validated against: {sorted(unused)}"


def _id8(sandbox: SandboxApp, hook_type: str) -> str:
    hook = next(h for h in sandbox.hooks() if h.get("hook_type") == hook_type)
    return str(hook["id"]).replace("-", "")[:8].upper()


def _listen(sandbox: SandboxApp, tmp_path: Path) -> list[Any]:
    """`listen --json --count 2` in a child process, fed by `trigger`."""
    env = {**os.environ, **sandbox.env()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hookctl", "listen", "--port", "0", "--count", "2", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert proc.stderr is not None
        url = ""
        for line in proc.stderr:
            if "http://127.0.0.1:" in line:
                url = "http://" + line.split("http://", 1)[1].split()[0].rstrip(".,)")
                break
        assert url, "listen never said where it listens"
        sent = subprocess.run(
            [
                sys.executable,
                "-m",
                "hookctl",
                "trigger",
                "message.new",
                "--to",
                url,
                "--count",
                "2",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert sent.returncode == 0, sent.stderr
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return [json.loads(line) for line in out.splitlines() if line.strip()]
