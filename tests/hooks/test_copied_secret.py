"""The app's API secret never reaches a hook through a reference by value: ``env:MY_X``
holding it, a ``file:`` with it in, or a flag. Exit 2, the field named, the value never
printed, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli, SandboxApp

SQS_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/q"


def sqs_file(tmp_path: Path, secret_ref: str) -> Path:
    path = tmp_path / "hooks.toml"
    path.write_text(
        f'[[hook]]\nhook_type = "sqs"\nsqs_queue_url = "{SQS_URL}"\nsqs_auth_type = "keys"\n'
        f'sqs_key = "AKIAEXAMPLE"\nsqs_secret = "{secret_ref}"\n'
    )
    return path


@pytest.mark.parametrize("how", ["env", "file", "flag"])
def test_the_api_secret_is_not_copied_into_a_hook(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setenv("MY_X", sandbox.api_secret)
    if how == "env":
        result = cli("hooks", "apply", str(sqs_file(tmp_path, "env:MY_X")), "--yes")
    elif how == "file":
        (tmp_path / "sqs-secret").write_text(sandbox.api_secret + "\n")
        result = cli("hooks", "apply", str(sqs_file(tmp_path, "file:sqs-secret")), "--yes")
    else:
        result = cli(
            "hooks", "add", "sqs", "--queue-url", SQS_URL, "--auth", "keys",
            "--key", "AKIAEXAMPLE", "--secret-env", "MY_X",
        )  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert "sqs_secret holds the app's API secret" in result.stderr
    assert sandbox.api_secret not in result.stdout + result.stderr
    assert sandbox.hooks() == []  # nothing written
    monkeypatch.setenv("MY_X", "an-iam-users-own-secret")
    fine = cli("hooks", "apply", str(sqs_file(tmp_path, "env:MY_X")), "--yes")
    assert fine.exit_code == 0, fine.stderr
