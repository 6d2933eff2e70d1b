"""hookctl's public Python API: the jobs people script, with a stability promise.

Every name exported here (``__all__``) follows semantic versioning: within a major
version it keeps working as documented (new optional arguments and new fields may be
added, in a minor release, and are listed in CHANGELOG.md). Everything else under
``hookctl`` (``hookctl.hooks``, ``hookctl.failover`` and the rest, and the ``_``
modules of this package) is internal and may change in any release. docs/library.md
shows each job in a few lines.

- :class:`Hooks` reads and safely edits an app's event hooks (the CLI's locks,
  read-back and snapshots);
- :func:`verify_signature` and :func:`sign` check and make ``X-Signature`` values
  (plain and gzip-compressed bodies);
- :func:`list_failed_events` lists the failed deliveries in the failover bucket;
- :func:`replay` redelivers them, with a progress callback and a :class:`Stop` handle;
- :func:`sample_event` builds an event as Stream would send it.

Failures raise :class:`HookctlError` (``UsageError`` for bad input), whose ``message``
and ``hint`` are what the CLI prints; secrets never appear in them.

Example::

    from hookctl.api import Hooks, verify_signature

    with Hooks() as hooks:
        print([h["id"] for h in hooks.list()])
"""

from __future__ import annotations

from hookctl.api._events import sample_event
from hookctl.api._failover import (
    FailedEvent,
    FailedEvents,
    ReplayProgress,
    ReplayResult,
    Stop,
    list_failed_events,
    replay,
)
from hookctl.api._hooks import Hooks, Snapshot, Write
from hookctl.api._signatures import Verification, sign, verify_signature
from hookctl.base.errors import HookctlError, NotFound, UsageError

__all__ = [
    "FailedEvent",
    "FailedEvents",
    "HookctlError",
    "Hooks",
    "NotFound",
    "ReplayProgress",
    "ReplayResult",
    "Snapshot",
    "Stop",
    "UsageError",
    "Verification",
    "Write",
    "list_failed_events",
    "replay",
    "sample_event",
    "sign",
    "verify_signature",
]
