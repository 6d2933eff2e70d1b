"""Compressed webhooks end to end, decoded as the official SDKs decode them (issue 16, item 1)."""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from hookctl.events.catalog import load_catalog
from hookctl.events.samples import encode, sample_event
from hookctl.webhooks.compression import CorruptBody, compress, decode_body
from hookctl.webhooks.delivery import Delivery, deliver_sync
from hookctl.webhooks.receiver import Receiver
from hookctl.webhooks.signing import sign
from tests.conftest import Cli, SandboxApp
from tests.misbehave import misbehaving
from tests.webhooks.test_signing import fast, typer_path

SECRET = "whsec-gzip-0123456789"
BODY = b'{"type":"message.new","message":{"text":"h\xc3\xa9llo"}}'
GZ = gzip.compress(BODY)


def corrupt_bodies() -> dict[str, bytes]:
    return {
        "truncated": GZ[: len(GZ) // 2],
        "bad header": b"\x1f\x8b\x00garbage",
        "corrupt stream": GZ[:10] + bytes(b ^ 0xFF for b in GZ[10:-8]) + GZ[-8:],
    }


def test_decode_body_follows_the_magic_bytes() -> None:
    assert decode_body(BODY) == (BODY, False, False)
    assert decode_body(GZ) == (BODY, True, False)
    assert decode_body(compress(BODY))[0] == BODY
    for name, bad in corrupt_bodies().items():
        with pytest.raises(CorruptBody, match="does not decompress"):
            decode_body(bad)
        assert name


def test_decode_body_reads_sqs_and_sns_message_bodies() -> None:
    wrapped = base64.b64encode(GZ)
    assert decode_body(wrapped, base64_wrapped=True) == (BODY, True, True)
    # compression off: SQS bodies are the raw JSON; taken as is
    assert decode_body(BODY, base64_wrapped=True) == (BODY, False, False)
    envelope = json.dumps({"Type": "Notification", "Message": wrapped.decode()}).encode()
    assert decode_body(envelope, base64_wrapped=True) == (BODY, True, True)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {"gz": tmp_path / "body.json.gz", "plain": tmp_path / "body.json"}
    out["gz"].write_bytes(GZ)
    out["plain"].write_bytes(BODY)
    for name, bad in corrupt_bodies().items():
        out[name] = tmp_path / f"{name.replace(' ', '-')}.gz"
        out[name].write_bytes(bad)
    request = b"".join(
        [
            b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n",
            b"Content-Type: application/json\r\nX-Signature: " + sign(BODY, SECRET).encode(),
            b"\r\nContent-Length: %d\r\n\r\n" % len(GZ),
            GZ,
        ]
    )
    out["request"] = tmp_path / "request.http"
    out["request"].write_bytes(request)
    out["sqs"] = tmp_path / "sqs.txt"
    out["sqs"].write_bytes(base64.b64encode(GZ))
    return out


@pytest.mark.parametrize("path", ["fast", "typer"])
def test_verify_signature_checks_gzip_bodies_over_the_uncompressed_json(
    cli: Cli, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setenv("STREAM_API_SECRET", SECRET)

    def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
        if path == "fast":
            return fast("verify-signature", *args, env={"STREAM_API_SECRET": SECRET}, stdin=stdin)
        return typer_path(cli, "verify-signature", *args)

    good = sign(BODY, SECRET)
    code, out, _ = run("--body", str(files["gz"]), "--signature", good, "--json")
    assert code == 0
    assert json.loads(out)["compressed"] is True
    code, out, _ = run("--body", str(files["plain"]), "--signature", good, "--json")
    assert code == 0
    assert json.loads(out)["compressed"] is False
    code, out, _ = run("--request", str(files["request"]))
    assert (code, out.strip()) == (0, "valid")
    code, out, _ = run("--body", str(files["sqs"]), "--base64", "--signature", good)
    assert (code, out.strip()) == (0, "valid")
    # a signature over the compressed bytes is not what Stream sends
    code, out, _ = run("--body", str(files["gz"]), "--signature", sign(GZ, SECRET))
    assert code == 1
    assert out.startswith("invalid")
    for name in corrupt_bodies():
        code, out, err = run("--body", str(files[name]), "--signature", good)
        assert code == 2, name
        assert out == "", name
        assert "error: the body starts with gzip's magic bytes" in err
        assert "Traceback" not in err


@pytest.mark.parametrize("path", ["fast", "typer"])
def test_verify_signature_saves_the_uncompressed_json(
    cli: Cli, files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setenv("STREAM_API_SECRET", SECRET)
    out_file = tmp_path / f"saved-{path}.json"
    args = ("--request", str(files["request"]), "--save-body", str(out_file))
    if path == "fast":
        code, out, _ = fast("verify-signature", *args, env={"STREAM_API_SECRET": SECRET})
    else:
        code, out, _ = typer_path(cli, "verify-signature", *args)
    assert (code, out.strip()) == (0, "valid")
    assert out_file.read_bytes() == BODY
    code, _, err = fast(
        "verify-signature",
        "--body",
        str(files["gz"]),
        "--signature",
        "ab",
        "--save-body",
        str(tmp_path / "no" / "such" / "dir.json"),
        env={"STREAM_API_SECRET": SECRET},
    )
    assert code == 2
    assert "cannot write" in err


def test_verify_signature_reads_gzip_from_stdin() -> None:
    code, out, _ = fast(
        "verify-signature",
        "--signature",
        sign(BODY, SECRET),
        env={"STREAM_API_SECRET": SECRET},
        stdin=GZ,
    )
    assert (code, out.strip()) == (0, "valid")


def test_fast_path_imports_gzip_only_for_gzip_bodies(files: dict[str, Path]) -> None:
    code = (
        "import sys; sys.argv = ['hookctl', 'verify-signature', '--body', sys.argv[1], "
        "'--signature', 'ab', '--secret-env', 'HOME']\n"
        "from hookctl.entry import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('gzip' in sys.modules, file=sys.stderr)"
    )
    for name, expected in (("plain", "False"), ("gz", "True")):
        proc = subprocess.run(
            [sys.executable, "-c", code, str(files[name])],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert proc.stderr.strip().splitlines()[-1] == expected, name


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def test_listen_verifies_and_saves_the_uncompressed_json(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    receiver = Receiver([SECRET], save_dir=saved).start()
    try:
        headers = {"X-Signature": sign(BODY, SECRET), "Content-Encoding": "gzip"}
        assert post(receiver.url, GZ, {**headers, "X-Webhook-Id": "gz-1"}) == 200
        bad = corrupt_bodies()["truncated"]
        assert post(receiver.url, bad, {**headers, "X-Webhook-Id": "gz-2"}) == 400
    finally:
        receiver.stop()
    first, second = receiver.events
    assert (first.event_type, first.signature_ok, first.compressed) == ("message.new", True, True)
    assert first.as_json()["compressed"] is True
    assert (second.event_type, second.signature_ok) == ("(corrupt gzip)", False)
    assert [p.read_bytes() for p in saved.iterdir()] == [BODY]


def test_forward_to_passes_on_the_bytes_and_headers_received() -> None:
    with misbehaving(["200"]) as (url, script):
        receiver = Receiver([SECRET], forward_to=url).start()
        try:
            headers = {
                "X-Signature": sign(BODY, SECRET),
                "Content-Encoding": "gzip",
                "X-Webhook-Id": "fw-1",
                "Content-Type": "application/json",
            }
            assert post(receiver.url, GZ, headers) == 200
        finally:
            receiver.stop()
    [seen] = script.requests
    assert seen["body"] == GZ
    assert seen["headers"]["content-encoding"] == "gzip"
    assert seen["headers"]["x-signature"] == sign(BODY, SECRET)
    assert receiver.events[0].forwarded == "200"


def test_ping_and_trigger_gzip(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_API_KEY", "k")
    monkeypatch.setenv("STREAM_API_SECRET", SECRET)
    receiver = Receiver([SECRET], keep_bodies=True).start()
    try:
        assert cli("ping", receiver.url, "--gzip").exit_code == 0
        assert (
            cli("trigger", "reaction.new", "--to", receiver.url, "-n", "3", "--gzip").exit_code == 0
        )
        assert cli("ping", receiver.url).exit_code == 0
    finally:
        receiver.stop()
    assert [(e.compressed, e.signature_ok) for e in receiver.events] == [(True, True)] * 4 + [
        (False, True)
    ]


def _official_verify(raw: bytes, signature: str) -> str:
    """The getstream SDK's own steps: gunzip by magic bytes, then verify, then parse."""
    from getstream.webhook import (
        InvalidWebhookError,
        gunzip_payload,
        verify_and_parse_webhook,
        verify_signature,
    )

    payload = gunzip_payload(raw)
    assert verify_signature(payload, signature, SECRET)
    # getstream 7.0 types event timestamps as integer nanoseconds; hookctl's samples
    # carry RFC 3339 strings as Stream's webhook docs show. Only that typed-parse step
    # may fail, after the gunzip and signature steps passed.
    failure = ""
    try:
        verify_and_parse_webhook(raw, signature, SECRET)
    except InvalidWebhookError as exc:
        failure = str(exc)
    assert failure == "" or "failed to deserialize event" in failure, failure
    return str(json.loads(payload)["type"])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # dataclasses_json on partial samples
@pytest.mark.parametrize("compressed", [True, False], ids=["gzip", "plain"])
def test_getstream_sdk_verifies_every_delivery_of_every_catalog_type(compressed: bool) -> None:
    pytest.importorskip("getstream")  # absent only in scripts/lower_bounds.sh's venv
    names = load_catalog().names
    with misbehaving(["200"]) as (url, script):
        deliveries = [
            Delivery(url, encode(sample_event(name)), name, compress=compressed) for name in names
        ]
        results = deliver_sync("k", SECRET, deliveries, concurrency=8)
    assert all(r.ok for r in results)
    assert len(script.requests) == len(names)
    for seen in script.requests:
        raw, headers = seen["body"], seen["headers"]
        assert (raw[:2] == b"\x1f\x8b") is compressed
        assert (headers.get("content-encoding") == "gzip") is compressed
        event_type = json.loads(gzip.decompress(raw) if compressed else raw)["type"]
        assert _official_verify(raw, headers["x-signature"]) == event_type


def test_sandbox_with_compression_on_round_trips_through_listen(
    cli: Cli, sandbox: SandboxApp
) -> None:
    pytest.importorskip("getstream")
    from getstream import Stream

    # switch the app setting on through the official SDK, as a user would
    Stream(api_key=sandbox.api_key, api_secret=sandbox.api_secret, base_url=sandbox.url).update_app(
        enable_hook_payload_compression=True
    )
    receiver = Receiver([sandbox.api_secret], keep_bodies=True).start()
    try:
        added = cli("hooks", "add", "webhook", "--url", receiver.url)
        assert added.exit_code == 0, added.stderr
        for event in ("message.new", "call.ended", "feeds.activity.added"):
            emitted = cli("sandbox", "emit", event, "--count", "4", "--json")
            assert emitted.exit_code == 0, emitted.stderr
    finally:
        receiver.stop()
    assert len(receiver.events) == 12
    assert all(e.compressed and e.signature_ok for e in receiver.events)
    assert {e.event_type for e in receiver.events} == {
        "message.new",
        "call.ended",
        "feeds.activity.added",
    }
    assert all(json.loads(b)["type"] for b in receiver.bodies.values())


def test_sandbox_compressed_deliveries_through_the_real_listen_process(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path
) -> None:
    """The issue's round trip with the command itself: sandbox (compression on) -> `hookctl
    listen --save-dir --json` in its own process -> every event valid, saved uncompressed."""
    sandbox.server.state.update(sandbox.api_key, {"enable_hook_payload_compression": True})
    env = {**os.environ, **sandbox.env()}
    log, out_path, saved = tmp_path / "listen.err", tmp_path / "listen.out", tmp_path / "saved"
    with log.open("w") as err_file, out_path.open("w") as out_file:
        listener = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hookctl",
                "listen",
                "--port",
                "0",
                "--count",
                "6",
                "--json",
                "--save-dir",
                str(saved),
            ],
            env=env,
            stdout=out_file,
            stderr=err_file,
        )
    try:
        deadline = time.monotonic() + 30
        while "listening on" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        url = log.read_text().split("listening on ")[1].split()[0]
        assert cli("hooks", "add", "webhook", "--url", url).exit_code == 0
        for event in ("message.new", "feeds.activity.added"):
            emitted = cli("sandbox", "emit", event, "--count", "3", "--json")
            assert emitted.exit_code == 0, emitted.stderr
        listener.wait(timeout=30)
    finally:
        listener.kill()
    events = [json.loads(line) for line in out_path.read_text().splitlines()]
    assert len(events) == 6
    assert all(e["signature_ok"] is True and e["compressed"] is True for e in events)
    bodies = [json.loads(p.read_bytes()) for p in saved.iterdir()]  # plain JSON on disk
    assert sorted(b["type"] for b in bodies) == ["feeds.activity.added"] * 3 + ["message.new"] * 3
    assert "gzip" in log.read_text()
