"""Help you can paste: examples are preformatted, never wrapped inside a token.

Click rewraps every help paragraph to the terminal and breaks words at hyphens, so
``--bucket demo-failover`` became ``--bucket demo-`` / ``failover`` and a copied
example failed. Each ``Example:`` paragraph becomes a ``\\b`` (no-rewrap) block,
split between tokens with shell ``\\`` continuations so every line fits in 60
columns; quoted arguments stay whole. Applied once to the whole command tree.
"""

from __future__ import annotations

import re
from typing import Any

WIDTH = 54  # the example's lines, inside click's 2+2 columns of indentation: fits 60
_TOKEN = re.compile(r"""(?:'[^']*'|"[^"]*"|\$\([^)]*\)|[^\s'"]|['"])+""")
FIRST = "Example: "
CONTINUED = "    "


def _groups(command: str) -> list[str]:
    """Tokens, with an option kept beside its value (``--since 6h``)."""
    tokens = _TOKEN.findall(command)
    groups: list[str] = []
    for token in tokens:
        if groups and groups[-1].startswith("-") and " " not in groups[-1]:
            fits = len(groups[-1]) + 1 + len(token) + len(CONTINUED) + 2 <= WIDTH
            if fits and not token.startswith("-") and token not in ("|", "&&", ";"):
                groups[-1] += " " + token
                continue
        groups.append(token)
    return groups


def continued(command: str, width: int = WIDTH) -> list[str]:
    """``command`` as lines of at most ``width`` columns, split between tokens."""
    tokens = _groups(command)
    lines: list[str] = []
    line = FIRST
    for token in tokens:
        candidate = f"{line}{token}" if line.endswith(" ") else f"{line} {token}"
        if len(candidate) + 2 > width and line.strip() not in ("", FIRST.strip()):
            lines.append(line.rstrip() + " \\")
            line = CONTINUED + token
        else:
            line = candidate
    lines.append(line.rstrip())
    return lines


def paste_safe(help_text: str) -> str:
    """``help_text`` with each ``Example:`` paragraph as a preformatted block."""
    paragraphs = help_text.split("\n\n")
    out = []
    for paragraph in paragraphs:
        stripped = paragraph.strip()
        if stripped.startswith("Example:") and not stripped.startswith("\b"):
            command = " ".join(stripped.removeprefix("Example:").split())
            out.append("\b\n" + "\n".join(continued(command)))
        else:
            out.append(paragraph)
    return "\n\n".join(out)


# A character no help text uses, standing in for "-" while Click wraps, so that the
# wrapper (textwrap with break_on_hyphens) cannot split `comma-separated` or a URL.
_HYPHEN = "\ue000"


def formatter_class() -> type[Any]:
    from typer._click.formatting import HelpFormatter

    class PasteSafeFormatter(HelpFormatter):
        """Click's formatter, except that it never breaks a word at a hyphen."""

        def write_text(self, text: str) -> None:
            super().write_text(text.replace("-", _HYPHEN))

        def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
            rows = [(a.replace("-", _HYPHEN), b.replace("-", _HYPHEN)) for a, b in rows]
            super().write_dl(rows, col_max, col_spacing)

        def getvalue(self) -> str:
            return str(super().getvalue()).replace(_HYPHEN, "-")

    return PasteSafeFormatter


def context_class(base: type[Any]) -> type[Any]:
    formatter = formatter_class()

    class PasteSafeContext(base):  # type: ignore[misc]
        formatter_class = formatter

    return PasteSafeContext


def _usage_name(param: Any) -> Any:
    def name() -> str:
        text = str(param.metavar)
        text = text if param.required else f"[{text}]"
        return text + ("..." if param.nargs != 1 else "")

    return name


_CONTEXTS: dict[type[Any], type[Any]] = {}


def _context_for(base: type[Any]) -> type[Any]:
    if getattr(base, "_hookctl_paste_safe", False):
        return base
    if base not in _CONTEXTS:
        made = context_class(base)
        made._hookctl_paste_safe = True
        _CONTEXTS[base] = made
    return _CONTEXTS[base]


def apply(command: Any) -> None:
    """Rewrite the help of ``command`` and every sub-command below it, once."""
    if getattr(command, "_hookctl_paste_safe", False):
        return
    if command.help:
        import inspect

        command.help = paste_safe(inspect.cleandoc(command.help))
    command._hookctl_paste_safe = True
    if command.help and not command.short_help:
        # the listing in a group's help shows the whole first sentence, not a cut "…"
        first = command.help.split("\n\n")[0]
        command.short_help = " ".join(first.split())
    for param in command.params:
        if param.param_type_name == "argument":
            # Typer writes a required argument `{url}`: name it as the help text does
            # (URL), and an optional one [HOOK_ID], as usage lines conventionally do.
            if param.metavar is None:
                param.metavar = (param.name or "").upper()
            param._usage_display_name = _usage_name(param)
    command.context_class = _context_for(command.context_class)
    for sub in (getattr(command, "commands", None) or {}).values():
        apply(sub)
