"""No traceback, ever, for bad input: a property-based fuzz of argv over every command.

Each example picks a command template and fills its slots with hostile values (random
text, lone surrogates as non-UTF-8 argv arrives, huge and deeply nested JSON/TOML files,
non-UTF-8 and corrupt-gzip files, out-of-range numbers and dates; and the classes of issue
23 item 10: empty strings, non-ASCII digits, ``_`` in numbers, repeated options, 100 KB
values). Every run must exit
0, 1 or 2 with no traceback and no "unexpected failure", and a command that failed must
leave the sandbox's hooks as they were. Bounded (a few hundred examples) for CI.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hookctl.cli import app
from tests.conftest import SandboxApp
from tests.fuzzing import assert_handled

DEAD = "http://127.0.0.1:9/"
HOOK = {"id": "h1", "hook_type": "webhook", "webhook_url": "https://a.io/x", "enabled": True}

NUMBERS = [
    "inf", "-inf", "nan", "-1", "0", "99999", "1e309", "9" * 40, "0x10", "", " ", ",", "1.5",
    "1_0", "1_000", "١٢", "１２", "٣/٤", "0/4_0", "1" * 100_000,
]  # fmt: skip
DATES = [
    "9999999999w", "9999-12-31", "0000-00-00", "1969-12-31T23:59:59Z", "2026-13-45",
    "-5h", "1e9d", "", "now", "9999-12-31T23:59:59+99:00",
]  # fmt: skip
WEIRD = [
    "\udcff", "a\udcffb", "\x00", "\n", "💥", "\u202e", "[" * 500, "{" * 500, "-", "--",
    "--help-me", "=", "x" * 5000, "%s%n", "../../etc/passwd", "file:/etc/passwd",
    "", "x" * 100_000, "https://" + "a" * 100_000, ":@" * 50_000, "https://u:p@" + "/" * 100_000,
]  # fmt: skip

values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(NUMBERS + DATES + WEIRD),
    st.text(max_size=10).map(lambda t: t + "\udcfe"),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)

# Files every template may point at: FILE slots take one of these names.
FILES: dict[str, bytes] = {
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "deep-object.json": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "huge.json": b'{"k": "' + b"x" * 2_000_000 + b'"}',
    "not-utf8.json": b'{"a": "\xff\xfe"}',
    "deep.toml": b"[[hook]]\nx = " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
    "typed.toml": b'[[hook]]\nhook_type = "webhook"\nwebhook_url = "https://a.io"\nenabled = "yes"\n',
    "bad-bytes.toml": b'[[hook]]\nhook_type = "\xff"\n',
    "empty": b"",
    "corrupt.gz": gzip.compress(b"POST / HTTP/1.1\r\n\r\n{}")[:-9],
    "notgzip.gz": b"\x1f\x8b\x08\x00garbage",
    "request.txt": b"POST /hook HTTP/1.1\r\nContent-Encoding: gzip\r\nX-Signature: 00\r\n\r\n\x1f\x8b\x08",
    "secret-not-utf8": b"\xff\xfe\xfd",
    "config.toml": b"[profiles.p]\napi_key = " + b"[" * 10_000 + b"\n",
}
files = st.sampled_from(sorted(FILES))

V, F = "<V>", "<F>"
TEMPLATES: list[list[str]] = [
    ["hooks", "list", "--type", V],
    ["hooks", "show", V],
    ["hooks", "add", "webhook", "--url", V],
    ["hooks", "add", "webhook", "--url", "https://e.com/x", "--events", V],
    ["hooks", "add", "webhook", "--url", "https://e.com/x", "--product", V],
    ["hooks", "add", "pending-message", "--timeout-ms", V, "--url", "https://e.com/x"],
    ["hooks", "add", "pending-message", "--timeout-ms", "500", "--callback-mode", V],
    ["hooks", "add", "sqs", "--queue-url", V, "--auth", "role", "--role-arn", V],
    ["hooks", "add", "sns", "--topic-arn", V, "--auth", V],
    ["hooks", "update", "h1", "--url", V],
    ["hooks", "update", "h1", "--events", V],
    ["hooks", "update", "h1", "--timeout-ms", V],
    ["hooks", "update", V, "--enable"],
    ["hooks", "events", "set", "h1", V],
    ["hooks", "events", "add", "h1", V],
    ["hooks", "events", "remove", "h1", V],
    ["hooks", "remove", V, "--yes"],
    ["hooks", "disable", V, "--yes"],
    ["hooks", "restore", V, "--yes"],
    ["hooks", "apply", F, "--yes", "--prune"],
    ["hooks", "diff", F],
    ["hooks", "apply", V, "--yes"],
    ["events", "list", "--search", V],
    ["events", "list", "--product", V],
    ["events", "route", V],
    ["ping", V, "--max-attempts", "1"],
    ["ping", DEAD, "--set", V, "--max-attempts", "1"],
    ["ping", DEAD, "--data", F, "--max-attempts", "1"],
    ["ping", DEAD, "--event", V, "--max-attempts", "1"],
    ["ping", DEAD, "--max-attempts", V],
    ["ping", DEAD, "--attempt-timeout", V, "--max-attempts", "1"],
    ["trigger", V, "--to", DEAD, "--max-attempts", "1"],
    ["trigger", "message.new", "--to", V, "--max-attempts", "1"],
    ["trigger", "message.new", "--to", DEAD, "--count", V, "--max-attempts", "1"],
    ["trigger", "message.new", "--to", DEAD, "--rate", V, "--max-attempts", "1"],
    ["verify-signature", "--body", F, "--signature", V, "--secret-env", "S"],
    ["verify-signature", "--request", F, "--secret-env", "S"],
    ["verify-signature", "--body", F, "--signature", "00", "--secret-file", F],
    ["verify-signature", "--body", V, "--signature", "00", "--secret-env", V],
    ["sign", "--body", F, "--secret-file", F],
    ["sign", "--body", F, "--secret-env", V],
    ["--timeout", V, "hooks", "list"],
    ["--profile", V, "hooks", "list"],
    ["--base-url", V, "hooks", "list"],
    ["--api-key", V, "hooks", "list"],
    ["config", "add", V, "--api-key", V, "--secret-env", "S"],
    ["config", "add", "p", "--api-key", "k", "--base-url", V, "--secret-env", "S"],
    ["config", "use", V],
    ["config", "remove", V],
    ["config", "show", "--sources"],
    ["failover", "list", "--since", V, "--hook", "h1"],
    ["failover", "list", "--since", "1h", "--until", V, "--hook", "h1"],
    ["failover", "list", "--since", "1h", "--bucket", V, "--hook", "h1"],
    ["failover", "replay", "--since", V, "--hook", "h1", "--to", DEAD, "--yes"],
    ["failover", "replay", "--since", "1h", "--hook", "h1", "--interval", V, "--yes"],
    ["failover", "replay", "--from-file", F, "--hook", "h1", "--yes"],
    ["failover", "show", V],
    ["failover", "set", "h1", "--bucket", V, "--skip-probe", "--credentials", F],
    ["failover", "set", "h1", "--bucket", "abc", "--path", V, "--skip-probe"],
    ["failover", "clear", V, "--yes"],
    ["listen", "--port", st.sampled_from(["99999", "-1", "abc", "", "1e9"])],  # type: ignore[list-item]
    ["completion", "show", V],
    ["sandbox", "keygen", "--out", V],
    [V],
    ["hooks", V],
    [V, V, V],
    # repeated single-value options: exit 2 whatever the values (cli/strict.py)
    ["hooks", "update", "h1", "--url", V, "--url", V],
    ["hooks", "add", "pending-message", "--timeout-ms", V, "--timeout-ms", V, "--url", V],
    ["failover", "list", "--since", V, "--since", V, "--hook", "h1"],
    ["failover", "replay", "--since", "1h", "--shard", V, "--shard", V, "--to", DEAD, "--yes"],
    ["failover", "replay", "--since", "1h", "--shard", V, "--hook", "h1", "--dry-run"],
    ["failover", "replay", "--since", "1h", "--archive-to", V, "--hook", "h1", "--dry-run"],
    ["failover", "object", V, "--bucket", V, "--gcs-endpoint", "http://127.0.0.1:9"],
    ["listen", "--status", V, "--status", V],
    ["sandbox", "start", "--port", V, "--port", V],
    ["verify-signature", "--signature", V, "--signature", V, "--body", F, "--secret-env", "S"],
    ["--timeout", V, "--timeout", V, "hooks", "list"],
    ["hooks", "list", "--json", "--json"],
]


@st.composite
def argv(draw: st.DrawFn, tmp: Path) -> list[str]:
    template = draw(st.sampled_from(TEMPLATES))
    out = []
    for token in template:
        if token == V:
            out.append(draw(values))
        elif token == F:
            out.append(str(tmp / draw(files)))
        elif isinstance(token, st.SearchStrategy):
            out.append(draw(token))
        else:
            out.append(token)
    return out


@pytest.fixture
def fuzz_dir(tmp_path: Path) -> Path:
    for name, data in FILES.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


@pytest.fixture
def sandbox_config(fuzz_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fuzz files, the cwd restored after the test, and the secret env var S."""
    monkeypatch.setenv("S", "fuzz-secret-value")
    monkeypatch.chdir(fuzz_dir)
    return fuzz_dir


