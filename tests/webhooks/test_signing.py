"""verify-signature and sign: vectors, the official SDK, both start-up paths, exit codes."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hookctl.webhooks.signing import sign, signer, verify, verify_any
from tests.conftest import Cli

SECRET = "whsec-test-0123456789"
BODY = b'{"type":"message.new","message":{"text":"h\xc3\xa9llo"}}'


def test_known_vectors() -> None:
    # RFC 4231, test case 2
    assert sign(b"what do ya want for nothing?", "Jefe") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    assert sign(b"", "key") == "5d5d139563c95b5967b9bd9a8c9b233a9dedb45072794cd232dc1b74832607d0"
    assert sign(BODY, SECRET) == hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()


@given(st.text(min_size=1), st.lists(st.binary(max_size=3000), min_size=1, max_size=4))
def test_a_prepared_signer_signs_each_body_like_sign(secret: str, bodies: list[bytes]) -> None:
    """Replay signs with one keyed HMAC copied per body: every body on its own, whatever
    was signed before it (a shared, updated MAC would sign the concatenation)."""
    sign_body = signer(secret)
    assert [sign_body(b) for b in bodies] == [sign(b, secret) for b in bodies]


def test_agrees_with_the_official_sdk() -> None:
    from stream_chat import StreamChat

    sdk = StreamChat(api_key="k", api_secret=SECRET)
    signature = sign(BODY, SECRET)
    assert sdk.verify_webhook(BODY, signature) is True
    assert verify(BODY, signature, SECRET)
    tampered = BODY.replace(b"new", b"neW")
    assert sdk.verify_webhook(tampered, signature) is False
    assert not verify(tampered, signature, SECRET)


def test_signature_normalisation_and_rotation() -> None:
    signature = sign(BODY, SECRET)
    assert verify(BODY, f"  {signature.upper()}\n", SECRET)
    assert verify_any(BODY, signature, ["old", SECRET]) == 1
    assert verify_any(BODY, signature, ["old", "older"]) is None


def fast(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
) -> tuple[int, str, str]:
    """The console-script path (no Typer) in a real process."""
    proc = subprocess.run(
        [sys.executable, "-m", "hookctl", *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=30,
    )
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def typer_path(cli: Cli, *args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    """The documented Typer command (reached when a global option comes first)."""
    r = cli("--no-color", *args, input=stdin.decode() if stdin else None)
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture
def body_file(tmp_path: Path) -> Path:
    path = tmp_path / "body.json"
    path.write_bytes(BODY)
    return path


def test_both_paths_agree(
    cli: Cli, body_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = sign(BODY, SECRET)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    monkeypatch.setenv("MY_SECRET", SECRET)
    monkeypatch.setenv("OLD_SECRET", "old-secret")
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET + "\n")
    request = tmp_path / "req.http"
    request.write_bytes(
        b"POST /hook HTTP/1.1\r\nHost: x\r\nX-Signature: "
        + good.encode()
        + b"\r\nContent-Length: "
        + str(len(BODY)).encode()
        + b"\r\n\r\n"
        + BODY
    )
    headers_only = tmp_path / "headers-only.http"
    headers_only.write_bytes(b"X-Signature: " + good.encode() + b"\r\nHost: x\r\n\r\n" + BODY)
    cases: list[tuple[list[str], int, str]] = [
        (["--body", str(body_file), "--signature", good, "--secret-env", "MY_SECRET"], 0, "valid"),
        (
            ["--body", str(body_file), "--signature", bad, "--secret-env", "MY_SECRET"],
            1,
            "invalid: signature does not match the body",
        ),
        (
            [
                "--body",
                str(body_file),
                "--signature",
                good.upper(),
                "--secret-file",
                str(secret_file),
            ],
            0,
            "valid",
        ),
        (["--request", str(request), "--secret-env", "MY_SECRET"], 0, "valid"),
        (
            ["--request", str(headers_only), "--secret-env", "MY_SECRET"],
            2,
            "starts with headers, not a request line",
        ),
        (
            [
                "--body",
                str(body_file),
                "--signature",
                good,
                "--secret-env",
                "OLD_SECRET",
                "--secret-env",
                "MY_SECRET",
                "--json",
            ],
            0,
            '"matched_secret": "env:MY_SECRET"',
        ),
        (["--body", str(body_file), "--signature", good], 2, "no API secret"),
        (
            [
                "--body",
                str(tmp_path / "missing.json"),
                "--signature",
                good,
                "--secret-env",
                "MY_SECRET",
            ],
            2,
            "cannot read",
        ),
        (["--body", str(body_file), "--secret-env", "MY_SECRET"], 2, "no signature given"),
        (
            ["--body", str(body_file), "--signature", good, "--secret-env", "UNSET_XYZ"],
            2,
            "UNSET_XYZ is not set",
        ),
    ]
    for args, code, expected in cases:
        for path in (fast, lambda *a: typer_path(cli, *a)):
            got_code, out, err = path("verify-signature", *args)
            assert got_code == code, (path, args, out, err)
            assert expected in out + err, (path, args, out, err)
            assert "Traceback" not in err


def test_stdin_body_and_one_byte_changes(body_file: Path) -> None:
    good = sign(BODY, SECRET)
    env = {"STREAM_API_SECRET": SECRET}
    assert fast("verify-signature", "--signature", good, env=env, stdin=BODY)[0] == 0
    assert fast("verify-signature", "--signature", good, env=env, stdin=BODY + b" ")[0] == 1
    assert fast("verify-signature", "--signature", good, env=env, stdin=BODY[:-1] + b"]")[0] == 1
    flipped = ("1" if good[0] == "0" else "0") + good[1:]
    assert fast("verify-signature", "--signature", flipped, env=env, stdin=BODY)[0] == 1
    code, out, _ = fast("verify-signature", "--signature", good, "--json", env=env, stdin=BODY)
    assert code == 0
    assert json.loads(out) == {
        "valid": True,
        "reason": None,
        "matched_secret": "env:STREAM_API_SECRET",
        "compressed": False,
    }
    code, out, _ = fast("sign", "--body", str(body_file), env=env)
    assert code == 0
    assert out.strip() == good


def test_secret_from_profile(cli: Cli, body_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S", SECRET)
    assert cli("config", "add", "prod", "--api-key", "k", "--secret-env", "S").exit_code == 0
    code, out, _ = fast(
        "verify-signature", "--body", str(body_file), "--signature", sign(BODY, SECRET), "--json"
    )
    assert code == 0
    assert json.loads(out)["matched_secret"] == "profile:prod"


def test_verify_signature_imports_only_the_standard_library(body_file: Path) -> None:
    code = (
        "import sys; sys.argv = ['hookctl', 'verify-signature', '--body', sys.argv[1], "
        "'--signature', 'ab', '--secret-env', 'HOME']\n"
        "from hookctl.entry import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('typer', 'httpx', 'pydantic', 'rich', 'google', 'aiohttp', 'click'))\n"
        "print(heavy, file=sys.stderr)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(body_file)], capture_output=True, text=True, timeout=30
    )
    assert proc.stderr.strip().splitlines()[-1] == "[]"
    assert proc.stdout.startswith("invalid")


def test_fast_path_errors_pass_the_one_redaction(cli: Cli, tmp_path: Path) -> None:
    """The Typer-free path prints its own error lines; they are redacted like the Console's."""
    leaky = str(tmp_path / "sqs_secret='hunter2-do-not-print'")  # a file that does not exist
    args = ("verify-signature", "--body", leaky, "--signature", "00", "--secret-env", "HOME")
    for as_json in ((), ("--json",)):
        code, _, err = fast(*args, *as_json)
        typer_code, _, typer_err = typer_path(cli, *args, *as_json)
        assert code == typer_code == 2, err
        assert "cannot read" in err
        assert "hunter2-do-not-print" not in err
        assert "hunter2-do-not-print" not in typer_err


