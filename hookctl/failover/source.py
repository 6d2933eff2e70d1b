"""Where a failover job reads from: the bucket, its prefix, the read key and the endpoint.

A job names its source one of two ways: ``--bucket``/``--path`` read a bucket
directly; otherwise the app's hooks are fetched (once, through the callable the
caller passes, so nothing talks to Stream when it is not needed) and the hook's
``failover_config`` gives bucket, prefix and key, with these fallbacks:

1. ``--hook`` picks the hook; without it, the only hook with failover (or every hook
   with failover, when they all share one bucket and path);
2. a key given by the caller wins over the hook's stored key;
3. a stored key that is not usable here becomes a note, and Application Default
   Credentials are used instead.

Also here: the selection, and the bucket and finder factories. No I/O beyond the
``get_hooks`` callable; the endpoint and the shard come from ``hookctl.config.settings``
(flag > environment), which alone reads the environment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hookctl.base.errors import UsageError, ValidationFailed
from hookctl.config.settings import DEFAULT_TIMEOUT
from hookctl.failover.keys import ServiceAccountKey, check_bucket, check_key, normalise_path

if TYPE_CHECKING:
    from hookctl.failover.gcs import Bucket
    from hookctl.failover.select import Finder, Selection

GetHooks = Callable[[], list[dict[str, Any]]]


@dataclass
class Source:
    """A bucket to read, and what the app's hooks say about it."""

    bucket: str
    path: str
    key: ServiceAccountKey | None
    endpoint: str | None
    known_hooks: list[str] = field(default_factory=list)
    hook_filter: frozenset[str] = frozenset()
    notes: list[str] = field(default_factory=list)
    timeout: float = DEFAULT_TIMEOUT  # the global --timeout: each GCS call and token refresh
    app: dict[str, Any] | None = None  # the live app, when the caller read it (one GET a run)
    from_hook: bool = False  # the bucket came from a hook's failover_config, not --bucket