@pytest.mark.parametrize(
    "examples",
    [
        pytest.param(int(os.environ.get("HOOKCTL_FUZZ_EXAMPLES", "50")), id="default"),
        pytest.param(600, id="600", marks=pytest.mark.slow),
    ],
)
def test_no_traceback_for_any_argv(
    examples: int, sandbox: SandboxApp, sandbox_config: Path
) -> None:
    @settings(max_examples=examples, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        args = data.draw(argv(sandbox_config))
        os.chdir(sandbox_config)  # relative paths in argv land in the test's tmp dir
        sandbox.set_hooks([HOOK])
        before = sandbox.hooks()
        runner = CliRunner()
        result = runner.invoke(app, args, catch_exceptions=True)
        shown = assert_handled(result, args)
        if result.exit_code != 0:
            assert sandbox.hooks() == before, shown

    run()


@pytest.mark.parametrize(
    "args",
    [
        [b"hooks", b"add", b"webhook", b"--url", b"https://e.com/\xff"],
        [b"ping", b"http://127.0.0.1:9/\xfe", b"--max-attempts", b"1"],
        [b"verify-signature", b"--body", b"/nonexistent\xff", b"--signature", b"\xff"],
        [b"--profile", b"\xff", b"hooks", b"list"],
        [b"events", b"route", b"message.\xff"],
    ],
)
def test_non_utf8_argv_in_a_real_process(sandbox: SandboxApp, args: list[bytes]) -> None:
    env = {**os.environ, **sandbox.env(), "S": "s3cr3t"}
    proc = subprocess.run(
        [sys.executable.encode(), b"-m", b"hookctl", *args],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode in (1, 2), proc.stderr
    assert b"Traceback" not in proc.stderr
    assert b"unexpected failure" not in proc.stderr
    assert proc.stderr.startswith(b"error: "), proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["events", "list"],
        ["events", "list", "--json"],
        ["hooks", "list"],
        ["hooks", "list", "--json"],
        ["completion", "show", "bash"],
    ],
)
def test_a_closed_pipe_ends_quietly(sandbox: SandboxApp, args: list[str]) -> None:
    sandbox.set_hooks([{**HOOK, "id": f"h{i}"} for i in range(2000)])
    env = {**os.environ, **sandbox.env()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hookctl", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, err
    assert b"Traceback" not in err
    assert b"error" not in err.lower()  # narration (e.g. a count) may still reach stderr


def test_an_unknown_profile_is_a_usage_error(sandbox: SandboxApp) -> None:
    result = CliRunner().invoke(app, ["--profile", "nope", "hooks", "list"])
    assert result.exit_code == 2, result.output
    assert "unknown profile" in result.output
    assert sandbox.hooks() == []
