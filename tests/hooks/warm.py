"""One process running several ``hookctl hooks add`` in a row, each a full hookctl run.

Each add goes through argv, the Typer app, a fresh client and the safe write (locks
included) inside one interpreter: processes built from it race each other as hard as
cold starts do, harder (no start-up gap between adds), without paying ~0.5 s of
interpreter and import start-up per hook.
"""

from __future__ import annotations

import sys

WARM = """
import sys
from hookctl.entry import main

template, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(first, last + 1):
    sys.argv = ["hookctl", "-q", "hooks", "add", "webhook", "--url", template.format(i=i)]
    try:
        main()
    except SystemExit as exc:
        if exc.code:
            raise
"""


def warm_adds(url_template: str, first: int, last: int) -> list[str]:
    """The argv of one process adding a webhook hook for each ``i`` from ``first`` to
    ``last`` (inclusive), its URL ``url_template.format(i=i)``."""
    return [sys.executable, "-c", WARM, url_template, str(first), str(last)]
