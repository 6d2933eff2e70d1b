"""`failover list`, `failover object` and `failover replay` on an 80-column terminal
(issue 24 item 5), in real pseudo-terminals against the sandbox and fake-gcs-server.

Reproduces: every row of `failover list` showed `stream/failed-events/…` (the one part
alike in every name), so no name could be copied into `failover object` without
`--json`; the footer spoke of hook ids and `hooks show PREFIX`; the footer line and the
live replay progress line were wider than 80 columns.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from hookctl.failover.layout import envelope, object_name
from hookctl.sandbox.gcs import create_bucket
from hookctl.webhooks.receiver import Receiver
from tests.cli.test_table_width import on_a_terminal
from tests.conftest import Cli, SandboxApp
from tests.gcs import fake_gcs_server, service_account_key, token_server, upload

PATH = "stream/failed-events"
# two hooks whose ids share their first 8 characters, and a third
HOOK_A = "7a68478e-aaaa-4108-ac4f-526ced8cd68f"
HOOK_B = "7a68478e-bbbb-48dc-b6ed-34bd8f1f861a"
HOOK_C = "3e6efc16-c937-48dc-b6ed-34bd8f1f861b"
LONG_TYPE = "call.session_participant_count_updated"  # the catalog's longest (38)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(scope="module")
def gcs() -> Iterator[str]:
    with fake_gcs_server() as url:
        yield url


@pytest.fixture
def seeded(
    gcs: str, sandbox: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[datetime, list[str]]]:
    """Three hooks with failover into one bucket, and failed events for them: two types
    in one second for one hook, the longest type, and a name stamped outside its folder."""
    monkeypatch.setenv("HOOKCTL_GCS_ENDPOINT", gcs)
    bucket = f"narrow-{uuid.uuid4().hex[:12]}"  # each test its own objects
    create_bucket(gcs, bucket)
    with token_server() as token:
        key = json.dumps(service_account_key(token))
        sandbox.set_hooks(
            [
                {
                    "id": hook,
                    "hook_type": "webhook",
                    "webhook_url": f"http://127.0.0.1:9/hooks/{n}",
                    "enabled": True,
                    "failover_config": {
                        "type": "gcs",
                        "gcs_bucket": bucket,
                        "gcs_path": PATH,
                        "gcs_credentials": key,
                    },
                }
                for n, hook in enumerate((HOOK_A, HOOK_B, HOOK_C))
            ]
        )
        when = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
        events = [
            (when, "message.new", HOOK_A),
            (when, "reaction.new", HOOK_A),  # same second, same hook, another type
            (when, "message.new", HOOK_B),  # same second and type, a twin hook
            (when + timedelta(seconds=1), LONG_TYPE, HOOK_C),
        ]
        names = []
        for at, event_type, hook in events:
            name = object_name(PATH, at, event_type, hook)
            body = envelope(
                hook_id=hook,
                url=f"http://127.0.0.1:9/hooks/{(HOOK_A, HOOK_B, HOOK_C).index(hook)}",
                event_type=event_type,
                error="connection refused",
                failed_at=at,
                payload={"type": event_type, "n": len(names)},
            )
            upload(gcs, bucket, name, body)
            names.append(name)
        yield when, names


def object_column(out: str) -> list[str]:
    return [line.split("│")[-1].strip() for line in out.splitlines() if "│" in line]


def test_failover_list_names_fit_and_paste_into_failover_object(
    seeded: tuple[datetime, list[str]], cli: Cli
) -> None:
    when, names = seeded
    window = (
        "--since",
        f"{when:%Y-%m-%dT%H:%M:%SZ}",
        "--until",
        f"{when + timedelta(seconds=2):%Y-%m-%dT%H:%M:%SZ}",
    )
    code, out = on_a_terminal(
        "failover", "list", "--hook", HOOK_A[:8] + "-a", *window, columns=80, stderr=True
    )
    assert code == 0, out
    assert max(len(line) for line in out.splitlines()) <= 80, out
    assert "stream/failed-events/" not in out.split("OBJECT", 1)[1].split("event", 1)[0], out
    shown = object_column(out)
    assert len(shown) == 2, out  # --hook: HOOK_A's two
    assert len(set(shown)) == 2, shown  # rows tell apart
    assert all(s.endswith("7a68478e-a") for s in shown), shown  # twin hooks: 10 characters
    assert "failover object OBJECT" in out, out  # the footer speaks of the column
    header = next(line for line in out.splitlines() if "OBJECT" in line)
    assert "TIME (NAME)" in header, header  # the time says where it comes from
    assert "STATE" in header, header  # and the state sits beside the name
    rows = [line for line in out.splitlines() if "│" in line]
    assert all("unknown" in row for row in rows), rows  # no journal yet: not guessed
    assert "hooks show" not in out, out
    # every hook's objects, each pasted back: the short name finds its object
    for hook in (HOOK_B, HOOK_C):
        code, more = on_a_terminal("failover", "list", "--hook", hook, *window, columns=80)
        assert code == 0, more
        assert max(len(line) for line in more.splitlines()) <= 80, more
        shown += object_column(more)
    assert len(shown) == 4
    assert any("…" in s for s in shown), shown  # the 38-character type, cut in the middle
    for short in shown:
        result = cli("failover", "object", short, "--json")  # no --hook: the name says which
        assert result.exit_code == 0, (short, result.stderr)
        assert json.loads(result.stdout)["name"] in names


def test_a_short_name_that_matches_two_objects_is_refused(
    seeded: tuple[datetime, list[str]], cli: Cli
) -> None:
    when, _ = seeded
    second = int(when.timestamp())
    result = cli("failover", "object", f"{second}-message.new-7a68478e", "--hook", HOOK_A)
    assert result.exit_code == 2, result.output
    assert "matches 2 objects" in result.stderr, result.stderr
    assert "hint: paste more of the name" in result.stderr
    missing = cli("failover", "object", f"{second}-message.new-0000", "--hook", HOOK_A)
    assert missing.exit_code == 1, missing.output
    assert "no object in gs://narrow-" in missing.stderr


def test_piped_list_keeps_full_names(seeded: tuple[datetime, list[str]], cli: Cli) -> None:
    when, names = seeded
    result = cli("failover", "list", "--hook", HOOK_C, "--since", f"{when:%Y-%m-%dT%H:%M:%SZ}")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0].split("\t") == [
        "TIME (NAME)",
        "STATE",
        "EVENT TYPE",
        "HOOK",
        "BYTES",
        "NAME",
    ]
    assert names[3] in result.stdout  # scripts still get whole names


def test_replay_progress_line_fits_80_columns(
    seeded: tuple[datetime, list[str]], sandbox: SandboxApp
) -> None:
    when, _ = seeded
    receiver = Receiver([sandbox.api_secret]).start()
    try:
        code, out = on_a_terminal(
            "failover",
            "replay",
            "--hook",
            HOOK_A,
            "--since",
            f"{when:%Y-%m-%dT%H:%M:%SZ}",
            "--to",
            receiver.url,
            "--rate",
            "1",
            "--yes",
            "--no-journal",
            columns=80,
            stderr=True,
        )
    finally:
        receiver.stop()
    assert code == 0, out
    drawn = [ANSI.sub("", part) for line in out.split("\n") for part in line.split("\r")]
    assert any("delivered" in part and "/s" in part for part in drawn), out  # it was drawn
    assert max(len(part) for part in drawn) <= 80, [p for p in drawn if len(p) > 80]


@pytest.mark.slow  # a real process on a pseudo-terminal; test_states checks the lines in-process
def test_failover_status_fits_80_columns(seeded: tuple[datetime, list[str]]) -> None:
    """Three hooks with events of unknown state (no replay yet): the table and every
    line after it fit, and the replay command to paste is whole once unfolded."""
    when, _ = seeded
    since = f"{when:%Y-%m-%dT%H:%M:%SZ}"
    code, out = on_a_terminal("failover", "status", "--since", since, columns=80, stderr=True)
    assert code == 1, out  # unknown is not "nothing pending"
    lines = [ANSI.sub("", line) for line in out.splitlines()]
    assert max(len(line) for line in lines) <= 80, [line for line in lines if len(line) > 80]
    assert "4 events counted as pending: delivery state unknown, no journal at" in out, out
    assert (
        f"replay all 4 events (one bucket, every hook):\n  hookctl failover replay --since {since}\n"
        in "\n".join(lines) + "\n"
    ), out
    table = [line for line in lines if "│" in line]
    assert [row.split("│")[0].strip() for row in table] == ["7a68478e-a", "7a68478e-b", "3e6efc16"]
    assert not any("…" in row for row in table), table  # no header or count cut short
