"""The one safe path by which hookctl writes the ``event_hooks`` array.

Stream replaces the whole array on every update, so each write:

1. holds a per-app file lock (serialises hookctl processes on this machine);
2. reads the app (refusing an app not on hooks v2 unless ``force_v2``), applies the
   edit to its array, validates the hooks it touches;
3. refuses to write back secrets that look masked;
4. re-reads right before writing; if the array moved, re-applies the edit to
   the fresh array (rebase) unless the edited hook itself changed (conflict);
5. saves the pre-write array as a history snapshot;
6. writes, then reads back and checks every hook is as intended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from hookctl import hooks as H
from hookctl.errors import ConflictError, ConnectionFailed, HookctlError, ValidationFailed
from hookctl.history import History, Snapshot, app_slug
from hookctl.settings import private_dir

LOCK_TIMEOUT = 120.0


class HooksApi(Protocol):
    base_url: str

    def get_app(self) -> dict[str, Any]: ...
    def hooks_of(self, app: dict[str, Any]) -> list[dict[str, Any]]: ...
    def get_hooks(self) -> list[dict[str, Any]]: ...
    def update_hooks(self, hooks: list[dict[str, Any]]) -> None: ...


@dataclass
class WriteResult:
    before: list[H.Hook]
    after: list[H.Hook]
    changes: list[H.Change]
    written: bool = False
    dry_run: bool = False
    rebased: bool = False
    snapshot: Snapshot | None = None
    new_ids: list[str] = field(default_factory=list)
    live: list[H.Hook] = field(default_factory=list)


def check_edit(before: list[H.Hook], after: list[H.Hook]) -> None:
    """Validate every added or changed hook and the array rules this edit breaks."""
    from hookctl.models import array_errors, validate_hook

    old_by_id = {h.get("id"): h for h in before if h.get("id")}
    for hook in after:
        old = old_by_id.get(hook.get("id")) if hook.get("id") else None
        if old is None or not H.same_hook(old, hook):
            validate_hook(hook)
    already = set(array_errors(before))
    problems = [p for p in array_errors(after) if p not in already]
    if problems:
        raise ValidationFailed(problems[0], "nothing was written")
    masked = H.masked_secrets(after)
    if masked:
        where = ", ".join(f"{hook_id}.{name}" for hook_id, name in masked)
        raise HookctlError(
            f"refusing to write: the secret(s) {where} look masked, and writing them back "
            "would replace the real secret",
            "set the real value on that hook (e.g. `hookctl hooks update ID --secret-env VAR`) "
            "in the same change; nothing was written",
        )


def plan(before: list[H.Hook], edit: H.Edit) -> tuple[list[H.Hook], list[H.Change]]:
    after = edit.apply(before)
    check_edit(before, after)
    return after, H.diff(before, after)


def rebase(base: list[H.Hook], fresh: list[H.Hook], edit: H.Edit) -> list[H.Hook]:
    """Re-apply ``edit`` to ``fresh`` (the array someone else changed since ``base``).

    Raises ``ConflictError`` when the hook the edit targets changed too.
    """
    target = H.resolve_target(base, edit)
    if target is not None:
        old = H.get(base, target)
        try:
            new = H.get(fresh, target)
        except HookctlError:
            raise ConflictError(
                f"hook {target} was removed by someone else while you edited it",
                "nothing was written; run `hookctl hooks list`",
            ) from None
        if not H.same_hook(old, new):
            lines = H.render_diff(H.diff([old], [new]))
            raise ConflictError(
                f"hook {target} was changed by someone else while you edited it: "
                + "; ".join(line.strip() for line in lines[1:]),
                "nothing was written; look at `hookctl hooks show ID` and run your command again",
            )
    return edit.apply(fresh)


def _verify(after: list[H.Hook], live: list[H.Hook]) -> list[str]:
    problems = []
    live_by_id = {h.get("id"): h for h in live if h.get("id")}
    for hook in after:
        hook_id = hook.get("id")
        if not hook_id:
            continue
        got = live_by_id.get(hook_id)
        if got is None:
            problems.append(f"hook {hook_id} is missing")
            continue
        for key, value in H.comparable(hook).items():
            if got.get(key) != value and not H.looks_masked(got.get(key)):
                problems.append(f"hook {hook_id} has a different {key}")
    sent_ids = {h.get("id") for h in after if h.get("id")}
    created = [h for h in live if h.get("id") not in sent_ids]
    expected_new = sum(1 for h in after if not h.get("id"))
    if len(created) != expected_new:
        problems.append(f"expected {expected_new} new hook(s), found {len(created)}")
    return problems


class SafeWriter:
    def __init__(
        self, api: HooksApi, api_key: str, data_dir: Path, *, force_v2: bool = False
    ) -> None:
        self.api = api
        self.force_v2 = force_v2  # write event_hooks even to an app not on hooks v2
        self.history = History(data_dir, api.base_url, api_key)
        self.lock_path = private_dir(data_dir / "locks") / f"{app_slug(api.base_url, api_key)}.lock"

    def write(self, edit: H.Edit, *, dry_run: bool = False) -> WriteResult:
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT)
        try:
            with lock:
                return self._write_locked(edit, dry_run=dry_run)
        except Timeout:
            raise HookctlError(
                f"another hookctl process has held the write lock for {LOCK_TIMEOUT:.0f}s",
                f"wait for it to finish, or remove {self.lock_path} if no hookctl is running",
            ) from None

    def _write_locked(self, edit: H.Edit, *, dry_run: bool) -> WriteResult:
        app = self.api.get_app()
        if not self.force_v2:
            from hookctl.legacy import refuse_write

            refuse_write(app)
        base = self.api.hooks_of(app)
        after, changes = plan(base, edit)
        result = WriteResult(base, after, changes, dry_run=dry_run)
        if dry_run or not changes:
            return result
        fresh = self.api.get_hooks()
        if not H.same_array(fresh, base):
            after = rebase(base, fresh, edit)
            check_edit(fresh, after)
            base = fresh
            result = WriteResult(base, after, H.diff(base, after), rebased=True)
            if not result.changes:
                return result
        result.snapshot = self.history.save(base, edit.summary)
        try:
            self.api.update_hooks(after)
        except ConnectionFailed:
            live = self.api.get_hooks()
            if _verify(after, live):
                raise
        live = self.api.get_hooks()
        problems = _verify(after, live)
        if problems:
            raise HookctlError(
                "the write was sent, but reading back shows a different array: "
                + "; ".join(problems[:3]),
                f"someone may have written at the same time; the previous array is snapshot "
                f"{result.snapshot.id} (`hookctl hooks restore {result.snapshot.id}`)",
            )
        sent_ids = {h.get("id") for h in after if h.get("id")}
        result.new_ids = [str(h["id"]) for h in live if h.get("id") not in sent_ids]
        result.written = True
        result.live = live
        return result
