"""The API secret stays masked when others echo it back (adversarial pass, network half).

A receiver that answered `ping` with the secret in its body, and a failover envelope
whose `error_message` held it, had it printed by `ping` and `failover object` (stdout
data was checked for URL passwords only, and `failover object --bucket` never resolved
the secret, so nothing had remembered it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hookctl.failover.layout import envelope, object_name
from tests.conftest import Cli, SandboxApp
from tests.gcs import fake_gcs_server, write_object
from tests.loopback import Loopback, Reply

WHEN = datetime(2026, 4, 2, 10, tzinfo=UTC)


def test_a_secret_echoed_by_a_receiver_or_an_envelope_is_masked(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path
) -> None:
    secret = sandbox.api_secret
    outputs = []
    with Loopback() as receiver:
        url = receiver.route("POST", "/hook", Reply(400, {"message": f"bad key {secret}"}))
        for args in (("ping", url, "--json", "--max-attempts", "1"), ("ping", url)):
            outputs.append(cli(*args))
    data = tmp_path / "gcs"
    name = object_name("stream/failed", WHEN, "message.new", "h1")
    body = envelope(
        hook_id="h1", url="https://example.com/hook", event_type="message.new",
        error=f"signature made with {secret}", failed_at=WHEN, payload={"type": "message.new"},
    )  # fmt: skip
    write_object(data, "failover", name, body)
    with fake_gcs_server(data) as gcs:
        for extra in ((), ("--json",)):
            outputs.append(
                cli("failover", "object", f"gs://failover/{name}", "--gcs-endpoint", gcs, *extra)
            )
    for result in outputs:
        assert result.exit_code in (0, 1), result.output
        assert secret not in result.output
    assert "********" in outputs[-1].stdout
