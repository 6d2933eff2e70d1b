"""Help examples you can paste: one shell command as lines that fit, split between tokens.

Click rewraps every help paragraph to the terminal and breaks words at hyphens, so
``--bucket demo-failover`` became ``--bucket demo-`` / ``failover`` and a copied
example failed. ``paste_safe`` turns each ``Example:`` paragraph into a ``\\b``
(no-rewrap) block, split between tokens with shell ``\\`` continuations so every
line fits in 60 columns; quoted arguments stay whole. Plain strings in and out:
``cli/helptext.py`` applies it to the command tree.
"""

from __future__ import annotations

import re

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


def continued(command: str, width: int = WIDTH, first: str = FIRST) -> list[str]:
    """``command`` as lines of at most ``width`` columns, split between tokens; the
    first line starts with ``first``."""
    tokens = _groups(command)
    lines: list[str] = []
    line = first
    for token in tokens:
        candidate = f"{line}{token}" if line.endswith(" ") else f"{line} {token}"
        if len(candidate) + 2 > width and line.strip() not in ("", first.strip()):
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
