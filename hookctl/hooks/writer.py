"""The one safe path by which hookctl writes the ``event_hooks`` array.

Stream replaces the whole array on every update and has no version check, so a
write can only be as safe as its lock and its read-back. Each write:

1. holds a lock: the shared GCS lease when one is configured (``hookctl.hooks.lock``,
   serialises hookctl on every machine), else a local file lock keyed by the
   normalised base URL + API key (serialises hookctl processes sharing a data dir);
2. reads the app (refusing an app not on hooks v2 unless ``force_v2``), applies the
   edit to its array, validates the hooks it touches; when the
   caller showed the user a plan (a confirmation), the plan made inside the lock
   must be the same, else nothing is written (``PlanChanged``);
3. refuses to write back secrets that look masked;
4. saves the pre-write array as a history snapshot;
5. writes; after a short settle delay (``settle``: the setting
   ``settle_seconds``, ``HOOKCTL_SETTLE_SECONDS``, default 0.5 s without a shared
   lock) reads back and checks that *this* change is in place (``hookctl.hooks.readback``):
   changed hooks as written, removed hooks gone, a new hook recognised by its
   content (type + target + fields), never by counting new hooks;
6. if a concurrent writer undid the change, re-applies the edit to what is live
   and writes again (at most ``MAX_REWRITES`` times), never removing a hook the
   original plan did not remove; if that cannot be done: ``LostWrite`` (exit 1)
   naming the change and what is missing;
7. a write whose response was lost (timeout, 5xx after the request was sent) is
   judged by reading back, never reported as "nothing was changed".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from hookctl.base.errors import (
    ApiError,
    ConflictError,
    ConnectionFailed,
    HookctlError,
    ValidationFailed,
)
from hookctl.base.plaintext import plural
from hookctl.config.settings import default_settle, private_dir
from hookctl.hooks import array as H
from hookctl.hooks.history import History, Snapshot
from hookctl.hooks.readback import ReadBack, read_back

LOCK_TIMEOUT = 120.0
MAX_REWRITES = 3


class HooksApi(Protocol):
    base_url: str

    def get_app(self) -> dict[str, Any]: ...
    def hooks_of(self, app: dict[str, Any]) -> list[dict[str, Any]]: ...
    def get_hooks(self) -> list[dict[str, Any]]: ...
    def update_hooks(self, hooks: list[dict[str, Any]]) -> None: ...


class PlanChanged(HookctlError):
    """The live hooks changed between the confirmation and the write. Exit 1."""


class LostWrite(HookctlError):
    """The change was sent but is not live (undone by a concurrent writer). Exit 1."""


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
    response_lost: str | None = None  # why the write's response was lost, if it was
    gone_since: list[str] = field(default_factory=list)  # carried hooks another writer removed
    rewrites: int = 0


def check_edit(before: list[H.Hook], after: list[H.Hook]) -> None:
    """Validate every added or changed hook and the array rules this edit breaks."""
    from hookctl.stream.models import array_errors, validate_hook

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
    urls = [hook_id for hook_id, name in masked if name == H.MASKED_URL]
    if urls:  # a URL pasted from `hooks show`/`list`: bad input, not a failed operation
        raise ValidationFailed(
            f"the webhook URL's password is the mask {H.MASK} (hook {urls[0]}): "
            "give the real password",
            "pass the URL with its real password, percent-encoded "
            "(`hookctl hooks show ID --show-secrets` prints the stored URL); nothing was written",
        )
    if masked:
        where = ", ".join(f"{hook_id}.{name}" for hook_id, name in masked)
        raise HookctlError(
            f"refusing to write: {'the secret' if len(masked) == 1 else 'the secrets'} {where} "
            f"{'looks' if len(masked) == 1 else 'look'} masked, and writing them back "
            "would replace the real secret",
            "set the real value on that hook (e.g. `hookctl hooks update ID --secret-env VAR`) "
            "in the same change; nothing was written",
        )


def refuse_copied_credentials(
    before: list[H.Hook], after: list[H.Hook], credentials: Iterable[str]
) -> None:
    """A hook's secret may not be the app's API secret (or another credential hookctl
    holds): a reference by value (``env:MY_X`` with the same value, a ``file:``) would
    hand it to whoever can read the hook's queue or bucket. Exit 2; the value is never
    printed."""
    copied = H.copied_credentials(before, after, credentials)
    if copied:
        where = ", ".join(f"hook {hook_id}: {name}" for hook_id, name in copied)
        raise ValidationFailed(
            f"refusing to write: {where} holds the app's API secret",
            "give the hook a credential of its own (e.g. the IAM user's secret key); "
            "nothing was written",
        )


def plan(before: list[H.Hook], edit: H.Edit) -> tuple[list[H.Hook], list[H.Change]]:
    after = edit.apply(before)
    check_edit(before, after)
    return after, H.diff(before, after)


def same_plan(a: list[H.Change], b: list[H.Change]) -> bool:
    """True when two plans make the same changes (as a user would read them)."""
    return [c.as_json() for c in a] == [c.as_json() for c in b]


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


class SafeWriter:
    def __init__(
        self,
        api: HooksApi,
        api_key: str,
        data_dir: Path,
        *,
        force_v2: bool = False,
        shared_lock: AbstractContextManager[Any] | None = None,
        settle: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        credentials: Iterable[str] = (),
    ) -> None:
        from hookctl.hooks.lock import local_lock_name

        self.credentials = tuple(credentials)  # never copied into a hook (the API secret)

        self.api = api
        self.force_v2 = force_v2  # write event_hooks even to an app not on hooks v2
        self.history = History(data_dir, api.base_url, api_key)
        self.lock_path = private_dir(data_dir / "locks") / local_lock_name(api_key)
        self.shared_lock = shared_lock
        # the pause before reading back: Settings.settle_seconds (HOOKCTL_SETTLE_SECONDS)
        self.settle = default_settle(shared_lock is not None) if settle is None else settle
        self._sleep = sleep

    @contextmanager
    def _locked(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT)
        try:
            with lock:
                if self.shared_lock is None:
                    yield
                else:
                    with self.shared_lock:
                        yield
        except Timeout:
            raise HookctlError(
                f"another hookctl process has held the write lock for {LOCK_TIMEOUT:.0f}s",
                f"wait for it to finish, or remove {self.lock_path} if no hookctl is running",
            ) from None

    def write(
        self, edit: H.Edit, *, dry_run: bool = False, expect: list[H.Change] | None = None
    ) -> WriteResult:
        """Apply ``edit``; ``expect`` is the plan the user confirmed (None: no prompt)."""
        with self._locked():
            return self._write_locked(edit, dry_run=dry_run, expect=expect)

    def _write_locked(
        self, edit: H.Edit, *, dry_run: bool, expect: list[H.Change] | None
    ) -> WriteResult:
        app = self.api.get_app()
        if not self.force_v2:
            from hookctl.hooks.legacy import refuse_write

            refuse_write(app)
        base = self.api.hooks_of(app)
        after, changes = plan(base, edit)
        refuse_copied_credentials(base, after, self.credentials)
        if expect is not None and not same_plan(changes, expect):
            raise PlanChanged(
                "the live hooks changed after you confirmed; the change would now be: "
                + "; ".join(line.strip() for line in H.render_diff(changes)),
                "nothing was written; run the command again to see and confirm the new plan",
            )
        result = WriteResult(base, after, changes, dry_run=dry_run)
        if dry_run or not changes:
            return result
        result.snapshot = self.history.save(base, edit.summary)
        allowed_removals = {c.id for c in changes if c.op == "remove"}
        original = (base, after)
        renew = getattr(self.shared_lock, "check", None)
        for attempt in range(MAX_REWRITES + 1):
            if renew is not None:
                renew()  # the lease must still be ours before each write
            lost = self._send(after)
            if self.settle:
                self._sleep(self.settle)
            live = self._read_after_write(edit, lost, result)
            check = read_back(base, after, live)
            if not check.problems:
                result.after = after
                result.written = True
                result.live = live
                result.new_ids = check.new_ids
                result.gone_since = check.gone
                result.response_lost = lost
                result.rewrites = attempt
                result.rebased = attempt > 0
                return result
            if lost is not None:
                raise HookctlError(
                    f"the write ({edit.summary}) got no answer ({lost}), and reading back shows "
                    f"it is not live: {'; '.join(check.problems[:3])}",
                    f"the live hooks are as listed by `hookctl hooks list`; the array before the "
                    f"write is snapshot {result.snapshot.id}; running the command again is safe",
                )
            if attempt == MAX_REWRITES:
                break
            after = self._rebase_after_loss(edit, original, live, allowed_removals, check)
            base = live
        raise LostWrite(
            f"the change ({edit.summary}) was undone by concurrent writers "
            f"{plural(MAX_REWRITES + 1, 'time')}; not live now: {'; '.join(check.problems[:3])}",
            f"the array before the write is snapshot {result.snapshot.id}; run the command again, "
            "or set a shared lock (lock_url = gs://BUCKET/PATH) so writers take turns",
        )

    def _send(self, after: list[H.Hook]) -> str | None:
        """Write; None when Stream answered OK, else why the answer was lost (5xx, timeout)."""
        try:
            self.api.update_hooks(after)
        except ConnectionFailed as exc:
            if exc.sent is False:
                raise
            return "the connection failed after the request was sent"
        except ApiError as exc:
            if exc.status is None or exc.status < 500:
                raise  # rejected: Stream did not apply it
            return f"Stream answered {exc.status}"
        return None

    def _read_after_write(
        self, edit: H.Edit, lost: str | None, result: WriteResult
    ) -> list[H.Hook]:
        try:
            return self.api.get_hooks()
        except HookctlError as exc:
            snap = result.snapshot.id if result.snapshot else "?"
            outcome = (
                f"was sent but got no answer ({lost}); the outcome is unknown"
                if lost
                else "was accepted by Stream, but it could not be confirmed"
            )
            raise HookctlError(
                f"the write ({edit.summary}) {outcome}: reading back failed: {exc.message}",
                f"run `hookctl hooks list` to see what is live (the array before the write is "
                f"snapshot {snap})",
            ) from None

    def _rebase_after_loss(
        self,
        edit: H.Edit,
        original: tuple[list[H.Hook], list[H.Hook]],
        live: list[H.Hook],
        allowed_removals: set[str | None],
        check: ReadBack,
    ) -> list[H.Hook]:
        base0, _ = original
        try:
            after = rebase(base0, live, edit)
        except ConflictError as exc:
            raise LostWrite(
                f"the change ({edit.summary}) was undone by a concurrent writer "
                f"({'; '.join(check.problems[:3])}), and it cannot be re-applied: {exc.message}",
                "run `hookctl hooks list` and your command again",
            ) from None
        check_edit(live, after)
        removed = [c for c in H.diff(live, after) if c.op == "remove"]
        extra = [c for c in removed if c.id not in allowed_removals]
        if extra:
            raise LostWrite(
                f"the change ({edit.summary}) was undone by a concurrent writer "
                f"({'; '.join(check.problems[:3])}), and re-applying it would now also remove "
                + ", ".join(f"{c.hook_type} hook {c.id}" for c in extra),
                "nothing more was written; run the command again to see the new plan",
            )
        return after
