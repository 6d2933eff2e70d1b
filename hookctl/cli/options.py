"""Options shared by many commands, defined once."""

from __future__ import annotations

from typing import Annotated

import typer

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
    from hookctl.idcache import hook_ids

    return hook_ids(incomplete)


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
    float, typer.Option("--attempt-timeout", min=0.01, help="Seconds per attempt (Stream: 6).")
]
Deadline = Annotated[
    float,
    typer.Option(
        "--deadline", min=0.01, help="Seconds for one delivery with all its retries (Stream: 15)."
    ),
]
