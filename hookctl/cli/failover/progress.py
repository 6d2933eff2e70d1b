"""Replay progress on stderr: live counters on a terminal, a plain line every few seconds otherwise."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from hookctl.cli.context import AppContext

if TYPE_CHECKING:
    from rich.live import Live

    from hookctl.failover.replay import Replayer


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
        text = status_line(replayer)
        if self.live is not None:
            self.live.update(text)
        elif not self.console.quiet and time.monotonic() - self.last_line >= 5:
            self.last_line = time.monotonic()
            self.console.say(text)

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()


def status_line(replayer: Replayer) -> str:
    stats, listing = replayer.stats, replayer.finder.listing
    rate = stats.done / stats.elapsed if stats.elapsed > 0 else 0.0
    remaining = stats.selected - stats.done
    eta = ""
    if rate > 0 and remaining > 0 and listing.complete:  # totals known only then
        eta = f", ETA {remaining / rate:.0f}s"
    return (
        f"listed {listing.listed}, downloaded {stats.downloaded}, delivered {stats.delivered}, "
        f"failed {stats.failed}, refused {stats.refused}, skipped {stats.already_delivered}, "
        f"malformed {len(stats.malformed)} — {rate:.0f}/s{eta}"
    )
