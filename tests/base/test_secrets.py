"""Secrets never appear in any output unless --show-secrets is given."""

from __future__ import annotations

import pytest

from tests.conftest import Cli, SandboxApp

SQS_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/q"


def test_no_command_prints_a_secret(
    cli: Cli, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqs_secret = "SQS-SECRET-d41d8cd98f00b204"
    sns_secret = "SNS-SECRET-e9800998ecf8427e"
    monkeypatch.setenv("SQS_S", sqs_secret)
    monkeypatch.setenv("SNS_S", sns_secret)
    monkeypatch.setenv("PROFILE_S", sandbox.api_secret)
    secrets = [sqs_secret, sns_secret, sandbox.api_secret]

    outputs = []

    def run(*args: str, code: int = 0) -> str:
        result = cli(*args)
        assert result.exit_code == code, (args, result.stderr)
        outputs.append(result.output)
        return result.stdout

    run(
        "config",
        "add",
        "p",
        "--api-key",
        sandbox.api_key,
        "--base-url",
        sandbox.url,
        "--secret-env",
        "PROFILE_S",
    )
    run("config", "list")
    run("config", "list", "--json")
    run("config", "show", "p")
    run("config", "show", "--sources")
    run("config", "show", "--sources", "--json")
    sqs = run(
        "hooks", "add", "sqs", "--queue-url", SQS_URL, "--key", "AKIA1", "--secret-env", "SQS_S"
    ).strip()
    sns = run(
        "hooks",
        "add",
        "sns",
        "--topic-arn",
        "arn:aws:sns:us-east-1:123456789012:t",
        "--key",
        "AKIA2",
        "--secret-env",
        "SNS_S",
        "--json",
    )
    assert '"changed": true' in sns
    web = run("hooks", "add", "webhook", "--url", "https://e.io").strip()
    run("hooks", "add", "pending-message", "--url", "https://e.io/p", "--timeout-ms", "50")
    for fmt in ([], ["--json"]):
        run("hooks", "list", *fmt)
        run("hooks", "show", sqs, *fmt)
        run("hooks", "history", *fmt)
    run("-v", "hooks", "update", sqs, "--secret-env", "SNS_S", "--dry-run")
    run("-v", "hooks", "update", sqs, "--secret-env", "SNS_S", "--json")
    run("hooks", "update", web, "--events", "message.new", "--dry-run", "--json")
    run("hooks", "disable", sqs, "--yes")
    run("hooks", "enable", sqs, "--json")
    run("hooks", "remove", web, "--yes", "--dry-run")
    run("hooks", "remove", web, "--yes")
    run("hooks", "restore", "latest", "--dry-run")
    run("hooks", "restore", "latest", "--yes", "--json")
    monkeypatch.setenv("STREAM_API_SECRET", "wrong-" + sandbox.api_secret)
    run("-v", "hooks", "list", code=1)

    for output in outputs:
        for secret in secrets:
            assert secret not in output

    # ... and they are there when asked for
    monkeypatch.setenv("STREAM_API_SECRET", sandbox.api_secret)
    revealed = run("hooks", "list", "--json", "--show-secrets")
    assert sns_secret in revealed  # the SQS hook's secret was rotated to this value above
