"""No traceback for any file hookctl reads (issue 23 item 10): a property-based fuzz of
hook files (``hooks apply --check``, ``hooks diff``) and of failover envelopes in a real
fake-gcs-server bucket (``failover object``, ``failover replay --from-file --dry-run``).

Each example starts from a valid file and breaks it: fields dropped, values of the wrong
type, empty strings, non-ASCII digits and ``_`` in numbers, huge and negative numbers,
NaN, deep nesting, 100 KB strings, duplicate keys, or raw bytes. Every run must exit 0, 1
or 2 with no traceback and no "unexpected failure". A few examples by default; the slow
set runs hundreds.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hookctl.cli import app
from hookctl.failover.layout import envelope, object_name
from hookctl.sandbox.gcs import create_bucket
from tests.conftest import SandboxApp
from tests.fuzzing import assert_handled
from tests.gcs import fake_gcs_server, upload

DEFAULT = int(os.environ.get("HOOKCTL_FUZZ_EXAMPLES", "15"))
SIZES = [pytest.param(DEFAULT, id="default"), pytest.param(300, id="300", marks=pytest.mark.slow)]
BUCKET, PATH, HOOK_ID = "fuzz", "stream/failed", "h1"
DEAD = "http://127.0.0.1:9/"

# values that broke a reader somewhere before: empty, non-ASCII or '_' numbers, huge,
# negative, NaN, deep, long, control characters, templates, lone-surrogate escapes
ODD_TEXT = [
    "", " ", "1_0", "١٢", "１２", "-5", "1e400", "NaN", "\x00", "\u202e", "{{.EventType}}",
    "https://-bad-.com/", "https://ex.com/%zz", "https://u:pw@ex.com/", "../../x", "x" * 100_000,
    "message.new", "webhook", "env:STREAM_API_SECRET", "\\ud800",
]  # fmt: skip
scalars = st.one_of(
    st.sampled_from(ODD_TEXT),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
json_values = st.recursive(
    st.one_of(scalars, st.none()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
toml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), inner, max_size=3),
    ),
    max_leaves=10,
)

HOOK_KEYS = [
    "id", "hook_type", "webhook_url", "event_types", "enabled", "timeout_ms", "callback",
    "sqs_queue_url", "sqs_auth_type", "sns_topic_arn", "product", "failover_config", "x",
]  # fmt: skip
VALID_HOOK: dict[str, Any] = {
    "hook_type": "webhook",
    "webhook_url": "https://a.io/x",
    "event_types": ["message.new"],
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)  # out of TOML's 64-bit range on purpose sometimes
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string is JSON-escaped text
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"


@st.composite
def hook_files(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) == 0:  # raw bytes now and then
        return draw(st.binary(max_size=200))
    tables = []
    for _ in range(draw(st.integers(0, 3))):
        hook = dict(VALID_HOOK)
        for key in draw(st.lists(st.sampled_from(HOOK_KEYS), max_size=4)):
            if draw(st.booleans()):
                hook[key] = draw(toml_values)
            else:
                hook.pop(key, None)
        lines = [f"{k} = {_toml_value(v)}" for k, v in hook.items()]
        if draw(st.integers(0, 9)) == 0:
            lines.append(lines[0] if lines else 'id = "a"')  # a duplicate key
        tables.append("[[hook]]\n" + "\n".join(lines) + "\n")
    if not tables:
        tables = [draw(st.sampled_from(["", "# only a comment\n", "hook = []\n", "hook = 5\n"]))]
    return "\n".join(tables).encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("examples", SIZES)
def test_no_traceback_for_any_hook_file(examples: int, sandbox: SandboxApp, tmp_path: Path) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(content=hook_files(), verb=st.sampled_from(["apply-check", "diff"]))
    def run(content: bytes, verb: str) -> None:
        sandbox.set_hooks([{"id": "h1", **VALID_HOOK, "enabled": True}])
        before = sandbox.hooks()
        hook_file = tmp_path / "hooks.toml"
        hook_file.write_bytes(content)
        args = ["hooks", "apply", str(hook_file), "--check"]
        if verb == "diff":
            args = ["hooks", "diff", str(hook_file)]
        assert_handled(CliRunner().invoke(app, args, catch_exceptions=True), args)
        assert sandbox.hooks() == before  # --check and diff never write

    run()


WHEN = datetime(2026, 4, 2, 12, tzinfo=UTC)
NAME = object_name(PATH, WHEN, "message.new", HOOK_ID)
VALID_ENVELOPE = envelope(
    hook_id=HOOK_ID,
    url="https://a.io/x",
    event_type="message.new",
    error="connection refused",
    failed_at=WHEN,
    payload={"type": "message.new", "message": {"text": "hi"}},
)


@st.composite
def envelopes(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=200))
    body: Any = dict(VALID_ENVELOPE)
    for key in draw(st.lists(st.sampled_from([*VALID_ENVELOPE, "x"]), max_size=4)):
        if draw(st.booleans()):
            body[key] = draw(json_values)
        else:
            body.pop(key, None)
    if kind == 1:
        body = draw(json_values)  # not an object at all, sometimes
    text = json.dumps(body, allow_nan=False)
    if kind == 2:  # what json.dumps would never write: NaN, a deep payload, a cut
        text = draw(
            st.sampled_from(
                [
                    text.replace('"hi"', "NaN"),
                    text.replace('"hi"', "[" * 5000 + "]" * 5000),
                    text[: len(text) // 2],
                    text.replace('"payload"', '"payload": 1, "payload"'),
                ]
            )
        )
    return text.encode("utf-8", "surrogatepass")


@pytest.fixture
def bucket_url() -> Iterator[str]:
    with fake_gcs_server() as url:
        create_bucket(url, BUCKET)
        yield url


@pytest.mark.parametrize("examples", SIZES)
def test_no_traceback_for_any_failover_envelope(
    examples: int, bucket_url: str, tmp_path: Path
) -> None:
    failures = tmp_path / "failures.ndjson"
    failures.write_text(json.dumps({"name": NAME, "bucket": BUCKET}) + "\n")
    where = ["--bucket", BUCKET, "--gcs-endpoint", bucket_url]

    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(body=envelopes())
    def run(body: bytes) -> None:
        upload(bucket_url, BUCKET, NAME, body)
        for args in (
            ["failover", "object", NAME, *where, "--json"],
            ["failover", "object", NAME, *where],
            ["failover", "replay", *where, "--path", PATH, "--from-file", str(failures),
             "--to", DEAD, "--dry-run", "--json"],
        ):  # fmt: skip
            assert_handled(CliRunner().invoke(app, args, catch_exceptions=True), args)

    run()
