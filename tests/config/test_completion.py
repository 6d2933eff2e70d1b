"""Reading each shell's set-up: will a new shell load hookctl's completion, and if not,
which one line makes it? (The real shells are driven in tests/cli/test_completion_shells.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from hookctl.config.completion import Setup, add_line, setup
from hookctl.events.catalog import complete


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "home").mkdir()
    (tmp_path / "root").mkdir()
    return tmp_path / "home"


def env(home: Path) -> dict[str, str]:
    return {"HOME": str(home)}


def system_file(home: Path, path: str, text: str) -> None:
    where = home.parent / "root" / path.lstrip("/")
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text(text)


def bash(home: Path) -> Setup:
    return setup("bash", env(home), root=home.parent / "root")


def test_bash_without_the_package_needs_the_source_line(home: Path) -> None:
    found = bash(home)
    assert not found.loads
    assert "not installed" in found.why
    assert found.rc == home / ".bashrc"
    assert found.line == "source ~/.local/share/bash-completion/completions/hookctl"
    add_line(found)
    assert bash(home).loads
    assert (home / ".bashrc").read_text() == f"# hookctl shell completion\n{found.line}\n"


def test_bash_with_the_package_loads_only_when_a_startup_file_sources_it(home: Path) -> None:
    system_file(home, "/usr/share/bash-completion/bash_completion", "# the package\n")
    system_file(home, "/etc/bash.bashrc", "#    . /usr/share/bash-completion/bash_completion\n")
    found = bash(home)
    assert not found.loads  # Debian's /etc/bash.bashrc has it commented out
    assert "no startup file sources it" in found.why
    (home / ".bashrc").write_text(". /usr/share/bash-completion/bash_completion\n")
    assert bash(home).loads
    assert setup("bash", {**env(home), "XDG_DATA_HOME": "/x"}).script == Path(
        "/x/bash-completion/completions/hookctl"
    )


@pytest.mark.parametrize(
    ("zshrc", "loads"),
    [
        ("", False),
        ("autoload -Uz compinit && compinit\n", False),  # ~/.zfunc not on fpath
        ("autoload -Uz compinit && compinit\nfpath+=(~/.zfunc)\n", False),  # too late
        ("fpath=(~/.zfunc $fpath)\nautoload -Uz compinit\ncompinit -i\n", True),
        ("# fpath+=(~/.zfunc)\ncompinit\n", False),  # a comment does nothing
    ],
)
def test_zsh_loads_when_zfunc_is_on_fpath_before_compinit(
    home: Path, zshrc: str, loads: bool
) -> None:
    (home / ".zshrc").write_text(zshrc)
    found = setup("zsh", env(home))
    assert found.loads is loads
    if not loads:
        add_line(found)
        assert setup("zsh", env(home)).loads


def test_fish_always_loads_and_powershell_needs_its_profile(home: Path) -> None:
    assert setup("fish", env(home)).loads
    found = setup("powershell", env(home))
    assert not found.loads
    assert found.line == '. "$HOME/.config/powershell/hookctl.ps1"'
    add_line(found)
    assert setup("powershell", env(home)).loads


def test_event_types_complete_the_last_name_of_a_list() -> None:
    [(value, described)] = complete("message.ne")
    assert value == "message.new"
    assert described  # the catalog's description, shown by zsh and fish
    listed = [v for v, _ in complete("message.new,reaction.n")]
    assert listed == ["message.new,reaction.new"]
    assert [v for v, _ in complete("message.new,message.ne")] == []  # already given
