"""The dry run's progress line: on a large listing it names ``--names-only`` (a plan
without a download per object), in the same line; nothing else is added."""

from __future__ import annotations

from types import SimpleNamespace

from hookctl.cli.failover.progress import LARGE, status_line
from hookctl.failover.outcome import Stats
from hookctl.failover.replay import Options
from hookctl.failover.select import Listing


def line(listed: int, **options: bool) -> str:
    listing = Listing(listed=listed)
    replayer = SimpleNamespace(
        stats=Stats(), finder=SimpleNamespace(listing=listing), options=Options(**options)
    )
    return status_line(replayer)  # type: ignore[arg-type]


def test_a_large_thorough_dry_run_names_names_only() -> None:
    assert "--names-only" not in line(LARGE - 1, dry_run=True)
    assert line(LARGE, dry_run=True).endswith("; --names-only plans without reading)")
    assert "--names-only" not in line(LARGE, dry_run=True, names_only=True)
    assert "--names-only" not in line(LARGE)  # a replay's line is unchanged
