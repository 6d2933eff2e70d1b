"""Options of the ``failover`` verbs, defined once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.options import hook_ids

Bucket = Annotated[str, typer.Option("--bucket", help="The GCS bucket name (no gs://).")]
PathOpt = Annotated[
    str | None, typer.Option("--path", help="Prefix inside the bucket, e.g. stream/failed-events.")
]
Credentials = Annotated[
    str | None,
    typer.Option(
        "--credentials", metavar="FILE", help="Service-account JSON key file, or - for stdin."
    ),
]
CredentialsEnv = Annotated[
    str | None,
    typer.Option("--credentials-env", metavar="VAR", help="Env var holding the key's JSON."),
]
Endpoint = Annotated[
    str | None,
    typer.Option(
        "--gcs-endpoint",
        help="GCS API endpoint (tests, emulators). "
        "[env var: HOOKCTL_GCS_ENDPOINT, STORAGE_EMULATOR_HOST]",
    ),
]

# ---------------------------------------------------------------- reading the bucket

Since = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Start of the window: 2026-04-01, 2026-04-01T12:00Z, +02:00 offsets, or 30m/6h/3d ago (UTC).",
    ),
]
Until = Annotated[
    str | None,
    typer.Option(
        "--until",
        help="End of the window; a bare date includes that day (default: no end: up to a day past now, for names stamped ahead of the clock).",
    ),
]
EventTypes = Annotated[
    list[str] | None,
    typer.Option(
        "--event-type",
        "-e",
        autocompletion=O.event_types,
        help="Only these event types (repeat, or comma-separated; patterns).",
    ),
]
HookOpt = Annotated[
    str | None,
    typer.Option(
        "--hook",
        help="The hook whose failover bucket to read, and only its events "
        "(default: every hook with failover; needed when they fail over to different buckets).",
        autocompletion=hook_ids,
    ),
]
BucketOpt = Annotated[
    str | None,
    typer.Option("--bucket", help="Read this bucket directly instead of a hook's failover_config."),
]
ReadPath = Annotated[
    str | None, typer.Option("--path", help="The failover prefix in --bucket (gcs_path).")
]
Scan = Annotated[
    bool,
    typer.Option(
        "--scan", help="List every object under the path instead of the window's day prefixes."
    ),
]
Shard = Annotated[
    str | None,
    typer.Option(
        "--shard",
        metavar="I/N",
        help="Only objects whose name hashes to shard I of N (0-based). "
        "[env var: CLOUD_RUN_TASK_INDEX/CLOUD_RUN_TASK_COUNT, or JOB_COMPLETION_INDEX "
        "with --shard-count]",
    ),
]
ShardCount = Annotated[
    int | None,
    typer.Option(
        "--shard-count", min=1, help="N for JOB_COMPLETION_INDEX (Kubernetes indexed Jobs)."
    ),
]
MaxBytes = Annotated[
    int,
    typer.Option("--max-bytes", min=1, help="Skip (and report) objects larger than this."),
]
AllowUnknownTypes = Annotated[
    bool, typer.Option("--allow-unknown", help="Accept event types missing from the catalog.")
]


States = Annotated[
    list[str] | None,
    typer.Option(
        "--state",
        metavar="STATE",
        help="Only events in this state: pending (replay would send it; includes unknown), "
        "delivered, refused, malformed; repeat or comma-separate. Reads every envelope.",
    ),
]
ErrorClasses = Annotated[
    list[str] | None,
    typer.Option(
        "--error-class",
        metavar="CLASS",
        help="Only events whose recorded error is 5xx, 4xx, timeout, connection, redirect "
        "or refused (connection refused); repeat or comma-separate. Reads every envelope.",
    ),
]


@dataclass
class Reading:
    """Which bucket a verb reads, and which events in it (``failover list``, ``replay``)."""

    since: Since = None
    until: Until = None
    event_type: EventTypes = None
    hook: HookOpt = None
    bucket: BucketOpt = None
    path: ReadPath = None
    credentials_file: Credentials = None
    credentials_env: CredentialsEnv = None
    gcs_endpoint: Endpoint = None
    state: States = None
    error_class: ErrorClasses = None


@dataclass
class Scope:
    """How much of the bucket a verb reads (``failover list``, ``failover replay``)."""

    scan: Scan = False
    shard: Shard = None
    shard_count: ShardCount = None
    max_bytes: MaxBytes = 5 * 1024 * 1024
    allow_unknown: AllowUnknownTypes = False


@dataclass
class Ledger:
    """Where ``failover list``/``status`` read delivery state: the journal replay keeps."""

    journal: Annotated[
        Path | None,
        typer.Option(
            "--journal",
            metavar="FILE",
            help="The replay journal to read (default: the one replay keeps in hookctl's "
            "data dir).",
        ),
    ] = None
    no_journal: Annotated[
        bool,
        typer.Option("--no-journal", help="Read no journal: delivery state is unknown."),
    ] = False
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="URL",
            help="Delivery state as `replay --to URL` records it (default: replays to each "
            "event's own hook).",
        ),
    ] = None
