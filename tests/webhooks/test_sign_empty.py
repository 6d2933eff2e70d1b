"""`sign` refuses an empty body unless asked (adversarial pass, network half).

`printf '' | hookctl sign` printed a signature and exit 0: a pipe or file that came up
empty looked like success. Stream never signs an empty body (and `verify-signature`
already calls one a usage error), so `sign` now exits 2 with a hint naming
`--allow-empty`, on the fast path and the Typer command alike.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.webhooks.test_signing import fast, typer_path

SECRET = "s3cret-sign-empty"


@pytest.mark.parametrize("body", [b"", b" \n\t"], ids=["empty", "whitespace"])
def test_an_empty_body_is_a_usage_error_unless_allowed(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: bytes
) -> None:
    monkeypatch.setenv("STREAM_API_SECRET", SECRET)
    path = tmp_path / "body.json"
    path.write_bytes(body)
    env = {"STREAM_API_SECRET": SECRET}
    for code, out, err in (
        fast("sign", stdin=body, env=env),
        fast("sign", "--body", str(path), env=env),
        typer_path(cli, "sign", "--body", str(path)),
    ):
        assert code == 2, err
        assert out == ""
        lines = err.strip().splitlines()
        assert lines[0].startswith("error: the body in "), err
        assert "--allow-empty" in lines[1]
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    for code, out, err in (
        fast("sign", "--allow-empty", stdin=body, env=env),
        typer_path(cli, "sign", "--body", str(path), "--allow-empty"),
    ):
        assert code == 0, err
        assert out.strip() == expected
