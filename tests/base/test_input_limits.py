"""Every input hookctl reads has a bound: /dev/zero (not a file) or a gzip bomb ends in
exit 2, fast."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.webhooks.test_signing import fast

ZERO = "/dev/zero"
needs_dev_zero = pytest.mark.skipif(not Path(ZERO).exists(), reason="no /dev/zero")


@needs_dev_zero
def test_endless_body_and_secret_file_are_refused(tmp_path: Path) -> None:
    body = tmp_path / "b.json"
    body.write_bytes(b'{"a":1}')
    env = {"STREAM_API_SECRET": "s"}
    for args, what in (
        (("verify-signature", "--signature", "abc", "--body", ZERO), "a device"),
        (("sign", "--body", ZERO), "a device"),
        (("sign", "--secret-file", ZERO, "--body", str(body)), "a device"),
    ):
        code, out, err = fast(*args, env=env)
        assert code == 2, err
        assert out == ""
        assert what in err
        assert err.startswith("error: ")
        assert "\nhint: " in err


def test_endless_stdin_and_gzip_bomb_are_refused(tmp_path: Path) -> None:
    env = {"STREAM_API_SECRET": "s"}
    code, _, err = fast("sign", env=env, stdin=b"x" * (64 * 1024 * 1024 + 1))
    assert (code, "stdin is larger than 64 MiB" in err) == (2, True), err
    bomb = tmp_path / "bomb.gz"
    bomb.write_bytes(gzip.compress(b"\0" * (64 * 1024 * 1024 + 1), compresslevel=1))
    code, _, err = fast("verify-signature", "--signature", "ab", "--body", str(bomb), env=env)
    assert code == 2, err
    assert "decompresses to more than 64 MiB" in err
    small = tmp_path / "small.gz"
    small.write_bytes(gzip.compress(b'{"type":"message.new"}'))
    assert fast("sign", "--body", str(small), env=env)[0] == 0  # under the limit: as before


@needs_dev_zero
def test_trigger_count_and_data_file_are_bounded(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_API_KEY", "k")
    monkeypatch.setenv("STREAM_API_SECRET", "s")
    over = cli("trigger", "message.new", "--to", "http://127.0.0.1:9/x", "-n", "10001")
    assert over.exit_code == 2
    assert "10000" in over.stderr
    endless = cli("ping", "http://127.0.0.1:9/x", "--data", ZERO)
    assert endless.exit_code == 2
    assert "/dev/zero: not a regular file (a device)" in endless.stderr
