"""The one object that owns stdout, stderr, TTY state and colour.

stdout carries data only (tables, TSV, JSON); every message, warning, prompt
and error goes to stderr. No other module looks at ``isatty()``.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from hookctl.errors import UsageError

_ANSI = {"red": "31", "green": "32", "yellow": "33", "dim": "2", "bold": "1"}


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Console:
    def __init__(
        self,
        out: TextIO,
        err: TextIO,
        *,
        out_tty: bool = False,
        err_tty: bool = False,
        stdin_tty: bool = False,
        color: bool = False,
        quiet: bool = False,
        ci: bool = False,
    ) -> None:
        self.out = out
        self.err = err
        self.out_tty = out_tty
        self.err_tty = err_tty
        self.stdin_tty = stdin_tty
        self.color = color
        self.quiet = quiet
        self.ci = ci
        self.json_errors = False

    @classmethod
    def from_environment(cls, *, no_color: bool = False, quiet: bool = False) -> Console:
        env = os.environ
        err_tty = _isatty(sys.stderr)
        if no_color or "NO_COLOR" in env:
            color = False
        elif env.get("FORCE_COLOR"):
            color = True
        else:
            color = err_tty and env.get("TERM") != "dumb"
        return cls(
            sys.stdout,
            sys.stderr,
            out_tty=_isatty(sys.stdout),
            err_tty=err_tty,
            stdin_tty=_isatty(sys.stdin),
            color=color,
            quiet=quiet,
            ci=bool(env.get("CI")),
        )

    # ------------------------------------------------------------ stderr

    def _paint(self, text: str, style: str) -> str:
        return f"\x1b[{_ANSI[style]}m{text}\x1b[0m" if self.color else text

    def say(self, message: str) -> None:
        """Narration on stderr (suppressed by --quiet)."""
        if not self.quiet:
            print(message, file=self.err, flush=True)

    def success(self, message: str) -> None:
        self.say(self._paint("✓ ", "green") + message)

    def warn(self, message: str) -> None:
        print(self._paint("warning: ", "yellow") + message, file=self.err, flush=True)

    def error(self, message: str, hint: str | None = None) -> None:
        if self.json_errors:
            print(json.dumps({"error": message, "hint": hint}), file=self.err, flush=True)
            return
        print(self._paint("error: ", "red") + message, file=self.err, flush=True)
        if hint:
            print(self._paint(f"hint: {hint}", "dim"), file=self.err, flush=True)

    # ------------------------------------------------------------ stdout

    def line(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def json(self, data: Any) -> None:
        print(
            json.dumps(data, indent=2, ensure_ascii=False, default=str), file=self.out, flush=True
        )

    def jsonl(self, data: Any) -> None:
        print(json.dumps(data, ensure_ascii=False, default=str), file=self.out, flush=True)

    def table(
        self, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str | None = None
    ) -> None:
        """A rich table on a terminal; tab-separated rows (with a header) when piped."""
        cells = [["" if c is None else str(c) for c in row] for row in rows]
        if not self.out_tty:
            self.line("\t".join(c.upper() for c in columns))
            for row in cells:
                self.line("\t".join(c.replace("\t", " ").replace("\n", " ") for c in row))
            return
        from rich.console import Console as RichConsole
        from rich.table import Table
        from rich.text import Text

        table = Table(title=title, show_edge=False, header_style="bold" if self.color else "")
        for column in columns:
            table.add_column(column.upper(), overflow="fold")
        for row in cells:
            table.add_row(*(Text(c) for c in row))
        RichConsole(
            file=self.out, no_color=not self.color, highlight=False, force_terminal=self.color
        ).print(table)

    def fields(self, pairs: Sequence[tuple[str, Any]]) -> None:
        """Key/value lines (``key<TAB>value`` when piped)."""
        width = max((len(k) for k, _ in pairs), default=0)
        for key, value in pairs:
            text = "" if value is None else str(value)
            if self.out_tty:
                self.line(f"{key.ljust(width)}  {text}")
            else:
                self.line(f"{key}\t{text}")

    # ------------------------------------------------------------ prompts

    def can_prompt(self) -> bool:
        return self.stdin_tty and not self.ci

    def require_confirmation(self, question: str, *, yes: bool, flag: str = "--yes") -> None:
        """Ask on the terminal; a "no" cancels (exit 2, nothing changed), and so does
        having nobody to ask (no terminal, or CI set) unless ``flag`` was given."""
        if yes:
            return
        if not self.can_prompt():
            why = "CI is set" if self.ci else "stdin is not a terminal"
            raise UsageError(
                f"confirmation needed but {why}: {question}", f"pass {flag} to confirm in scripts"
            )
        print(f"{question} [y/N] ", end="", file=self.err, flush=True)
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            raise UsageError("cancelled", "nothing was changed")
