"""Files are read as files (issue 23 item 9): a FIFO, a device or an oversize file given
as config, key, journal, body, --from-file or `file:` secret is exit 2 naming it, at once.

Before: a FIFO as HOOKCTL_CONFIG, --credentials, --journal, --body or a `file:` secret
hung forever, and HOOKCTL_CONFIG=/dev/zero exhausted memory. Each case runs in its own
process with a timeout, so a hang fails the test instead of stopping the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli, SandboxApp

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


def run(*args: str, env: dict[str, str]) -> tuple[int, str]:
    """hookctl in its own process; a hang is a failure after 20 s, not a stuck suite."""
    done = subprocess.run(
        [sys.executable, "-m", "hookctl", *args],
        capture_output=True, stdin=subprocess.DEVNULL, env={**os.environ, **env}, timeout=20,
    )  # fmt: skip
    return done.returncode, done.stderr.decode()


@needs_fifo
def test_a_fifo_anywhere_a_file_is_read_is_exit_2_naming_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    f = str(fifo)
    body = tmp_path / "body.json"
    body.write_text('{"type":"message.new"}')
    gcs = ("--bucket", "failover", "--gcs-endpoint", "http://127.0.0.1:9")
    secret = {"STREAM_API_SECRET": "s3cret", "STREAM_API_KEY": "k"}
    hook_file = tmp_path / "hooks.toml"
    hook_file.write_text(
        '[[hook]]\nhook_type = "sqs"\nevent_types = []\nsqs_queue_url = '
        '"https://sqs.us-east-1.amazonaws.com/123456789012/q"\nsqs_auth_type = "keys"\n'
        'sqs_key = "AKIA0000"\nsqs_secret = "file:pipe"\n'
    )
    cases: list[tuple[tuple[str, ...], dict[str, str]]] = [
        (("hooks", "list"), {"HOOKCTL_CONFIG": f, "STREAM_API_KEY": "", "STREAM_API_SECRET": ""}),
        (("verify-signature", "--body", f, "--signature", "00"), secret),
        (("--no-color", "verify-signature", "--body", f, "--signature", "00"), secret),
        (("sign", "--body", body.as_posix(), "--secret-file", f), {}),
        (("failover", "object", "x.json", *gcs, "--credentials", f), secret),
        (("failover", "replay", *gcs, "--from-file", f, "--yes"), secret),
        (
            (
                "failover",
                "replay",
                *gcs,
                "--journal",
                f,
                "--to",
                "http://127.0.0.1:9/x",
                "--since",
                "1h",
                "--yes",
            ),
            secret,
        ),
        (("ping", "http://127.0.0.1:9/x", "--data", f), secret),
        (("hooks", "diff", f), secret),
        (("hooks", "diff", str(hook_file)), secret),
    ]
    for args, env in cases:
        code, err = run(*args, env=env)
        assert code == 2, (args, err)
        assert err.startswith("error: ") or '"error"' in err, (args, err)
        assert "a FIFO" in err, (args, err)
        assert "pipe" in err.splitlines()[0], (args, err)  # names the path
        assert "Traceback" not in err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_or_an_oversize_config_is_exit_2(tmp_path: Path) -> None:
    code, err = run("hooks", "list", env={"HOOKCTL_CONFIG": "/dev/zero"})
    assert code == 2, err
    assert "/dev/zero: not a regular file (a device)" in err
    big = tmp_path / "config.toml"
    big.write_bytes(b"# padding\n" * 200_000)  # 2 MB of comments
    code, err = run("hooks", "list", env={"HOOKCTL_CONFIG": str(big)})
    assert code == 2, err
    assert "larger than 1 MiB" in err


@pytest.mark.parametrize("text", ["", "\n\n", "# every hook was here\n# gone\n"])
def test_an_empty_hook_file_is_refused(
    text: str, cli: Cli, sandbox: SandboxApp, tmp_path: Path
) -> None:
    """`apply --prune --dry-run` of an empty file planned to delete every live hook, and
    `apply --check` said "in sync"."""
    added = cli(
        "hooks", "add", "webhook", "--url", "http://127.0.0.1:9/x", "--events", "message.new"
    )
    assert added.exit_code == 0, added.stderr
    empty = tmp_path / "hooks.toml"
    empty.write_text(text)
    for args in (("apply", "--prune", "--dry-run"), ("apply", "--check"), ("diff",)):
        result = cli("hooks", *args[:1], str(empty), *args[1:])
        assert result.exit_code == 2, (args, result.stderr)
        assert "holds no hooks" in result.stderr
        assert "hook = []" in result.stderr
    empty.write_text("# no hooks on purpose\nhook = []\n")
    planned = cli("hooks", "apply", str(empty), "--prune", "--dry-run")
    assert planned.exit_code == 0, planned.stderr
    assert len(sandbox.hooks()) == 1  # a dry run: nothing removed
