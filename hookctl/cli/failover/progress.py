"""Replay progress on stderr: live counters on a terminal, a plain line every few seconds otherwise."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from hookctl.cli.context import AppContext

if TYPE_CHECKING:
    from rich.live import Live

    from hookctl.failover.replay import Replayer


LARGE = 100_000  # listed objects past which a thorough dry run's line names --names-only


class Progress:
    """The ``progress`` callback of a replay job; ``close`` it when the job ends."""

    def __init__(self, actx: AppContext) -> None:
        self.console = actx.console
        self.live: Live | None = None
        self.last_line = 0.0
        if self.console.err_tty and not self.console.quiet:
            from rich.console import Console as RichConsole
            from rich.live import Live

            self.live = Live(
                "",
                console=RichConsole(file=self.console.err, no_color=not self.console.color),
                transient=True,
                refresh_per_second=4,
            )
            self.live.start()

    def __call__(self, replayer: Replayer) -> None:
        width = self.live.console.width if self.live is not None else None
        text = status_line(replayer, width)
        if self.live is not None:
            self.live.update(text)
        elif not self.console.quiet and time.monotonic() - self.last_line >= 5:
            self.last_line = time.monotonic()
            self.console.say(text)

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()


def status_line(replayer: Replayer, width: int | None = None) -> str:
    """The live line; within ``width`` characters when given (a terminal wraps a longer
    line and the redraw then leaves its first half behind): counters that are 0 go first
    (delivered and failed stay), then the line is cut."""
    stats, listing = replayer.stats, replayer.finder.listing
    if replayer.options.dry_run:  # a plan: nothing is delivered, so no rate or ETA
        line = f"dry run: listed {listing.listed}, read {stats.downloaded} (nothing is sent)"
        if listing.listed >= LARGE and not replayer.options.names_only:
            line = line[:-1] + "; --names-only plans without reading)"
        return line if width is None or len(line) < width else line[: max(width - 2, 0)] + "…"
    rate = stats.done / stats.elapsed if stats.elapsed > 0 else 0.0
    remaining = stats.selected - stats.done
    eta = ""
    if rate > 0 and remaining > 0 and listing.complete:  # totals known only then
        eta = f", ETA {remaining / rate:.0f}s"
    counts = [
        ("listed", listing.listed),
        ("downloaded", stats.downloaded),
        ("delivered", stats.delivered),
        ("failed", stats.failed),
        ("refused", stats.refused),
        ("skipped", stats.already_delivered),
        ("malformed", len(stats.malformed)),
    ]
    if stats.gone:  # listed, then deleted or replaced before its download: said, not silent
        counts.append(("gone", stats.gone))
    tail = f" — {rate:.0f}/s{eta}"
    line = ", ".join(f"{k} {n}" for k, n in counts) + tail
    if width is None or len(line) < width:
        return line
    kept = [(k, n) for k, n in counts if n or k in ("delivered", "failed")]
    line = ", ".join(f"{k} {n}" for k, n in kept) + tail
    return line if len(line) < width else line[: max(width - 2, 0)] + "…"
