"""The command reference (docs/commands.md), generated from the Typer app itself.

``scripts/gen_docs.py`` writes it; a test regenerates it and fails when the
committed file is stale, so the reference cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def commands() -> Iterator[tuple[str, Any]]:
    """Every command as (``hookctl hooks list``, click command), groups included, sorted."""
    import typer.main

    from hookctl.cli import app

    root = typer.main.get_command(app)

    def walk(path: str, command: Any) -> Iterator[tuple[str, Any]]:
        yield path, command
        for name in sorted(getattr(command, "commands", {}) or {}):
            yield from walk(f"{path} {name}", command.commands[name])

    yield from walk("hookctl", root)


def is_group(command: Any) -> bool:
    return bool(getattr(command, "commands", None))


def _option(param: Any) -> tuple[str, str]:
    names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
    if param.param_type_name == "argument":
        names = f"`{(param.metavar or param.name or '').upper()}`"
    text = " ".join((getattr(param, "help", None) or "").split())
    default = getattr(param, "default", None)
    if (
        param.param_type_name == "option"
        and default not in (None, False, (), [])
        and not getattr(param, "is_flag", False)
    ):
        text += f" (default: {default})"
    return names, text


def markdown() -> str:
    lines = [
        "# hookctl command reference",
        "",
        "Generated from the CLI by `python scripts/gen_docs.py`; do not edit by hand.",
        "Global options (`--profile`, `--api-key`, `--base-url`, `--timeout`, `-v`, `-q`,",
        "`--no-color`, `--debug`, `--version`) go before the command: `hookctl --profile prod hooks list`.",
        "",
    ]
    for path, command in commands():
        depth = min(path.count(" ") + 1, 4)
        lines += [f"{'#' * (depth + 1)} `{path}`", ""]
        help_text = (command.help or "").strip()
        if help_text:
            lines += [_markdown(help_text), ""]
        params = [p for p in command.params if p.name not in ("help",)]
        if params and not is_group(command):
            lines += ["| option | meaning |", "|---|---|"]
            for param in params:
                names, text = _option(param)
                escaped = text.replace("|", "\\|")
                lines.append(f"| {names} | {escaped} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _markdown(help_text: str) -> str:
    """Help text as Markdown: a preformatted (``\\b``) example becomes a code block."""
    out = []
    for paragraph in help_text.split("\n\n"):
        if paragraph.startswith("\b\n"):
            body = paragraph.removeprefix("\b\n")
            if body.startswith("Example: "):
                body = "Example:\n\n```sh\n" + body.removeprefix("Example: ") + "\n```"
            else:
                body = "```\n" + body + "\n```"
            out.append(body)
        else:
            out.append(paragraph)
    return "\n\n".join(out)
