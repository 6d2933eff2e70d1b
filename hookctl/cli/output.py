"""The one object that owns stdin, stdout, stderr, TTY state and colour.

stdout carries data only (tables, TSV, JSON); every message, warning, prompt
and error goes to stderr. Input is read through ``console.stdin`` (a
``hookctl.base.stdio.Stdin``). No other module looks at ``isatty()`` or reads
``sys.stdin``; tests build a Console over ``StringIO`` with chosen TTY flags.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from hookctl.base.errors import ConfirmationNeeded, UsageError
from hookctl.base.plaintext import cells, field_lines, fit_table, json_text, tsv_lines
from hookctl.base.redact import bounded, mask_known, mask_passwords, mask_url_password, redact
from hookctl.base.stdio import Stdin, unwritable, write_out
from hookctl.base.validate import encodable, escape_controls

SHORTENED = "ids shortened to fit; --json shows them whole, `hooks show PREFIX` one hook"
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
        stdin: Stdin | None = None,
    ) -> None:
        self.stdin = stdin if stdin is not None else Stdin(None, tty=stdin_tty)
        self.out = out
        self.err = err
        self.out_tty = out_tty
        self.err_tty = err_tty
        self.stdin_tty = stdin_tty or self.stdin.tty
        self.color = color
        self.quiet = quiet
        self.ci = ci
        self.json_errors = False
        # URL passwords (user:********@) are masked in everything printed on stdout; a
        # command's --show-secrets turns this off for that command
        self.show_secrets = False

    @classmethod
    def from_environment(cls, *, no_color: bool = False, quiet: bool = False) -> Console:
        env = os.environ
        err_tty = _isatty(sys.stderr)
        if no_color or env.get("NO_COLOR"):  # no-color.org: set and not empty
            color = False
        elif env.get("FORCE_COLOR"):
            color = True
        else:
            color = err_tty and env.get("TERM") != "dumb"
        stdin = Stdin.from_process()
        return cls(
            sys.stdout,
            sys.stderr,
            out_tty=_isatty(sys.stdout),
            err_tty=err_tty,
            stdin_tty=stdin.tty,
            stdin=stdin,
            color=color,
            quiet=quiet,
            ci=bool(env.get("CI")),
        )

    # ------------------------------------------------------------ writing

    def talk(self, text: str, prefix: str = "") -> None:
        """One line of talk on stderr: redacted, terminal controls in it escaped (text from
        receivers, buckets and headers is untrusted), and escaped where the stream cannot
        encode it. ``prefix`` is the Console's own (painted) label."""
        self._emit(self.err, prefix + escape_controls(bounded(redact(text))))

    def _emit(self, stream: TextIO, text: str) -> None:
        print(encodable(text, getattr(stream, "encoding", None)), file=stream, flush=True)

    # ------------------------------------------------------------ stderr

    def _paint(self, text: str, style: str) -> str:
        return f"\x1b[{_ANSI[style]}m{text}\x1b[0m" if self.color else text

    def say(self, message: str, prefix: str = "") -> None:
        """Narration on stderr (suppressed by --quiet)."""
        if not self.quiet:
            self.talk(message, prefix)

    def success(self, message: str) -> None:
        self.say(message, self._paint("✓ ", "green"))

    def warn(self, message: str) -> None:
        self.talk(message, self._paint("warning: ", "yellow"))

    def error(self, message: str, hint: str | None = None, plan: Sequence[str] = ()) -> None:
        """``error: …`` and ``hint: …`` (one JSON object under --json); ``plan``: the
        lines of a write that was not made, printed first (the object's ``plan``)."""
        message = escape_controls(bounded(redact(message)))
        hint = escape_controls(bounded(redact(hint))) if hint else hint
        shown = [escape_controls(bounded(redact(line))) for line in plan]
        if self.json_errors:
            error: dict[str, object] = {"error": message, "hint": hint}
            if shown:
                error["plan"] = shown
            self._emit(self.err, json.dumps(error))
            return
        for line in shown:
            self._emit(self.err, line)
        self._emit(self.err, self._paint("error: ", "red") + message)
        if hint:
            self._emit(self.err, self._paint(f"hint: {hint}", "dim"))

    # ------------------------------------------------------------ stdout

    def _data(self, text: str) -> str:
        """Data for stdout: exact when piped (but for URL passwords, masked unless
        ``show_secrets``); on a terminal, controls are escaped."""
        if not self.show_secrets:
            text = mask_url_password(mask_known(text))
        return escape_controls(text) if self.out_tty else text

    def _shown(self, data: object) -> object:
        return data if self.show_secrets else mask_passwords(data)

    def write(self, text: str) -> None:
        """Raw data on stdout (no newline added), escaped where the stream cannot encode it."""
        self.out.write(encodable(self._data(text), getattr(self.out, "encoding", None)))
        self.out.flush()

    def line(self, text: str = "") -> None:
        self._emit(self.out, self._data(text))

    def result(self, text: str) -> None:
        """The one line of a command whose exit code is its verdict (verify-signature,
        sign): if stdout cannot take it, exit 2 (a UsageError), never the verdict's 0/1."""
        problem = write_out(
            encodable(self._data(text), getattr(self.out, "encoding", None)), self.out
        )
        if problem is not None:
            raise UsageError(*unwritable(problem))

    def json(self, data: object) -> None:
        self._emit(self.out, json_text(self._shown(data)))

    def jsonl(self, data: object) -> None:
        self._emit(self.out, json_text(self._shown(data), indent=None))

    def table(
        self, columns: Sequence[str], rows: Sequence[Sequence[object]], *, title: str | None = None
    ) -> None:
        """A rich table on a terminal; tab-separated rows (with a header) when piped."""
        texts = cells(self._shown(rows), getattr(self.out, "encoding", None))  # type: ignore[arg-type]
        if not self.out_tty:
            for line in tsv_lines(columns, texts):
                self.line(line)
            return
        from rich.console import Console as RichConsole
        from rich.table import Table
        from rich.text import Text

        rich = RichConsole(
            file=self.out, no_color=not self.color, highlight=False, force_terminal=self.color
        )
        fitted = fit_table(columns, texts, rich.width)
        table = Table(title=title, show_edge=False, header_style="bold" if self.color else "")
        for i, column in enumerate(columns):
            no_wrap = fitted.no_wrap[i] or fitted.ellipsis[i]
            table.add_column(
                column.upper(),
                no_wrap=no_wrap,
                width=fitted.widths[i],
                overflow="ellipsis" if no_wrap else "fold",
            )
        for row in fitted.rows:
            table.add_row(*(Text(c) for c in row))
        rich.print(table)
        if fitted.shortened:
            self.say(SHORTENED)

    def fields(self, pairs: Sequence[tuple[str, object]]) -> None:
        """Key/value lines (``key<TAB>value`` when piped)."""
        for line in field_lines(self._shown(pairs), aligned=self.out_tty):  # type: ignore[arg-type]
            self.line(line)

    # ------------------------------------------------------------ prompts

    def can_prompt(self) -> bool:
        return self.stdin_tty and not self.ci

    def require_confirmation(
        self, question: str, *, yes: bool, flag: str = "--yes", plan: Sequence[str] = ()
    ) -> None:
        """Ask on the terminal, after showing ``plan`` (what would be written); a "no"
        cancels (exit 2, nothing changed), and so does having nobody to ask (no terminal,
        or CI set) unless ``flag`` was given: then the plan goes with the error."""
        if yes:
            return
        if not self.can_prompt():
            why = "CI is set" if self.ci else "stdin is not a terminal"
            raise ConfirmationNeeded(
                f"confirmation needed but {why}: {question}",
                f"pass {flag} to confirm in scripts; nothing was changed",
                list(plan),
            )
        for line in plan:
            self.talk(line)
        if not self.ask(question):
            raise UsageError("cancelled", "nothing was changed")

    def ask(self, question: str) -> bool:
        """``question [y/N]`` on the terminal; True for y/yes (callers check can_prompt)."""
        print(
            encodable(redact(f"{question} [y/N] "), getattr(self.err, "encoding", None)),
            end="",
            file=self.err,
            flush=True,
        )
        return self.stdin.readline().strip().lower() in ("y", "yes")
