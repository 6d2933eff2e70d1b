"""One sentence for an option's bad value, whoever rejected it.

Typer checks ``min=``/``max=`` and number types with pydantic, whose wording
("Input should be greater than or equal to 1") names neither the option nor the
allowed range; hookctl's own parsers (``Finite``) already say both. The CLI
passes what it knows here and prints the result as the one ``error:`` + ``hint:``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BadValue:
    """What the parser knew: the option, its message, and when pydantic checked it,
    the error type (``int_parsing``, ``greater_than_equal`` …), the input and the bounds."""

    option: str
    message: str
    kind: str | None = None
    given: object = None
    low: float | None = None
    high: float | None = None
    number: str = "number"  # "whole number" for int options


def allowed(low: float | None, high: float | None) -> str:
    """``1 to 256``, ``at least 1``, ``at most 10000`` (empty when unbounded)."""
    if low is not None and high is not None:
        return f"{_number(low)} to {_number(high)}"
    if low is not None:
        return f"at least {_number(low)}"
    if high is not None:
        return f"at most {_number(high)}"
    return ""


def _number(value: float) -> str:
    """``1000000`` and ``2147483647`` as written, not ``1e+06``; ``0.1`` stays ``0.1``."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def bad_value(bad: BadValue, command: str) -> tuple[str, str]:
    """(message, hint) for ``error:``/``hint:``, one line each, with no pydantic wording."""
    hint = f"see `{command} --help`"
    if bad.kind is None or not bad.message.startswith("Input should"):
        return f"invalid value for {bad.option}: {bad.message}", hint
    bounds = allowed(bad.low, bad.high)
    give = f"give a {bad.number}"
    if bounds:
        give += f" from {bounds}" if " to " in bounds else f" of {bounds}"
    if bad.kind.endswith(("_parsing", "_type")):
        why = f"{bad.given!r} is not a {bad.number}"
    else:
        why = f"{bad.given} is out of range"
    return f"invalid value for {bad.option}: {why}; {give}", hint
