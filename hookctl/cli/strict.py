"""Argv read strictly, for every command at once (applied with the help rewrite).

Click takes the last of a repeated option (``hooks update --url A --url B`` sets B,
silently), treats ``--bucket ''`` as a value that later code reads as "not given",
and Typer reads numbers with Python's rules (``--port 1_0`` is port 10). Before a
command's own parsing, this runs Click's parser once more over the same argv and
refuses, with one ``error:``/``hint:`` and exit 2:

- a single-value option or flag given more than once (``multiple`` options such as
  ``--event-type``/``--set`` may repeat; so may ``-v``-style counters);
- an empty value, for an option or an argument: empty is never "not given" (only
  ``--path``, where ``""`` names the bucket root, may be empty, and event lists, which
  the command refuses with its own sentence);
- a number not written in ASCII digits (``hookctl.base.numbers``), for every int or
  float option.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from typer._click.exceptions import BadParameter

# Values whose emptiness is judged by the command itself: --path "" is the bucket's root;
# an empty event list gets its own sentence (it would mean ALL events, see catalog.given_names).
EMPTY_ALLOWED = frozenset({"path", "events", "types"})


class StrictValue(BadParameter):
    """A value refused before the command ran; carries hookctl's own message and hint."""

    def __init__(self, message: str, hint: str, ctx: Any, param: Any) -> None:
        super().__init__(message, ctx=ctx, param=param)
        self.hookctl_message = message
        self.hookctl_hint = hint


def _name(param: Any) -> str:
    opts = getattr(param, "opts", None) or []
    if param.param_type_name == "argument" or not opts:
        return str(param.metavar or (param.name or "").upper())
    return str(max(opts, key=len))


def _number_kind(param: Any) -> str | None:
    described = getattr(param, "type_descriptor", None)
    annotation = getattr(described, "annotation", None)
    if annotation in (int, int | None):
        return "whole number"
    if annotation in (float, float | None):
        return "number"
    return None


def check_argv(command: Any, ctx: Any, args: list[str]) -> None:
    """Raise ``StrictValue`` for the first repeated, empty or non-ASCII-number value."""
    parser = command.make_parser(ctx)
    try:
        opts, _, order = parser.parse_args(args=list(args))
    except Exception:  # Click's own parse reports it, in its words
        return
    _repeated(ctx, order)
    for param in command.params:
        value = opts.get(param.name)
        values = value if isinstance(value, (list, tuple)) else [value]
        for one in values:
            if isinstance(one, str):
                _one_value(ctx, param, one)


def _repeated(ctx: Any, order: list[Any]) -> None:
    counts = Counter(id(p) for p in order)
    for param in order:
        if counts[id(param)] < 2 or getattr(param, "multiple", False):
            continue
        if getattr(param, "count", False) or param.param_type_name != "option":
            continue
        name = _name(param)
        raise StrictValue(
            f"{name} is given {counts[id(param)]} times",
            f"give {name} once; see `{ctx.command_path} --help`",
            ctx,
            param,
        )


def _one_value(ctx: Any, param: Any, value: str) -> None:
    from hookctl.base.numbers import ascii_problem, decimal, whole

    name, where = _name(param), ctx.command_path
    if value == "" and param.name not in EMPTY_ALLOWED:
        leave = f", or leave {name} out" if param.param_type_name == "option" else ""
        raise StrictValue(
            f"{name} is empty", f"give a value{leave}; see `{where} --help`", ctx, param
        )
    kind = _number_kind(param)
    if kind is None or value == "":
        return
    if (whole(value) if kind == "whole number" else decimal(value)) is not None:
        return
    why = ascii_problem(value)
    if why is not None:
        raise StrictValue(
            f"invalid value for {name}: {value!a} is not a {kind}: it {why}",
            f"give a {kind} in ASCII digits; see `{where} --help`",
            ctx,
            param,
        )


def harden(command: Any) -> None:
    """Wrap ``parse_args`` of ``command`` and every sub-command (once each) so that
    ``check_argv`` runs first."""
    for sub in (getattr(command, "commands", None) or {}).values():
        harden(sub)
    if getattr(command, "_hookctl_strict", False):
        return
    original = command.parse_args

    def parse_args(ctx: Any, args: list[str]) -> list[str]:
        if not ctx.resilient_parsing:  # shell completion parses half-typed argv
            check_argv(command, ctx, args)
        return list(original(ctx, args))

    command.parse_args = parse_args
    command._hookctl_strict = True
