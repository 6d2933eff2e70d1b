"""What is still to deliver (issue 24): each failed event's state in `failover list`,
`failover status` for a runbook or an alert, and filters that pick exactly what replay
sends. Real parts only: the sandbox app, fake-gcs-server, a token server, a receiver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hookctl.base.plaintext import cut_middle
from hookctl.failover.layout import envelope, object_name
from hookctl.webhooks.receiver import Receiver
from tests.conftest import Cli, SandboxApp
from tests.gcs import fake_gcs_server, service_account_key, token_server, write_object

BUCKET = "incident-bucket"
PATH = "stream/failed-events"
GONE = "0badc0de-0000-4000-8000-000000000000"  # a hook deleted since its events failed


@dataclass
class Bucket:
    gcs: str
    hook_a: str
    hook_b: str
    names: dict[str, str]  # label -> object name
    receiver: Receiver

    def args(self) -> list[str]:
        return ["--bucket", BUCKET, "--path", PATH, "--gcs-endpoint", self.gcs, "--since", "2h"]

    def received(self) -> set[str]:
        """Labels of the events the receiver got (each payload carries its label)."""
        return {json.loads(b)["label"] for b in self.receiver.bodies.values()}

    def label(self, name: str) -> str:
        return {v: k for k, v in self.names.items()}[name]


def _put(data: Path, label: str, minute: int, hook: str, event_type: str, **extra: Any) -> str:
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=90 - minute)
    name = object_name(PATH, when, event_type, hook)
    body: dict[str, Any] | bytes = envelope(
        hook_id=hook,
        url=extra.get("url", ""),
        event_type=event_type,
        error=extra.get("error", "HTTP 500: Internal Server Error"),
        failed_at=when + timedelta(seconds=3),  # the envelope's time differs from the name's
        payload={"type": event_type, "label": label},
    )
    write_object(data, BUCKET, name, extra.get("raw", body))
    return name


HOOK_A = "1a2b3c4d-0000-4000-8000-00000000000a"
HOOK_B = "1a2b3c4d-0000-4000-8000-00000000000b"


def _spec(url_a: str, url_b: str) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    """label, hook, its URL, event type, what else the object says."""
    return [
        ("a500", HOOK_A, url_a, "message.new", {"error": "HTTP 500: Internal Server Error"}),
        ("a503", HOOK_A, url_a, "message.new", {"error": "HTTP 503: Service Unavailable"}),
        ("a-refused", HOOK_A, url_a, "message.new", {"error": "connection refused"}),
        ("a-timeout", HOOK_A, url_a, "reaction.new", {"error": "timed out after 6.0s"}),
        ("a404", HOOK_A, url_a, "reaction.new", {"error": "HTTP 404: Not Found"}),
        ("a-redirect", HOOK_A, url_a, "message.new", {"error": "redirected to https://x.example/"}),
        ("a-dns", HOOK_A, url_a, "message.new", {"error": "ClientConnectorDNSError: Name unknown"}),
        ("a-not-taken", HOOK_A, url_a, "call.created", {}),  # not in hook A's event_types
        ("a-other-url", HOOK_A, "https://attacker.example/x", "message.new", {}),
        ("a-malformed", HOOK_A, url_a, "message.new", {"raw": b"{not json"}),
        ("b502", HOOK_B, url_b, "message.new", {"error": "HTTP 502: Bad Gateway"}),
        ("b-timeout", HOOK_B, url_b, "message.updated", {"error": "timed out after 6.0s"}),
        ("gone", GONE, url_a, "message.new", {}),
    ]


@pytest.fixture
def mixed(sandbox: SandboxApp, tmp_path: Path) -> Iterator[Bucket]:
    """Two hooks failing over to one bucket, and every kind of object in it: errors of
    each class, a type the hook does not take, a deleted hook, an envelope naming another
    URL, a body that is not JSON."""
    receiver = Receiver([sandbox.api_secret], keep_bodies=True).start()
    url_a, url_b = f"{receiver.url}/a", f"{receiver.url}/b"
    data = tmp_path / "gcs"
    names = {}
    for minute, (label, hook, url, event_type, extra) in enumerate(_spec(url_a, url_b)):
        names[label] = _put(data, label, minute, hook, event_type, url=url, **extra)
    with token_server() as token_uri, fake_gcs_server(data) as gcs:
        key = json.dumps(service_account_key(token_uri))
        config = {"type": "gcs", "gcs_bucket": BUCKET, "gcs_path": PATH, "gcs_credentials": key}
        hook: dict[str, Any] = {"hook_type": "webhook", "enabled": True, "failover_config": config}
        sandbox.set_hooks(
            [
                {
                    **hook,
                    "id": HOOK_A,
                    "webhook_url": url_a,
                    "event_types": ["message.new", "reaction.new"],
                },
                {**hook, "id": HOOK_B, "webhook_url": url_b, "event_types": []},
            ]
        )
        yield Bucket(gcs, HOOK_A, HOOK_B, names, receiver)
    receiver.stop()


def states(result_stdout: str) -> dict[str, tuple[str, str | None]]:
    return {o["name"]: (o["state"], o["reason"]) for o in json.loads(result_stdout)["objects"]}


def by_label(bucket: Bucket, found: dict[str, Any]) -> dict[str, Any]:
    return {bucket.label(name): value for name, value in found.items()}


def test_list_shows_each_events_state_and_says_which_journal_it_read(
    mixed: Bucket, cli: Cli
) -> None:
    before = cli("failover", "list", *mixed.args(), "--json")
    assert before.exit_code == 0, before.stderr
    seen = by_label(mixed, states(before.stdout))
    # no replay kept a journal yet: delivered or not cannot be told, so it is not guessed
    assert seen["a500"] == ("unknown", None)
    assert seen["a-not-taken"][0] == "refused"
    assert f"hook {HOOK_A} does not receive call.created" in seen["a-not-taken"][1]
    assert seen["gone"][0] == "refused"
    assert "no longer exists" in seen["gone"][1]
    # names only: the envelope naming another URL is not known yet, and the note says so
    assert seen["a-other-url"] == ("unknown", None)
    assert "delivery state unknown: no journal at" in before.stderr
    assert "note: names only; --envelopes also finds malformed" in before.stderr
    source = json.loads(before.stdout)["state_source"]
    assert (source["journal_found"], source["envelopes_read"]) == (False, False)

    replay = cli("failover", "replay", *mixed.args(), "--rate", "0", "--json")
    assert replay.exit_code == 1, replay.stderr  # some were refused or malformed
    report = json.loads(replay.stdout)
    # each breakdown under the counter it explains (issue 24 item 4), none under "failed"
    reasons = report["reasons"]
    assert sum(reasons["refused"].values()) == report["counts"]["refused"] == 3
    assert any("does not receive call.created" in r for r in reasons["refused"])
    assert sum(reasons["malformed"].values()) == report["counts"]["malformed"] == 1
    assert reasons["failed"] == report["failed_by_reason"] == {}

    after = cli("failover", "list", *mixed.args(), "--envelopes", "--json")
    assert after.exit_code == 0, after.stderr
    seen = by_label(mixed, states(after.stdout))
    assert {k for k, (state, _) in seen.items() if state == "delivered"} == mixed.received()
    assert seen["a-other-url"][0] == "refused"
    assert "current webhook_url" in seen["a-other-url"][1]
    assert seen["a-malformed"][0] == "malformed"
    assert "not valid JSON" in seen["a-malformed"][1]
    assert "pending" not in {state for state, _ in seen.values()}
    assert "delivery state from the journal" in after.stderr
    rows = {o["name"]: o for o in json.loads(after.stdout)["objects"]}
    row = rows[mixed.names["a503"]]
    assert (row["time_from"], row["error_class"]) == ("failed_at", "5xx")


def test_summary_counts_states_and_draws_only_what_is_pending(mixed: Bucket, cli: Cli) -> None:
    first = cli("failover", "replay", *mixed.args(), "-e", "reaction.new", "--rate", "0")
    assert first.exit_code == 0, first.stderr
    summary = cli("failover", "list", *mixed.args(), "--summary", "--json")
    assert summary.exit_code == 0, summary.stderr
    got = json.loads(summary.stdout)
    assert got["count"] == 13
    assert got["states"] == {"pending": 9, "delivered": 2, "refused": 2}
    backlog = [b for b in got["timeline"]["type"] if b["count"]]
    assert sum(b["count"] for b in backlog) == 9  # the chart draws the pending backlog only
    assert not any("reaction.new" in b["split"] for b in backlog)
    assert "reaction.new" in got["event_types"]  # the totals still count every event


def test_status_exit_code_follows_the_backlog_until_it_is_drained(mixed: Bucket, cli: Cli) -> None:
    def status(*extra: str) -> tuple[int, dict[str, Any], str]:
        result = cli("failover", "status", "--since", "2h", "--gcs-endpoint", mixed.gcs, *extra)
        report = json.loads(result.stdout) if "--json" in extra else {}
        return result.exit_code, report, result.stderr

    code, report, err = status("--json")
    assert code == 1  # no journal yet: not known to be delivered is not "nothing pending"
    hooks = {h["hook_id"]: h for h in report["hooks"]}
    assert set(hooks) == {HOOK_A, HOOK_B}
    assert (hooks[HOOK_A]["unknown"], hooks[HOOK_A]["refused"]) == (9, 1)
    assert "11 events counted as pending: delivery state unknown, no journal at" in err
    table = cli("failover", "status", "--since", "2h", "--gcs-endpoint", mixed.gcs)
    rows = {r.split("\t")[0]: r.split("\t") for r in table.stdout.splitlines()}
    assert rows["HOOK"][2:6] == ["PENDING", "DELIVERED", "REFUSED", "MALFORMED"]
    assert rows[HOOK_A][2:6] == ["9", "0", "1", "0"]  # never replayed: 9 to send, not "0"
    journal = report["hooks"][0]["journal"]
    assert f"\n  {journal}\n" in table.stderr  # whole off a terminal: it can be copied
    assert "…" not in table.stderr, table.stderr
    pasted = table.stderr.replace(" \\\n    ", " ")
    assert "replay all 11 events (one bucket, every hook):\n" in pasted, table.stderr
    assert "  hookctl failover replay --since 2h\n" in pasted, table.stderr

    mixed.receiver.status = 503  # the endpoint is still down
    down = cli("failover", "replay", "--bucket", BUCKET, "--path", PATH, "--since", "2h",
               "--gcs-endpoint", mixed.gcs, "--rate", "0", "--max-attempts", "1")  # fmt: skip
    assert down.exit_code == 1, down.stderr
    code, report, err = status("--json")
    assert code == 1
    hooks = {h["hook_id"]: h for h in report["hooks"]}
    assert hooks[HOOK_B]["pending"] == 2
    assert hooks[HOOK_A]["oldest_pending_age_s"] >= 89 * 60
    assert f"2 pending for hook {HOOK_B}" in err
    pasted = err.replace(" \\\n    ", " ")  # the command, folded to fit, as a shell reads it
    assert "replay all 9 events (one bucket, every hook):\n" in pasted, err
    assert "  hookctl failover replay --since 2h\n" in pasted, err  # both hooks share it
    assert max(len(line) for line in err.splitlines()) <= 80, err  # fits a terminal
    code, _, err = status("--hook", HOOK_B)
    pasted = err.replace(" \\\n    ", " ")
    assert f"  hookctl failover replay --hook {HOOK_B} --since 2h\n" in pasted, err
    listed = cli("failover", "list", *mixed.args(), "--hook", HOOK_B, "--json")
    reasons = {o["reason"] for o in json.loads(listed.stdout)["objects"]}
    assert reasons == {"last replay failed: HTTP 503: Service Unavailable"}

    mixed.receiver.status = 200
    # the command status printed, as pasted: no --hook, every hook of the one bucket
    up = cli("failover", "replay", "--since", "2h", "--gcs-endpoint", mixed.gcs, "--rate", "0")
    assert up.exit_code == 1, up.stderr  # refused and malformed are never sent
    assert "delivered\t9\n" in up.stdout, up.stdout
    code, report, err = status()
    assert code == 0, err
    assert "nothing pending in the window (9 delivered)" in err
    # the replay journaled what it would not send: names alone now tell refused/malformed
    code, report, err = status("--json")
    assert report["totals"] == {
        "pending": 0, "unknown": 0, "delivered": 9, "refused": 2, "malformed": 1,
    }  # fmt: skip
    assert report["ok"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--state", "stuck"], "--state 'stuck' is not one of pending, delivered"),
        (["--error-class", "5xx,teapot"], "--error-class 'teapot' is not one of 5xx"),
        (["--state", ""], "--state is empty"),  # cli/strict.py: empty is never "not given"
    ],
)
def test_bad_filters_are_exit_2_before_any_request(cli: Cli, args: list[str], message: str) -> None:
    for verb in ("list", "status", "replay"):
        result = cli("failover", verb, "--bucket", "nowhere", "--since", "1h", *args)
        assert result.exit_code == 2, (verb, result.output)
        assert message in result.stderr
        assert "hint:" in result.stderr


def test_list_with_a_filter_shows_exactly_what_replay_with_it_sends(
    mixed: Bucket, cli: Cli
) -> None:
    steps = [
        ["--error-class", "5xx"],
        ["--error-class", "timeout,refused", "-e", "message.new,message.updated"],
        ["--hook", HOOK_A, "-e", "reaction.*"],
        [],  # the rest
    ]
    sent: set[str] = set()
    for filters in steps:
        listed = cli("failover", "list", *mixed.args(), *filters, "--state", "pending", "--json")
        assert listed.exit_code == 0, listed.stderr
        shown = {mixed.label(o["name"]) for o in json.loads(listed.stdout)["objects"]}
        replay = cli("failover", "replay", *mixed.args(), *filters, "--rate", "0", "--json")
        assert replay.exit_code in (0, 1), replay.stderr
        now = mixed.received() - sent
        assert shown == now, filters
        assert shown, filters  # each step sends something
        sent |= now
    assert sent == {
        "a500", "a503", "a-refused", "a-timeout", "a404", "a-redirect", "a-dns", "b502",
        "b-timeout",
    }  # fmt: skip
    left = cli("failover", "list", *mixed.args(), "--state", "pending", "--json")
    assert json.loads(left.stdout)["objects"] == []
    again = cli("failover", "replay", *mixed.args(), "--state", "delivered")
    assert again.exit_code == 2
    assert "--redeliver" in again.stderr


def test_list_and_status_answer_when_stream_cannot_be_reached(
    mixed: Bucket, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An incident may come with Stream unreachable: the bucket and the journal still say
    what is pending; only refusals (which need the app's hooks) go unchecked, and it says so."""
    from hookctl.sandbox.run import free_port

    monkeypatch.setenv("STREAM_BASE_URL", f"http://127.0.0.1:{free_port()}")  # nothing there
    monkeypatch.setenv("HOOKCTL_TIMEOUT", "0.5")
    listed = cli("failover", "list", *mixed.args(), "--json")
    assert listed.exit_code == 0, listed.stderr
    assert {o["state"] for o in json.loads(listed.stdout)["objects"]} == {"unknown"}
    assert "note: refusals not checked: cannot read the app's hooks" in listed.stderr
    status = cli("failover", "status", *mixed.args())
    assert status.exit_code == 1, status.stderr  # unknown is not "nothing pending"
    assert "refusals not checked: cannot read the app's hooks" in status.stderr