def resolve_source(
    get_hooks: GetHooks,
    *,
    hook: str | None,
    bucket: str | None,
    path: str | None,
    key: ServiceAccountKey | None,
    endpoint: str | None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Source:
    """Bucket, prefix and read key: from ``bucket``/``path``, or from a hook's failover_config.
    ``timeout`` bounds each GCS call and token refresh made through the source."""
    if bucket:
        check_bucket(bucket)
        filters = frozenset({hook}) if hook else frozenset()
        return Source(
            bucket, normalise_path(path), key, endpoint, list(filters), filters, timeout=timeout
        )
    if path:
        raise UsageError(
            "--path needs --bucket", "or leave both out to use the hook's failover_config"
        )
    hooks = get_hooks()
    chosen = pick_failover(hooks, hook)
    config = chosen["failover_config"]
    source = Source(
        str(config.get("gcs_bucket", "")),
        normalise_path(config.get("gcs_path")),
        key,
        endpoint,
        [str(h.get("id")) for h in hooks if h.get("id")],
        frozenset({str(chosen["id"])}) if hook else frozenset(),
        timeout=timeout,
        from_hook=True,
    )
    if key is None and config.get("gcs_credentials"):
        try:
            source.key = check_key(
                str(config["gcs_credentials"]), source=f"hook {chosen['id']}'s gcs_credentials"
            )
        except ValidationFailed as exc:
            source.notes.append(
                f"the hook's key is not usable here ({exc.message}); "
                "using Application Default Credentials (or pass --credentials)"
            )
    return source


def pick_failover(hooks: list[dict[str, Any]], hook_id: str | None) -> dict[str, Any]:
    """The hook whose failover_config to read: ``--hook``, or the only hook with failover,
    or the first of several that all fail over to one bucket and path."""
    from hookctl.hooks.array import get

    if hook_id:
        hook = get(hooks, hook_id)
        if not hook.get("failover_config"):
            raise UsageError(
                f"hook {hook.get('id')} has no failover configured",
                "pass --bucket/--path to read a bucket directly",
            )
        return _gcs_only(hook)
    with_failover = [h for h in hooks if h.get("failover_config")]
    if len(with_failover) == 1:
        return _gcs_only(with_failover[0])
    if not with_failover:
        raise UsageError(
            "no hook of this app has failover configured",
            "pass --bucket (and --path) to read a bucket directly",
        )
    places: dict[tuple[str, str], list[str]] = {}
    for item in with_failover:
        config = item["failover_config"]
        where = ("", str(item.get("id")))  # not GCS: a place of its own
        if isinstance(config, dict) and config.get("type", "gcs") == "gcs":
            where = (str(config.get("gcs_bucket", "")), normalise_path(config.get("gcs_path")))
        places.setdefault(where, []).append(str(item.get("id")))
    if len(places) == 1:
        # one bucket and path for every hook with failover: one listing reads all their
        # events, each replayed to its own hook (as with one hook, the bucket's events of
        # any other hook are refused, never sent)
        return _gcs_only(with_failover[0])
    shown = "; ".join(
        f"{f'gs://{b}/{p}'.rstrip('/') if b else 'not GCS'}: {', '.join(ids)}"
        for (b, p), ids in places.items()
    )
    raise UsageError(
        f"{len(with_failover)} hooks fail over to {len(places)} places ({shown}), and one "
        "run reads one bucket",
        "pass --hook ID, once per hook (the journal skips what was delivered); "
        "`hookctl failover status` prints the command for each hook with events to deliver",
    )


def _gcs_only(hook: dict[str, Any]) -> dict[str, Any]:
    """Refuse an S3 failover_config: hookctl reads failover objects from GCS only."""
    from hookctl.hooks.show import failover_location

    config = hook["failover_config"]
    if isinstance(config, dict) and config.get("type", "gcs") != "gcs":
        raise UsageError(
            f"hook {hook.get('id')} fails over to {failover_location(config)}: "
            f"listing and replaying from {str(config.get('type')).upper()} is not supported yet",
            "hookctl reads failover objects from GCS only; copy the objects to a GCS bucket "
            "and pass --bucket/--path",
        )
    return hook


def selection(
    source: Source,
    *,
    since: str | None,
    until: str | None,
    event_types: frozenset[str] = frozenset(),
    shard: tuple[int, int] | None = None,
    states: frozenset[str] = frozenset(),
    error_classes: frozenset[str] = frozenset(),
    need_window: bool = True,
    now: datetime | None = None,
) -> Selection:
    """What a job looks at in ``source``: a time window (needed unless the job scans the
    whole path or reads a file of names), event types, the hook filter and a shard."""
    from hookctl.failover.select import Selection
    from hookctl.failover.timewindow import window

    start: datetime | None = None
    stop: datetime | None = None
    if need_window or since or until:
        start, stop = window(since, until, now=now)
    return Selection(start, stop, event_types, source.hook_filter, shard, states, error_classes)


def open_bucket(source: Source, connections: int = 32) -> Bucket:
    """An async GCS client for the source's bucket (use it as ``async with``)."""
    from hookctl.failover.gcs import Bucket, make_auth

    return Bucket(
        source.bucket,
        make_auth(source.key, source.endpoint, timeout=source.timeout),
        endpoint=source.endpoint,
        connections=connections,
    )


def make_finder(
    bucket: Bucket,
    source: Source,
    chosen: Selection,
    *,
    scan: bool = False,
    from_file: Path | None = None,
    exclude_prefix: str | None = None,
    metadata: bool = True,
) -> Finder:
    """The listing of ``chosen`` in ``bucket``, with the app's hook ids and the event
    catalog to split object names; ``metadata``: ask for each object's (replay)."""
    from hookctl.events.catalog import load_catalog
    from hookctl.failover.select import Finder

    return Finder(
        bucket,
        chosen,
        path=source.path,
        known_hooks=source.known_hooks,
        event_types=load_catalog().names,
        scan=scan,
        from_file=from_file,
        exclude_prefix=exclude_prefix,
        metadata=metadata,
    )
