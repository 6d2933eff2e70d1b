"""Help you can paste: examples are preformatted, never wrapped inside a token.

``hookctl.base.helpwrap.paste_safe`` rewrites each ``Example:`` paragraph; this module
applies it once to the whole command tree and gives Click a formatter that never
breaks a word at a hyphen.
"""

from __future__ import annotations

from typing import Any

from hookctl.base.helpwrap import paste_safe

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


def _no_type_shown(ctx: Any) -> None:  # noqa: ARG001 (Typer's signature)
    return None


def _shows_type_name(param: Any) -> bool:
    """An option that takes a value, has no metavar of its own and no list of choices."""
    if param.param_type_name != "option" or param.metavar is not None:
        return False
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return False
    described = getattr(param, "type_descriptor", None)  # typer >= 0.25; before: click types
    if described is not None:
        return not described.is_choice
    return getattr(getattr(param, "type", None), "choices", None) is None


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
            # and its help row is `NAME  help`, not Typer's `NAME <str>  help`
            param.display_type_rich = _no_type_shown
        elif _shows_type_name(param):
            # Click would show the Python type (`<str>`, `<list[str]>`, `<int range>`): name
            # the value after the option instead (`--bucket BUCKET`), as argparse does.
            param.metavar = (param.name or "").upper()
    command.context_class = _context_for(command.context_class)
    for sub in (getattr(command, "commands", None) or {}).values():
        apply(sub)
