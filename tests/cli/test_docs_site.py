"""The docs site builds with `mkdocs build --strict`: every page is in the nav, every link
and anchor resolves.

.ci/run builds the site too; this test makes the same check part of the test suite, so a
change that adds a page without a nav entry, or renames a heading a link points at, fails
where contributors run the tests (and says which page and link). It is a slow test (a
mkdocs process, ~5 s on a loaded machine): CI runs it in the slow step, and .ci/run's own
`mkdocs build --strict` step builds the site again; the default run does not pay for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_docs_site_builds_strictly(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="the docs extra is not installed")
    pytest.importorskip("material", reason="the docs extra is not installed")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    said = result.stderr
    assert result.returncode == 0, said[said.find("WARNING") :][:3000] or said[-3000:]
    assert (tmp_path / "reference" / "commands" / "hooks-list" / "index.html").exists()
    assert (tmp_path / "schemas" / "hook.json").exists()
