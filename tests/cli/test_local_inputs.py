"""argv and environment values the adversarial pass of issue 23 found accepted or
mishandled (local inputs): each is exit 2 with one line naming it, before anything runs.

Before: `--interval 1_0` (or Arabic-Indic, full-width digits, a trailing space) was
read by float() and polled; a profile, event type or host label ending in a newline
passed their `$`-anchored patterns; `{{.Secret}}` or `{{.eventtype}}` in a hook URL was
stored and would reach Stream unfilled; a GCS endpoint holding `user:password@` was an
"unexpected failure" from aiohttp; `listen --host` with a bidi control was an
"unexpected failure" (TypeError) and "bad host" got the hint "pick another --port";
a 100 KB `--path` prefix was stored although no object name under it fits GCS.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hookctl.base.errors import HookctlError, UsageError
from tests.conftest import Cli, SandboxApp


@pytest.mark.parametrize("text", ["1_0", "١٢", "５", "5 ", " 5", "30s\n", "1e309", "nan"])
def test_an_interval_is_ascii_seconds_or_a_unit(text: str) -> None:
    from hookctl.failover.follow import parse_interval

    with pytest.raises(UsageError, match="--interval"):
        parse_interval(text)
    assert parse_interval("45") == 45.0
    assert parse_interval("2m") == 120.0


def test_a_profile_name_with_a_final_newline_is_refused(cli: Cli, isolated_env: Path) -> None:
    result = cli("config", "add", "main\n", "--api-key", "k", "--secret-stdin", input="s\n")
    assert result.exit_code == 2, result.output
    assert "profile name 'main\\n' is not allowed" in result.stderr
    assert not (isolated_env / "config" / "config.toml").exists()


def test_an_event_type_with_a_final_newline_is_no_event_type() -> None:
    from hookctl.base.validate import EVENT_TYPE
    from hookctl.events.samples import fill_template

    assert EVENT_TYPE.match("message.new\n") is None
    with pytest.raises(UsageError, match="cannot fill"):
        fill_template("https://e.com/{{.EventType}}", app_id="1", event_type="message.new\n")


@pytest.mark.parametrize("url", ["https://e.com/{{.Secret}}", "https://e.com/{{.eventtype}}"])
def test_a_template_stream_does_not_fill_is_refused(
    cli: Cli, sandbox: SandboxApp, url: str
) -> None:
    for args in (("hooks", "add", "webhook", "--url", url, "--dry-run"),):
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert "{{.AppID}} and {{.EventType}}" in result.stderr
    assert cli("hooks", "add", "webhook", "--url", "https://e.com/{{.EventType}}/{{.AppID}}",
               "--dry-run").exit_code == 0  # fmt: skip
    assert sandbox.hooks() == []


def test_a_gcs_endpoint_with_a_password_is_refused_without_showing_it() -> None:
    from hookctl.config.envvars import gcs_endpoint

    for env in ({"HOOKCTL_GCS_ENDPOINT": "http://u:hunter2@127.0.0.1:9"},
                {"STORAGE_EMULATOR_HOST": "http://u:hunter2@127.0.0.1:9/"}):  # fmt: skip
        with pytest.raises(UsageError) as caught:
            gcs_endpoint(None, env)
        assert "user:password@" in caught.value.message
        assert "hunter2" not in caught.value.message + caught.value.hint


@pytest.mark.parametrize("host", ["\u202eabc", "bad host", "a" * 300, "-x-"])
def test_listen_refuses_a_host_no_socket_can_take(cli: Cli, host: str) -> None:
    result = cli("listen", "--port", "0", "--count", "1", "--host", host)
    assert result.exit_code == 2, result.output
    assert "is not a host name or IP address to listen on" in result.stderr
    assert "--port" not in result.stderr
    assert "unexpected" not in result.output


def test_a_failover_path_too_long_for_gcs_names_is_refused() -> None:
    from hookctl.failover.keys import normalise_path

    assert normalise_path("/stream//failed/") == "stream/failed"
    with pytest.raises(HookctlError, match="at most 512") as caught:
        normalise_path("a" * 100_000)
    assert len(caught.value.message) < 200


@pytest.mark.parametrize("secret", ["a\x00b", "two words", "tab\there", "\u202esecret"])
def test_a_secret_that_cannot_be_one_is_refused_without_showing_it(
    cli: Cli, isolated_env: Path, secret: str
) -> None:
    """Before: `config add --secret-stdin` stored a NUL byte, a space or a bidi control."""
    result = cli("config", "add", "p", "--api-key", "k", "--secret-stdin", input=secret + "\n")
    assert result.exit_code == 2, result.output
    assert "the API secret from stdin contains" in result.stderr
    assert secret not in result.output
    assert not (isolated_env / "config" / "config.toml").exists()


def test_two_sources_for_one_secret_are_refused(
    cli: Cli, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: `--secret-env S --secret-stdin` silently took the variable."""
    monkeypatch.setenv("S", "from-env")
    result = cli("config", "add", "p", "--api-key", "k", "--secret-env", "S", "--secret-stdin",
                 input="from-stdin\n")  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--secret-env and --secret-stdin" in result.stderr
    assert not (isolated_env / "config" / "config.toml").exists()


@pytest.mark.parametrize(
    "url", ["gs://u:hunter2@bucket/x", "s3://u:hunter2@bucket/x", "gs://bkt//x", "gs://bkt/../x"]
)
def test_a_bad_lock_url_is_named_masked_and_with_a_hint(url: str) -> None:
    """Before: `gs://u:PW@bucket/x` was echoed whole by the bucket-name check, and a
    relative path segment had no hint."""
    from hookctl.hooks.lock import parse_lock_url

    with pytest.raises(UsageError) as caught:
        parse_lock_url(url, "key")
    assert "hunter2" not in caught.value.message
    assert caught.value.hint


@pytest.mark.parametrize(
    ("flag", "env"),
    [
        ("0/100001", {}),
        ("0/99999999999999999999", {}),
        (None, {"CLOUD_RUN_TASK_INDEX": "0", "CLOUD_RUN_TASK_COUNT": "99999999999999999999"}),
    ],
)
def test_a_shard_count_no_job_can_have_is_refused(flag: str | None, env: dict[str, str]) -> None:
    """Before: a count of 10^20 was taken, and each task replayed almost nothing, exit 0."""
    from hookctl.config.envvars import shard

    with pytest.raises(UsageError, match="100,000"):
        shard(flag, None, env)
    assert shard("99999/100000", None, {}) == (99999, 100000)


@pytest.mark.parametrize("prefix", ["\u202eabc", "stream/fa\u200biled"])
def test_a_prefix_with_an_invisible_character_is_refused(prefix: str) -> None:
    """Before: `failover set --path` and `--archive-to` took a bidi control (the prefix
    then reads as another one in every listing)."""
    from hookctl.failover.archive import archive_prefix
    from hookctl.failover.keys import normalise_path

    with pytest.raises(HookctlError, match="invisible character"):
        normalise_path(prefix)
    with pytest.raises(UsageError, match="invisible character"):
        archive_prefix(prefix)
    assert normalise_path("stream/é x") == "stream/é x"
