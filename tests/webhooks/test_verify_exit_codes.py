"""verify-signature never lies to CI (issue 23 item 4): 0 only for a valid signature,
1 only for one that was checked and is wrong, 2 for everything else — on the Typer-free
fast path and the Typer command alike, with one error line and no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hookctl.webhooks.signing import sign
from tests.conftest import Cli
from tests.webhooks.test_signing import fast, typer_path

SECRET = "whsec-exit-codes-0123"
BODY = b'{"type":"message.new","n":1}'
GOOD = sign(BODY, SECRET)
BAD = "0" * 64


def _request(tmp_path: Path, *signatures: str) -> str:
    path = tmp_path / f"req-{len(signatures)}-{signatures[0][:4]}.http"
    head = b"POST /hook HTTP/1.1\r\nHost: x\r\n"
    for value in signatures:
        head += b"X-Signature: " + value.encode() + b"\r\n"
    path.write_bytes(head + b"Content-Length: %d\r\n\r\n" % len(BODY) + BODY)
    return str(path)


def _cases(tmp_path: Path) -> list[tuple[list[str], bytes | None, str]]:
    body = tmp_path / "body.json"
    body.write_bytes(BODY)
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    blank_secret = tmp_path / "blank-secret"
    blank_secret.write_text("\n  \n")
    empty_secret = tmp_path / "empty-secret"
    empty_secret.write_text("")
    b = str(body)
    return [
        (["--signature", GOOD], b"", "empty"),
        (["--body", str(empty), "--signature", GOOD], None, "empty"),
        (["--signature", GOOD, "--base64"], b"!!! not base64 !!!", "neither base64 nor JSON"),
        (["--request", _request(tmp_path, BAD, GOOD)], None, "more than one X-Signature"),
        (["--request", _request(tmp_path, GOOD, BAD)], None, "more than one X-Signature"),
        (["--request", _request(tmp_path, BAD), "--signature", GOOD], None, "--signature"),
        # an explicitly given secret is the only one: no fall-back to STREAM_API_SECRET
        (["--body", b, "--signature", GOOD, "--secret-file", str(empty_secret)], None, "empty"),
        (["--body", b, "--signature", GOOD, "--secret-file", str(blank_secret)], None, "empty"),
        (["--body", b, "--signature", GOOD, "--secret-env", "EMPTY_SECRET"], None, "EMPTY_SECRET"),
    ]


def _repeats(tmp_path: Path) -> list[tuple[list[str], bytes | None, str]]:
    body = tmp_path / "body.json"
    body.write_bytes(BODY)
    b = str(body)
    return [
        (["--body", b, "--signature", BAD, "--signature", GOOD], None, "--signature"),
        (["--body", "/nonexistent", "--body", b, "--signature", GOOD], None, "--body"),
        (["--body", b, "--signature", GOOD, "--json", "--json"], None, "--json"),
    ]


def test_a_repeated_option_is_exit_2_on_the_fast_path(tmp_path: Path) -> None:
    """The last of a repeated option won: `--signature BAD --signature GOOD` was valid."""
    for args, _, said in _repeats(tmp_path):
        code, out, err = fast("verify-signature", *args, env={"STREAM_API_SECRET": SECRET})
        assert (code, out) == (2, ""), (args, err)
        assert said in err.splitlines()[0]


def test_a_repeated_option_is_exit_2_on_the_typer_path(cli: Cli, tmp_path: Path) -> None:
    """The Typer command refuses repeats through the one argv check of every command
    (``hookctl.cli.strict``, issue 23 item 3)."""
    pytest.importorskip("hookctl.cli.strict", reason="the argv check of item 3 is not in")
    for args, _, said in _repeats(tmp_path):
        code, out, err = typer_path(cli, "verify-signature", *args)
        assert (code, out) == (2, ""), (args, err)
        assert said in err.splitlines()[0]


def test_everything_but_a_checked_signature_is_exit_2_on_both_paths(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"STREAM_API_SECRET": SECRET, "EMPTY_SECRET": ""}  # the right secret, as a trap
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for args, stdin, said in _cases(tmp_path):
        for path in ("fast", "typer"):
            if path == "fast":
                code, out, err = fast("verify-signature", *args, env=env, stdin=stdin)
            else:
                code, out, err = typer_path(cli, "verify-signature", *args, stdin=stdin)
            assert code == 2, (path, args, out, err)
            assert out == "", (path, args)
            assert err.startswith("error: "), (path, args, err)
            assert said in err.splitlines()[0], (path, args, err)
            assert "Traceback" not in err


def test_the_usual_verdicts_stay(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(BODY)
    env = {"STREAM_API_SECRET": SECRET}
    assert fast("verify-signature", "--body", str(body), "--signature", GOOD, env=env)[0] == 0
    assert fast("verify-signature", "--body", str(body), "--signature", BAD, env=env)[0] == 1
    assert fast("verify-signature", "--request", _request(tmp_path, GOOD), env=env)[0] == 0
    raw = fast("verify-signature", "--signature", GOOD, "--base64", env=env, stdin=BODY)
    assert raw[0] == 0  # raw JSON under --base64 is accepted, as the SDKs accept it


def _run(argv: list[str], stdout: str, env: dict[str, str]) -> tuple[int, str]:
    """hookctl in a real process with stdout a full device, closed, or a gone reader."""
    command = [sys.executable, "-m", "hookctl", *argv]
    full_env = {**os.environ, **env}
    if stdout == "pipe":
        # The reader is gone before the process starts: closed after Popen, a fast
        # verdict (~20 ms) could land in the pipe's buffer first on a loaded machine.
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            proc = subprocess.Popen(command, stdout=write_end, stderr=subprocess.PIPE, env=full_env)
        finally:
            os.close(write_end)
        assert proc.stderr is not None
        err = proc.stderr.read().decode()
        return proc.wait(timeout=30), err
    if stdout == "closed":
        done = subprocess.run(
            ["sh", "-c", '"$@" >&-', "sh", *command],
            capture_output=False, stderr=subprocess.PIPE, env=full_env, timeout=30,
        )  # fmt: skip
        return done.returncode, done.stderr.decode()
    with open(stdout, "w") as sink:
        done = subprocess.run(
            command, stdout=sink, stderr=subprocess.PIPE, env=full_env, timeout=30
        )
    return done.returncode, done.stderr.decode()


@pytest.mark.parametrize("stdout", ["/dev/full", "closed", "pipe"])
@pytest.mark.parametrize("first", [[], ["--no-color"]], ids=["fast", "typer"])
@pytest.mark.parametrize("signature", [GOOD, BAD], ids=["valid", "invalid"])
def test_a_verdict_that_cannot_be_written_is_exit_2(
    stdout: str, first: list[str], signature: str, tmp_path: Path
) -> None:
    if stdout == "/dev/full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    body = tmp_path / "body.json"
    body.write_bytes(BODY)
    argv = [*first, "verify-signature", "--body", str(body), "--signature", signature]
    code, err = _run(argv, stdout, {"STREAM_API_SECRET": SECRET})
    assert code == 2, err
    assert err.startswith("error: cannot write the result to stdout"), err
    assert len(err.splitlines()) == 2  # error + hint
    assert "Traceback" not in err
    assert "Exception ignored" not in err