def test_one_labelled_time_per_event_in_list_object_and_dry_run(mixed: Bucket, cli: Cli) -> None:
    """Issue 24 item 6: the envelope's failure time (3 s after the name's here), labelled
    "failed at" alike in `list --envelopes`, `object` and `replay --dry-run`, and the same
    `time`/`time_from` in their --json."""
    name = mixed.names["b502"]
    only = ("--hook", HOOK_B, "--error-class", "5xx")
    listed = cli("failover", "list", *mixed.args(), *only, "--envelopes")
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.splitlines()[0].split("\t")[0] == "FAILED AT"
    row = next(line.split("\t") for line in listed.stdout.splitlines() if name in line)
    when = row[0]
    assert when.endswith("Z")
    shown = cli("failover", "object", name, "--bucket", BUCKET, "--gcs-endpoint", mixed.gcs)
    assert shown.exit_code == 0, shown.stderr
    assert f"failed at\t{when}" in shown.stdout.splitlines(), shown.stdout
    as_json = cli("failover", "object", name, "--bucket", BUCKET, "--gcs-endpoint", mixed.gcs,
                  "--json")  # fmt: skip
    assert (json.loads(as_json.stdout)["time"], json.loads(as_json.stdout)["time_from"]) == (
        when,
        "failed_at",
    )
    dry = cli("failover", "replay", *mixed.args(), *only, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "first to send (failed at, object):" in dry.stderr, dry.stderr
    short = name.rsplit("/", 1)[-1].removesuffix(".json")
    # twin hooks (their ids differ in the last character): the whole id, cut in the middle
    # to fit 80 columns, as failover list's OBJECT column cuts it ("…" pastes as a wildcard)
    assert f"  {when}  {cut_middle(short, 56)}" in dry.stderr.splitlines(), dry.stderr
    closing = dry.stderr.split("dry run:", 1)[1].splitlines()
    assert max(len(line) for line in closing) <= 80, dry.stderr
