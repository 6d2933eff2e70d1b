"""The docs contract, sqlite-utils style, on what a user actually sees.

``test_cli_contract`` checks each command's help *text* and its entry in the generated
reference; this renders ``hookctl … --help`` as a user runs it and checks the pieces
are there: a summary, the example, every option and argument with its own help, every
sub-command listed by its group, and the README pointing at the reference.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hookctl.cli.reference import commands, is_group
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = list(commands())


def words(text: str) -> str:
    """Whitespace-normalised, with shell continuations (` \\` + newline) joined, and
    the preformatting mark (\\b) dropped."""
    return " ".join(re.sub(r" \\\n", " ", text.replace("\b", "")).split())


_rendered: dict[str, tuple[int, str]] = {}


def rendered_help(cli: Cli, path: str) -> tuple[int, str]:
    """``hookctl … --help`` as printed (under the suite's NO_COLOR/COLUMNS), once per command."""
    if path not in _rendered:
        result = cli(*path.split()[1:], "--help")
        _rendered[path] = (result.exit_code, result.stdout + result.stderr)
    return _rendered[path]


def hyphen_breaks(text: str) -> list[str]:
    return re.findall(r"\S+-\n\s*\S+", text)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_help_as_rendered_shows_the_summary_and_example(
    cli: Cli, path: str, command: object
) -> None:
    exit_code, output = rendered_help(cli, path)
    assert exit_code == 0, output
    shown = words(output)
    help_text = getattr(command, "help", "") or ""
    summary = words(help_text.strip().split("\n\n")[0])
    assert summary, f"{path} has no help"
    assert summary in shown, path
    if is_group(command):
        for name in getattr(command, "commands", {}):
            assert name in shown, f"{path} --help does not list {name}"
    else:
        example = words(help_text.partition("Example:")[2].split("\n\n")[0])
        assert "hookctl " in example, f"{path} has no example"
        assert f"Example: {example}" in shown, path


def test_readme_points_at_the_reference() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "## Command reference" in readme
    assert "(docs/commands.md)" in readme


def test_help_never_breaks_a_word_at_a_hyphen(cli: Cli) -> None:
    broken = {}
    for path, _ in COMMANDS:
        found = hyphen_breaks(rendered_help(cli, path)[1])
        if found:
            broken[path] = found
    assert broken == {}


def test_help_names_values_not_python_types(cli: Cli) -> None:
    """`--bucket BUCKET`, not Typer's `--bucket <str>` / `<list[str]>` / `<int range>`."""
    shown = {}
    for path, _ in COMMANDS:
        found = re.findall(
            r"<(?:str|int|float|list\[[^]]*\]|[a-z]+ range)>", rendered_help(cli, path)[1]
        )
        if found:
            shown[path] = found
    assert shown == {}


def _source_example(command: object) -> str | None:
    """The example as written in the docstring (before the help was preformatted)."""
    import inspect

    if "Example:" not in (getattr(command, "help", "") or ""):
        return None  # e.g. the root: its help is the app's, not the callback's docstring
    callback = getattr(command, "callback", None)
    doc = inspect.getdoc(callback) if callback is not None else None
    text = doc if doc and "Example:" in doc else getattr(command, "help", "")
    return words(text.partition("Example:")[2].split("\n\n")[0])


def _tokens(line: str) -> int:
    import shlex

    text = line.strip().removeprefix("Example:").removesuffix("\\")
    try:
        return len(shlex.split(text))
    except ValueError:
        return len(text.split())


def _rendered_example(output: str) -> tuple[str, list[str]]:
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Example:"))
    block = [lines[start]]
    while block[-1].endswith("\\"):
        block.append(lines[start + len(block)])
    return words("\n".join(block).strip().removeprefix("Example:")), block


@pytest.mark.parametrize("width", [60, 80, 120])
def test_examples_survive_any_width_whole_and_pasteable(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from hookctl.cli import app

    monkeypatch.setenv("COLUMNS", str(width))
    runner = CliRunner()
    checked = 0
    for path, command in COMMANDS:
        example = _source_example(command)
        if example is None:
            continue
        result = runner.invoke(app, [*path.split()[1:], "--help"], terminal_width=width)
        assert result.exit_code == 0, (path, result.output)
        shown, block = _rendered_example(result.output)
        assert shown == example, f"{path} at {width} columns: {block}"
        # a line may pass the width only when it is one token that cannot be split
        too_long = [x for x in block if len(x) > width and _tokens(x) > 1]
        assert not too_long, (path, width, block)
        assert not hyphen_breaks(result.output), (path, width, hyphen_breaks(result.output))
        checked += 1
    assert checked > 30
