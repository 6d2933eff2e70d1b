"""verify-signature --explain names the alteration that broke a signature (issue 16, item 6)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hookctl.webhooks.explain import explain
from hookctl.webhooks.signing import sign
from tests.conftest import Cli
from tests.webhooks.test_signing import fast, typer_path

SECRET = "whsec-explain-0123"
OTHER = "whsec-other-4567"
ORIGINAL = json.dumps(
    {"type": "message.new", "message": {"text": "héllo", "id": "m1"}, "cid": "messaging:x"},
    separators=(",", ":"),
    ensure_ascii=False,
).encode()
GOOD = sign(ORIGINAL, SECRET)


def spaced(body: bytes) -> bytes:
    return json.dumps(json.loads(body), ensure_ascii=False).encode()


def sorted_keys(body: bytes) -> bytes:
    return json.dumps(json.loads(body), sort_keys=True, indent=2).encode()


CASES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "trailing-newline-added": (lambda b: b + b"\n", "trailing newline was added"),
    "crlf-added": (lambda b: b + b"\r\n", "trailing CRLF was added"),
    "newline-removed": (lambda b: b, "trailing newline was removed"),  # signed with \n
    "bom-added": (lambda b: b"\xef\xbb\xbf" + b, "byte-order mark (BOM) was added"),
    "reserialised-spaced": (spaced, "re-serialised"),
    "reserialised-sorted": (sorted_keys, "looks re-serialised (indented, keys sorted"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_alteration_is_named(case: str) -> None:
    alter, expected = CASES[case]
    signature = sign(ORIGINAL + b"\n", SECRET) if case == "newline-removed" else GOOD
    body = alter(ORIGINAL)
    finding = explain(body, body, signature, [("env:S", SECRET)])
    assert expected in finding.explanation, finding
    # a sorted body cannot be turned back into Stream's key order: no secret is proven
    assert finding.secret == (None if case == "reserialised-sorted" else "env:S")


def test_crlf_line_endings() -> None:
    original = b'{\n  "type": "message.new"\n}\n'
    body = original.replace(b"\n", b"\r\n")
    finding = explain(body, body, sign(original, SECRET), [("env:S", SECRET)])
    assert finding.cause == "crlf"
    assert "LF to CRLF" in finding.explanation


def test_signature_problems() -> None:
    secrets = [("env:S", SECRET)]
    assert explain(ORIGINAL, ORIGINAL, GOOD[:40], secrets).cause == "signature-length"
    assert explain(ORIGINAL, ORIGINAL, "z" * 64, secrets).cause == "signature-not-hex"
    assert explain(ORIGINAL, ORIGINAL, "sha256=" + GOOD, secrets).cause == "signature-prefix"
    b64 = base64.b64encode(hmac.new(SECRET.encode(), ORIGINAL, hashlib.sha256).digest())
    assert explain(ORIGINAL, ORIGINAL, b64.decode(), secrets).cause == "signature-base64"


def test_signed_over_the_compressed_bytes() -> None:
    gz = gzip.compress(ORIGINAL)
    finding = explain(gz, ORIGINAL, sign(gz, SECRET), [("env:S", SECRET)])
    assert finding.cause == "signed-compressed"


def test_another_configured_secret(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTHER", OTHER)
    assert cli("config", "add", "staging", "--api-key", "k", "--secret-env", "OTHER").exit_code == 0
    finding = explain(ORIGINAL, ORIGINAL, sign(ORIGINAL, OTHER), [("env:S", SECRET)])
    assert finding.cause == "other-secret"
    assert "profile:staging" in finding.explanation
    # an alteration and another secret together
    body = ORIGINAL + b"\n"
    finding = explain(body, body, sign(ORIGINAL, OTHER), [("env:S", SECRET)])
    assert finding.cause == "trailing-newline-added"
    assert "profile:staging" in finding.explanation


def test_nothing_fits_says_the_body_is_not_what_stream_signed() -> None:
    body = ORIGINAL.replace(b"h\xc3\xa9llo", b"hello")
    finding = explain(body, body, GOOD, [("env:S", SECRET)])
    assert finding.cause == "unknown"
    assert "not what Stream signed" in finding.explanation


@pytest.mark.parametrize("path", ["fast", "typer"])
def test_explain_on_both_paths_keeps_exit_codes(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setenv("STREAM_API_SECRET", SECRET)
    body = tmp_path / "body.json"
    body.write_bytes(ORIGINAL + b"\n")

    def run(*args: str) -> tuple[int, str, str]:
        if path == "fast":
            return fast("verify-signature", *args, env={"STREAM_API_SECRET": SECRET})
        return typer_path(cli, "verify-signature", *args)

    code, out, _ = run("--body", str(body), "--signature", GOOD, "--explain")
    assert code == 1
    assert out.splitlines()[0].startswith("invalid:")
    assert "trailing newline was added" in out.splitlines()[1]
    code, out, _ = run("--body", str(body), "--signature", GOOD, "--explain", "--json")
    assert code == 1
    assert json.loads(out)["explanation"]["cause"] == "trailing-newline-added"
    body.write_bytes(ORIGINAL)
    code, out, _ = run("--body", str(body), "--signature", GOOD, "--explain")
    assert (code, out.strip()) == (0, "valid")
    code, _, err = run("--body", str(tmp_path / "missing"), "--signature", GOOD, "--explain")
    assert code == 2
    assert "error:" in err


def test_explain_module_is_not_imported_without_the_flag(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(ORIGINAL + b"\n")
    code = (
        "import sys; sys.argv = ['hookctl', 'verify-signature', '--body', sys.argv[1], "
        "'--signature', sys.argv[2], '--secret-env', 'HOME'] + sys.argv[3:]\n"
        "from hookctl.entry import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('hookctl.webhooks.explain' in sys.modules, file=sys.stderr)"
    )
    for extra, expected in (([], "False"), (["--explain"], "True")):
        proc = subprocess.run(
            [sys.executable, "-c", code, str(body), GOOD, *extra],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert proc.stderr.strip().splitlines()[-1] == expected
