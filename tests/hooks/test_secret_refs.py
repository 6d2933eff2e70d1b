"""Secret references in hook files are confined, and the diff names where each comes from."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import Cli, SandboxApp

SQS_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/stream-events"


def sqs_file(tmp_path: Path, secret_ref: str) -> Path:
    path = tmp_path / "hooks" / "stream-hooks.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        "[[hook]]\n"
        'hook_type = "sqs"\n'
        "enabled = true\n"
        f'sqs_queue_url = "{SQS_URL}"\n'
        'sqs_auth_type = "keys"\n'
        'sqs_key = "AKIAEXAMPLE"\n'
        f'sqs_secret = "{secret_ref}"\n'
        "event_types = []\n"
    )
    return path


@pytest.mark.parametrize(
    "ref",
    [
        "file:/etc/passwd",
        "file:../../../../etc/passwd",
        "file:../outside.txt",
        "file:~/.bash_history",
        "file:",
        "file:link-out",
        "env:STREAM_API_SECRET",
        "env:STREAM_API_KEY",
        "env:HOOKCTL_ANYTHING",
        "env:GOOGLE_APPLICATION_CREDENTIALS",
    ],
)
def test_references_that_reach_outside_are_refused(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path, ref: str
) -> None:
    (tmp_path / "outside.txt").write_text("outside-secret-value")
    path = sqs_file(tmp_path, ref)
    (path.parent / "link-out").symlink_to(tmp_path / "outside.txt")
    os.environ["HOOKCTL_ANYTHING"] = "hookctl-value"
    result = cli("hooks", "apply", str(path), "--yes")
    assert result.exit_code == 2, result.output
    assert sandbox.hooks() == []
    assert sandbox.api_secret not in result.output
    assert "outside-secret-value" not in result.output


def test_references_inside_the_directory_work_and_the_diff_names_them(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = sqs_file(tmp_path, "file:secrets/sqs")
    (path.parent / "secrets").mkdir()
    (path.parent / "secrets" / "sqs").write_text("file-secret-value-1\n")
    shown = cli("hooks", "diff", str(path))
    assert shown.exit_code == 0, shown.output
    assert "(secret from file:secrets/sqs)" in shown.stdout
    assert "file-secret-value-1" not in shown.output
    assert cli("hooks", "apply", str(path), "--yes").exit_code == 0
    assert sandbox.hooks()[0]["sqs_secret"] == "file-secret-value-1"

    monkeypatch.setenv("SQS_SECRET_NEW", "env-secret-value-2")
    path.write_text(path.read_text().replace("file:secrets/sqs", "env:SQS_SECRET_NEW"))
    shown = cli("hooks", "diff", str(path))
    assert '"(secret)" -> "(secret from env:SQS_SECRET_NEW)"' in shown.stdout, shown.stdout
    assert cli("hooks", "apply", str(path), "--yes").exit_code == 0
    assert sandbox.hooks()[0]["sqs_secret"] == "env-secret-value-2"
