"""Pasteable help examples: lines that fit, split only between tokens."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hookctl.base.helpwrap import WIDTH, continued, paste_safe

LONG = (
    "hookctl failover replay --since 2026-04-01T00:00Z --to https://example.com/hooks "
    "--event-type message.new,message.updated --dry-run"
)


def _joined(lines: list[str]) -> str:
    return " ".join(line.removesuffix(" \\").strip() for line in lines).removeprefix("Example: ")


def test_a_long_example_fits_and_pastes_back_to_the_same_command() -> None:
    lines = continued(LONG)
    assert len(lines) > 1
    assert all(len(line) + 2 <= WIDTH for line in lines[:-1])
    assert all(line.endswith(" \\") for line in lines[:-1])
    assert _joined(lines) == LONG
    assert any("--since 2026-04-01T00:00Z" in line for line in lines)  # option beside value


def test_quoted_arguments_stay_whole() -> None:
    command = 'eval "$(hookctl sandbox start --detach --gcs --bucket demo-failover)"'
    lines = continued(command)
    assert any(
        '"$(hookctl sandbox start --detach --gcs --bucket demo-failover)"' in x for x in lines
    )


def test_only_example_paragraphs_become_preformatted() -> None:
    text = paste_safe("Do a thing.\n\nExample: hookctl hooks list --json")
    intro, example = text.split("\n\n")
    assert intro == "Do a thing."
    assert example == "\b\nExample: hookctl hooks list --json"


@given(st.lists(st.from_regex(r"--?[a-z]{1,12}|[a-z0-9./:=]{1,30}", fullmatch=True), min_size=1))
def test_tokens_are_never_split(tokens: list[str]) -> None:
    command = "hookctl " + " ".join(tokens)
    assert _joined(continued(command)).split() == command.split()
