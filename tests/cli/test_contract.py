"""One contract for every command: help with an example, --json where data is printed,
generated files current, and heavy imports kept off the start-up path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hookctl.cli.reference import commands, is_group
from tests.conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
# Commands that print no data (or print a script/file whose format is the point).
NO_DATA = {
    "hookctl demo",
    "hookctl sandbox start",
    "hookctl sandbox stop",
    "hookctl completion show",
    "hookctl completion install",
    "hookctl hooks export",  # --format json instead
    "hookctl listen",  # streams with --jsonl
    "hookctl sign",  # prints the signature alone
    "hookctl config use",
    "hookctl config remove",
    "hookctl config add",  # a ✓ line on stderr; `config show --json` has the data
}
LEAVES = [(path, cmd) for path, cmd in commands() if not is_group(cmd)]


def test_generated_reference_and_completions_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"run `python scripts/gen_docs.py`: {result.stdout}"
    for name in ("hookctl.bash", "_hookctl", "hookctl.fish", "hookctl.ps1"):
        assert "_HOOKCTL_COMPLETE" in (ROOT / "completions" / name).read_text()


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=[p for p, _ in LEAVES])
def test_every_command_has_help_an_example_and_a_reference_entry(
    path: str, command: object
) -> None:
    help_text = getattr(command, "help", "") or ""
    assert help_text.strip(), path
    example = help_text.partition("Example:")[2]
    # the example's first line, with shell continuations (` \` + newline) joined
    assert "hookctl" in example.replace(" \\\n", " ").split("\n")[0], path
    assert f"`{path}`" in (ROOT / "docs" / "commands.md").read_text()
    page = ROOT / "docs" / "reference" / "commands" / f"{'-'.join(path.split()[1:])}.md"
    assert page.read_text().startswith(f"# {path}\n"), page


@pytest.mark.parametrize(("path", "command"), LEAVES, ids=[p for p, _ in LEAVES])
def test_every_data_command_has_json(path: str, command: object) -> None:
    if path in NO_DATA:
        pytest.skip("prints no data")
    options = {o for p in getattr(command, "params", []) for o in p.opts}
    assert "--json" in options or "--jsonl" in options, path


def _imported(*args: str) -> set[str]:
    code = (
        "import sys, runpy; sys.argv = ['hookctl', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('hookctl', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "import json; print(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "STREAM_API_SECRET": "s"},
        timeout=60,
    )
    return set(json.loads(out.stderr.strip().splitlines()[-1]))


def test_help_and_verify_signature_stay_off_the_heavy_imports(tmp_path: Path) -> None:
    heavy = ("google.cloud", "httpx", "aiohttp", "google.auth")
    for args in (["--help"], ["failover", "--help"], ["hooks", "--help"]):
        loaded = _imported(*args)
        assert not [m for m in loaded if m.startswith(heavy)], args
    body = tmp_path / "b.json"
    body.write_text("{}")
    loaded = _imported("verify-signature", "--body", str(body), "--signature", "00")
    assert not [m for m in loaded if m.startswith((*heavy, "typer", "pydantic", "rich"))]


def test_tab_completes_hook_ids_from_the_local_cache_without_the_network(tmp_path: Path) -> None:
    cache = tmp_path / "data" / "cache" / "hook-ids.json"
    cache.parent.mkdir(parents=True)
    cache.write_text(json.dumps([["3f2a9c1e-aaaa", "webhook"], ["7b7b0000-bbbb", "sqs"]]))
    env = {
        **os.environ,
        "HOOKCTL_DATA_DIR": str(tmp_path / "data"),
        "STREAM_BASE_URL": "http://127.0.0.1:9",  # nothing listens: a call would fail
        "_HOOKCTL_COMPLETE": "complete_bash",
        "COMP_WORDS": "hookctl hooks show 3f",
        "COMP_CWORD": "3",
    }
    code = "import sys; sys.argv[0] = 'hookctl'; from hookctl.cli import main; main()"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert "3f2a9c1e-aaaa" in out.stdout
    assert "7b7b0000" not in out.stdout


@pytest.mark.parametrize(
    "words",
    [
        "hookctl failover list --hook 3f",
        "hookctl failover replay --hook 3f",
        "hookctl failover object x.json --hook 3f",
    ],
)
def test_hook_options_complete_hook_ids_not_file_names(tmp_path: Path, words: str) -> None:
    cache = tmp_path / "data" / "cache" / "hook-ids.json"
    cache.parent.mkdir(parents=True)
    cache.write_text(json.dumps([["3f2a9c1e-aaaa", "webhook"], ["7b7b0000-bbbb", "sqs"]]))
    env = {
        **os.environ,
        "HOOKCTL_DATA_DIR": str(tmp_path / "data"),
        "_HOOKCTL_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    code = "import sys; sys.argv[0] = 'hookctl'; from hookctl.cli import main; main()"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert "3f2a9c1e-aaaa" in out.stdout, out.stdout + out.stderr
    assert "file" not in out.stdout.split(",")[0]


@pytest.mark.usefixtures("sandbox")
def test_with_json_errors_are_json_on_stderr_and_lists_stream_ndjson(cli: Cli) -> None:
    missing = cli("hooks", "show", "no-such-hook", "--json")
    assert missing.exit_code == 1
    assert missing.stdout == ""
    error = json.loads(missing.stderr)
    assert "no-such-hook" in error["error"]
    assert error["hint"]
    plain = cli("hooks", "show", "no-such-hook")
    assert plain.stderr.startswith("error: ")
    for url in ("https://example.com/a", "https://example.com/b"):
        assert cli("hooks", "add", "webhook", "--url", url).exit_code == 0
    lines = cli("hooks", "list", "--jsonl").stdout.splitlines()
    assert [json.loads(line)["webhook_url"] for line in lines] == [
        "https://example.com/a",
        "https://example.com/b",
    ]
    events = cli("events", "list", "--product", "video", "--jsonl").stdout.splitlines()
    assert events
    assert all(json.loads(e)["product"] == "video" for e in events)


@pytest.mark.parametrize(
    ("args", "in_error", "in_hint"),
    [
        (["--bogus", "--json"], "No such option: --bogus", "hookctl --help"),
        (["--json"], "No such option: --json", "--json goes after the command"),
        (["--jsonl", "hooks", "list"], "No such option: --jsonl", "--jsonl goes after"),
        (["nosuch", "--json"], "No such command 'nosuch'", "hookctl --help"),
        (["hooks", "list", "--bogus", "--json"], "No such option: --bogus", "hooks list --help"),
    ],
)
def test_usage_errors_under_json_are_the_json_error_shape_at_every_level(
    args: list[str], in_error: str, in_hint: str
) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hookctl", *args], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    [line] = proc.stderr.splitlines()
    error = json.loads(line)
    assert set(error) == {"error", "hint"}
    assert in_error in error["error"]
    assert in_hint in error["hint"]


def test_a_root_usage_error_without_json_stays_clicks_text() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hookctl", "--bogus"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "No such option: --bogus" in proc.stderr
    assert not proc.stderr.startswith("{")
