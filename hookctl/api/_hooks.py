"""Internal: ``hookctl.api.Hooks``, the CLI's safe write path for programs."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any

from hookctl.api import _connect

if TYPE_CHECKING:
    from hookctl.config.settings import Settings
    from hookctl.hooks.array import Edit
    from hookctl.hooks.writer import SafeWriter, WriteResult
    from hookctl.stream.client import StreamClient

Hook = dict[str, Any]


@dataclass(frozen=True)
class Write:
    """What one edit did: the fields of ``hooks … --json`` after a write.

    ``changes`` holds one ``{"op", "id", "hook_type", "target", "fields"}`` per changed
    hook (secrets masked; an added hook's new id filled in); ``hooks`` the hooks added or
    changed, as ``hooks show --json`` shows them; ``snapshot`` the id of the array saved
    before the write (``None`` when nothing was written); ``new_ids`` the ids Stream gave
    added hooks; ``warnings`` what went differently from a plain write (a concurrent
    writer, a lost response), as the CLI prints them.
    """

    changes: list[dict[str, Any]]
    written: bool
    dry_run: bool
    hooks: list[dict[str, Any]] = field(default_factory=list)
    snapshot: str | None = None
    new_ids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def _of(cls, result: WriteResult) -> Write:
        from hookctl.hooks.views import write_json, write_warnings

        shown: dict[str, Any] = write_json(result)
        return cls(
            changes=list(shown["changes"]),
            written=result.written,
            dry_run=result.dry_run,
            hooks=list(shown["hooks"]),
            snapshot=result.snapshot.id if result.snapshot else None,
            new_ids=list(result.new_ids),
            warnings=write_warnings(result) if result.written else [],
        )


@dataclass(frozen=True)
class Snapshot:
    """A copy of the hooks array saved before a write (``hookctl hooks history``)."""

    id: str
    created_at: str
    operation: str
    hooks: list[Hook]


class Hooks:
    """One app's event hooks, read and edited the way ``hookctl hooks …`` does it.

    Every edit goes through the CLI's one write path: the local write lock (and the
    shared GCS lease when ``lock_url`` / ``HOOKCTL_LOCK_URL`` is set), a fresh read of the
    array, validation, a snapshot of the array before the write, and a read-back that
    checks the change is live (re-applied if a concurrent writer undid it). Credentials
    come from the arguments, then ``STREAM_API_KEY``/``STREAM_API_SECRET``/
    ``STREAM_BASE_URL``, then the config file's profile, as for the CLI. Failures raise
    ``HookctlError`` (its ``message`` and ``hint`` are what the CLI prints).

    Example::

        from hookctl.api import Hooks

        with Hooks() as hooks:  # STREAM_API_KEY / STREAM_API_SECRET from the environment
            added = hooks.add({"hook_type": "webhook", "enabled": True,
                               "webhook_url": "https://example.com/hooks",
                               "event_types": ["message.new"]})
            hook_id = added.new_ids[0]
            hooks.update(hook_id, {"event_types": ["message.new", "message.updated"]})
            print(hooks.get(hook_id)["event_types"])
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        base_url: str | None = None,
        profile: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self._settings: Settings = _connect.settings(
            api_key=api_key,
            api_secret=api_secret,
            base_url=base_url,
            profile=profile,
            timeout=timeout,
        )
        self._client: StreamClient | None = None
        self._writer: SafeWriter | None = None

    # ------------------------------------------------------------ reading

    def list(self, *, show_secrets: bool = False) -> list[Hook]:
        """The hooks as Stream has them now; secrets masked (``********``) unless
        ``show_secrets``.

        Example::

            for hook in Hooks().list():
                print(hook["id"], hook["hook_type"], hook.get("enabled"))
        """
        from hookctl.hooks.show import mask_hook

        hooks = self._api().get_hooks()
        return hooks if show_secrets else [mask_hook(h) for h in hooks]

    def get(self, hook_id: str, *, show_secrets: bool = False) -> Hook:
        """One hook by id (a unique prefix is enough); ``NotFound`` if there is none.

        Example::

            hook = Hooks().get("3f2a")
        """
        from hookctl.hooks.array import get
        from hookctl.hooks.show import mask_hook

        hook = get(self._api().get_hooks(), hook_id)
        return hook if show_secrets else mask_hook(hook)

    def snapshots(self) -> builtins.list[Snapshot]:
        """The arrays saved before earlier writes to this app, newest first.

        Example::

            latest = Hooks().snapshots()[0]
            print(latest.id, latest.operation, len(latest.hooks))
        """
        return [
            Snapshot(s.id, s.created_at, s.operation, s.hooks)
            for s in self._safe_writer().history.list()
        ]

    # ------------------------------------------------------------ editing

    def add(self, hook: Mapping[str, Any], *, dry_run: bool = False) -> Write:
        """Add one hook (Stream's fields, e.g. ``hook_type``, ``webhook_url``,
        ``event_types``); its new id is in ``new_ids``.

        Example::

            write = Hooks().add({"hook_type": "webhook", "webhook_url": "https://example.com/h"})
            print(write.new_ids[0], write.snapshot)
        """
        from hookctl.hooks.array import add_edit

        return self._write(add_edit(dict(hook)), dry_run=dry_run)

    def update(
        self,
        hook_id: str,
        changes: Mapping[str, Any],
        *,
        unset: Iterable[str] = (),
        dry_run: bool = False,
    ) -> Write:
        """Set ``changes`` on one hook (and drop the fields named in ``unset``); the other
        hooks and fields are kept as they are live at the time of the write.

        Example::

            Hooks().update("3f2a", {"enabled": False})
        """
        from hookctl.hooks.array import update_edit

        edit = update_edit(hook_id, dict(changes), tuple(unset), f"update hook {hook_id}")
        return self._write(edit, dry_run=dry_run)

    def remove(self, hook_id: str, *, dry_run: bool = False) -> Write:
        """Remove one hook (the array before is kept as a snapshot).

        Example::

            write = Hooks().remove("3f2a")
            print("undo with: hookctl hooks restore", write.snapshot)
        """
        from hookctl.hooks.array import remove_edit

        return self._write(remove_edit(hook_id), dry_run=dry_run)

    def restore(self, snapshot_id: str, *, dry_run: bool = False) -> Write:
        """Put a snapshot's hooks back exactly (``latest``, an id or a unique prefix).

        Example::

            Hooks().restore("latest")
        """
        from hookctl.hooks.array import replace_all_edit

        snap = self._safe_writer().history.load(snapshot_id)
        return self._write(replace_all_edit(snap.hooks, f"restore {snap.id}"), dry_run=dry_run)

    # ------------------------------------------------------------ lifetime

    def close(self) -> None:
        """Close the HTTP connections (also done by ``with``)."""
        if self._client is not None:
            self._client.close()
            self._client = None
            self._writer = None

    def __enter__(self) -> Hooks:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------ internal

    def _api(self) -> StreamClient:
        if self._client is None:
            from hookctl.config.clients import stream_client

            self._client = stream_client(self._settings, timeout=self._settings.timeout)
        return self._client

    def _safe_writer(self) -> SafeWriter:
        if self._writer is None:
            from hookctl.config.clients import safe_writer

            self._writer = safe_writer(self._api(), self._settings, timeout=self._settings.timeout)
        return self._writer

    def _write(self, edit: Edit, *, dry_run: bool) -> Write:
        return Write._of(self._safe_writer().write(edit, dry_run=dry_run))
