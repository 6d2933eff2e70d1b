"""Options shared by many commands, defined once."""

from __future__ import annotations

import dataclasses
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, get_type_hints

import typer

if TYPE_CHECKING:
    from hookctl.webhooks.delivery import RetryPolicy


class Finite:
    """A parser for a float option in ``[low, high]``: ``nan`` is "not a number",
    ``inf``/``1e308`` are out of range; Typer prefixes ``Invalid value for '--timeout'``."""

    def __init__(self, low: float, high: float, unit: str = "") -> None:
        self.low, self.high, self.unit = low, high, unit

    def _bounds(self) -> str:
        from hookctl.base.badvalue import allowed

        unit = f" {self.unit}" if self.unit else ""
        return f"{allowed(self.low, self.high)}{unit}"

    def __call__(self, value: Any) -> float:
        from hookctl.base.numbers import ascii_problem, decimal

        number = value if isinstance(value, float) else decimal(str(value))
        if number is None:
            why = ascii_problem(str(value))
            said = f"{value!a} is not a number" + (f": it {why}" if why else "")
            raise typer.BadParameter(f"{said}; give {self._bounds()}")
        if math.isnan(number):
            raise typer.BadParameter(f"{value!r} is not a number (NaN); give {self._bounds()}")
        if not self.low <= number <= self.high:  # also inf and 1e308
            raise typer.BadParameter(f"{value} is out of range; give {self._bounds()}")
        return number


R = TypeVar("R")
KEYWORD_ONLY = inspect.Parameter.KEYWORD_ONLY

TIMEOUT = Finite(0.1, 3600, "seconds")  # the global --timeout, as HOOKCTL_TIMEOUT

Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
Jsonl = Annotated[
    bool, typer.Option("--jsonl", help="Print one JSON object per line (NDJSON), for streaming.")
]
Yes = Annotated[
    bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (for scripts).")
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Show the change as a diff and write nothing.")
]
ShowSecrets = Annotated[
    bool, typer.Option("--show-secrets", help="Print secret values instead of masking them.")
]


def hook_ids(incomplete: str) -> list[tuple[str, str]]:
    from hookctl.hooks.idcache import hook_ids

    return hook_ids(incomplete)


def event_types(incomplete: str) -> list[tuple[str, str]]:
    """Event types for Tab, from the bundled catalog (never the network)."""
    from hookctl.events.catalog import complete

    return complete(incomplete)


HookId = Annotated[
    str,
    typer.Argument(help="The hook's id (a unique prefix is enough).", autocompletion=hook_ids),
]
SecretEnv = Annotated[
    str | None,
    typer.Option(
        "--secret-env", metavar="VAR", help="Read the secret from environment variable VAR."
    ),
]
SecretStdin = Annotated[
    bool, typer.Option("--secret-stdin", help="Read the secret from the first line of stdin.")
]
AllowUnknown = Annotated[
    bool,
    typer.Option(
        "--allow-unknown", help="Accept event types missing from hookctl's catalog (newer types)."
    ),
]

# ---------------------------------------------------------------- delivery retries

MaxAttempts = Annotated[
    int | None,
    typer.Option(
        "--max-attempts",
        min=1,
        help="Cap on attempts for any failure (Stream: 3 for 408/429/5xx, "
        "2 for network errors, 3 for timeouts).",
    ),
]
AttemptTimeout = Annotated[
    float,
    typer.Option(
        "--attempt-timeout",
        parser=Finite(0.01, 3600, "seconds"),
        help="Seconds per attempt (Stream: 6).",
    ),
]
Deadline = Annotated[
    float,
    typer.Option(
        "--deadline",
        parser=Finite(0.01, 86400, "seconds"),
        help="Seconds for one delivery with all its retries (Stream: 15).",
    ),
]

# ---------------------------------------------------------------- option groups


def grouped(func: Callable[..., R]) -> Callable[..., R]:
    """Options that several verbs share, declared once as a dataclass of Annotated fields.

    A parameter of ``func`` whose type is such a dataclass stands for all of its fields:
    Typer sees each field as an option, in that place and order, and ``func`` gets them
    back as one instance. Used as ``@grouped`` below ``app.command``.
    """
    hints = get_type_hints(func, include_extras=True)
    params: list[inspect.Parameter] = []
    groups: dict[str, tuple[type[Any], list[str]]] = {}
    for param in inspect.signature(func).parameters.values():
        hint = hints.get(param.name, param.annotation)
        if not (isinstance(hint, type) and dataclasses.is_dataclass(hint)):
            params.append(param.replace(kind=KEYWORD_ONLY, annotation=hint))
            continue
        fields = get_type_hints(hint, include_extras=True)
        names = [f.name for f in dataclasses.fields(hint)]
        params += [
            inspect.Parameter(f.name, KEYWORD_ONLY, default=f.default, annotation=fields[f.name])
            for f in dataclasses.fields(hint)
        ]
        groups[param.name] = (hint, names)

    def command(**kwargs: Any) -> R:
        for name, (group, names) in groups.items():
            kwargs[name] = group(**{n: kwargs.pop(n) for n in names})
        return func(**kwargs)

    for attr in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(command, attr, getattr(func, attr))
    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    return command


@dataclass
class Retries:
    """A delivery's retry options (``ping``, ``trigger``, ``hooks test``, ``failover replay``)."""

    max_attempts: MaxAttempts = None
    attempt_timeout: AttemptTimeout = 6.0
    deadline: Deadline = 15.0

    def policy(self) -> RetryPolicy:
        from hookctl.webhooks.delivery import RetryPolicy

        return RetryPolicy.capped(self.max_attempts, self.attempt_timeout, self.deadline)


@dataclass
class Confirmed:
    """``--yes``, ``--json`` and ``--dry-run`` of a verb that asks before it writes."""

    yes: Yes = False
    as_json: Json = False
    dry_run: DryRun = False
