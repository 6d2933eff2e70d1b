"""``listen --forward-to`` and ``--save-dir`` with hostile senders (issue 14, item 7).

Reproduces: requests whose signature failed were relayed, with the sender's
``X-Forwarded-For``/``X-Internal-Admin``, to any URL; a ``/`` or a 300-character
``X-Webhook-Id`` crashed the handler and the event was then marked seen, never saved.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path

from hookctl.webhooks.receiver import Receiver
from hookctl.webhooks.signing import sign
from tests.conftest import Cli
from tests.misbehave import misbehaving

SECRET = "listen-secret"
BODY = b'{"type":"message.new","n":1}'


def post(url: str, webhook_id: str, *, signature: str | None = None) -> int:
    headers = {
        "Content-Type": "application/json",
        "X-Webhook-Id": webhook_id,
        "X-Webhook-Attempt": "1",
        "X-Api-Key": "key",
        "X-Signature": signature if signature is not None else sign(BODY, SECRET),
        "X-Forwarded-For": "10.0.0.1",
        "X-Internal-Admin": "true",
    }
    request = urllib.request.Request(url, data=BODY, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def test_only_verified_requests_are_forwarded_with_streams_headers_only() -> None:
    with misbehaving(["200"]) as (target, seen):
        receiver = Receiver([SECRET], forward_to=target).start()
        try:
            post(receiver.url, "good-1")
            post(receiver.url, "forged-1", signature="00" * 32)
        finally:
            receiver.stop()
    assert len(seen.requests) == 1
    [relayed] = seen.requests
    assert relayed["body"] == BODY
    assert relayed["headers"]["x-webhook-id"] == "good-1"
    assert "x-forwarded-for" not in relayed["headers"]
    assert "x-internal-admin" not in relayed["headers"]
    assert relayed["headers"]["x-signature"] == sign(BODY, SECRET)
    forged = next(e for e in receiver.events if e.webhook_id == "forged-1")
    assert forged.forwarded == "not forwarded: signature not verified"


def test_forward_unverified_is_an_explicit_choice() -> None:
    with misbehaving(["200"]) as (target, seen):
        receiver = Receiver([SECRET], forward_to=target, forward_unverified=True).start()
        try:
            post(receiver.url, "forged-2", signature="00" * 32)
        finally:
            receiver.stop()
    assert [r["headers"]["x-webhook-id"] for r in seen.requests] == ["forged-2"]


def test_forwarding_never_follows_a_redirect() -> None:
    with (
        misbehaving(["200"]) as (target, seen),
        misbehaving([f"307 loc={target}/x"]) as (
            redirecting,
            _,
        ),
    ):
        receiver = Receiver([SECRET], forward_to=redirecting).start()
        try:
            post(receiver.url, "good-3")
        finally:
            receiver.stop()
    assert seen.requests == []
    assert receiver.events[0].forwarded == (
        f"redirected to {target}/x: point the hook at the final URL"
    )


def test_forward_to_must_be_an_http_url(cli: Cli) -> None:
    result = cli("listen", "--port", "0", "--forward-to", "not a url")
    assert result.exit_code == 2
    assert "--forward-to" in result.stderr


def test_save_dir_names_files_from_a_sanitised_id_inside_the_directory(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    receiver = Receiver([SECRET], save_dir=saved).start()
    ids = ["../../escape", "a/b", "x" * 300, "8c4f6a52-0d4e-4a9b-9a55-3b1f3f2d9e10"]
    try:
        statuses = [post(receiver.url, i) for i in ids]
    finally:
        receiver.stop()
    assert statuses == [200] * 4
    files = sorted(p.name for p in saved.iterdir())
    assert len(files) == 4
    assert all(p.read_bytes() == BODY for p in saved.iterdir())
    assert any(f.endswith("-8c4f6a52-0d4e-4a9b-9a55-3b1f3f2d9e10.json") for f in files)
    assert all(len(f) < 100 and "/" not in f and not f.startswith(".") for f in files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["saved"]  # nothing escaped
    assert receiver.stats.accepted == 4