def test_non_utf8_argv_and_env_values_are_usage_errors(body_file: Path) -> None:
    """A stray byte in --signature, STREAM_API_SECRET, a --secret-env variable or a secret
    file is bad input (exit 2, one error line and a hint), never a traceback with exit 1
    (which CI reads as "invalid signature")."""
    secret_file = body_file.parent / "secret"
    secret_file.write_bytes(b"\xff\n")
    cases = [
        (("verify-signature", "--signature", "\udcff"), {"STREAM_API_SECRET": "s"}),
        (("verify-signature", "--signature", "ab"), {"STREAM_API_SECRET": "\udcff"}),
        (("sign",), {"STREAM_API_SECRET": "\udcff"}),
        (("sign", "--secret-env", "MY_SECRET"), {"MY_SECRET": "x\udcff"}),
        (("sign", "--secret-file", str(secret_file)), {}),
    ]
    for args, env in cases:
        code, out, err = fast(*args, "--body", str(body_file), env=env)
        assert code == 2, (args, err)
        assert out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 2, err
        assert lines[0].startswith("error: ")
        assert "UTF-8" in lines[0]
        assert lines[1].startswith("hint: ")
    # a signature that is text but not hex stays a plain "invalid" (exit 1)
    code, out, _ = fast(
        "verify-signature",
        "--signature",
        "zz",
        "--body",
        str(body_file),
        env={"STREAM_API_SECRET": "s"},
    )
    assert (code, out.split(":")[0]) == (1, "invalid")
