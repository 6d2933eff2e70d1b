"""A misspelt field in a hook file is refused, never carried to Stream and lost there.

Before: `event_type = ["message.new"]` (for `event_types`) was carried as an unknown
field; Stream ignores those, so `hooks apply` created a hook that receives every event,
exit 0. Fields further from every known one are still carried (Stream adds fields).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hookctl.hooks.typos import misspelt
from tests.conftest import Cli, SandboxApp


@pytest.mark.parametrize(
    ("key", "meant"),
    [("event_type", "event_types"), ("enabeld", "enabled"), ("Enabled", "enabled"),
     ("webhook_ur", "webhook_url"), ("timeout_sm", "timeout_ms")],
)  # fmt: skip
def test_a_key_an_edit_or_two_from_a_field_is_a_typo(key: str, meant: str) -> None:
    assert misspelt(key) == meant


@pytest.mark.parametrize("key", ["event_types", "should_send_custom_events", "event_types_v2",
                                 "created_at", "x" * 100_000])  # fmt: skip
def test_known_and_new_fields_are_not_typos(key: str) -> None:
    assert misspelt(key) is None


def test_apply_refuses_a_misspelt_field_and_writes_nothing(
    cli: Cli, sandbox: SandboxApp, tmp_path: Path
) -> None:
    path = tmp_path / "hooks.toml"
    path.write_text(
        '[[hook]]\nhook_type = "webhook"\nwebhook_url = "https://e.com/x"\n'
        'event_type = ["message.new"]\n'
    )
    result = cli("hooks", "apply", str(path), "--yes")
    assert result.exit_code == 2, result.output
    assert f"{path}:4: hook 1: unknown field 'event_type': did you mean 'event_types'?" in (
        result.stderr
    )
    assert sandbox.hooks() == []
