"""The one way hookctl writes a file: atomically, and never through a planted symlink.

Every file hookctl writes (the config, key files, ``--failures``, ``hooks
export -o``, snapshots, caches, the sandbox state) goes through ``write_atomic``:

1. refuse if the final path is a symbolic link (someone who can write the
   directory could point it at a file of yours: hookctl says so instead of
   replacing, or writing through, it);
2. create the temporary file with ``mkstemp`` in the same directory: an
   unpredictable name, opened ``O_CREAT | O_EXCL`` (an existing file or symlink
   at that name makes it pick another; it never opens one), mode 0600;
3. write, flush, ``fsync``, set the final mode, then ``os.replace`` over the
   target (a rename: readers see the old file or the new one, never half of it,
   and a rename replaces a directory entry, it never follows a link).

Standard library only; no I/O at import.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from hookctl.base.errors import HookctlError


class UnsafePath(HookctlError):
    """A path hookctl refuses to write (a symlink, or not a regular file)."""


def check_target(path: Path) -> None:
    """Refuse a final path that is a symlink or something other than a regular file."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise UnsafePath(f"cannot check {path}: {exc.strerror}", "choose another path") from None
    if stat.S_ISLNK(info.st_mode):
        raise UnsafePath(
            f"{path} is a symbolic link: refusing to write through it",
            "remove the link (or choose another path) and run again",
        )
    if not stat.S_ISREG(info.st_mode):
        raise UnsafePath(
            f"{path} is not a regular file: refusing to replace it", "choose another path"
        )


def write_atomic(path: Path, data: bytes, *, mode: int = 0o600, private_dir: bool = False) -> None:
    """Write ``data`` to ``path`` atomically (steps in the module docstring)."""
    parent = path.parent
    if private_dir:
        parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    check_target(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UnsafePath(
            f"cannot write {path}: {exc.strerror}", "choose a writable directory"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        check_target(path)  # still not a link just before the rename
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class AtomicFile:
    """``write_atomic`` for a file written piece by piece (``--failures`` streams):
    the same temporary file and checks; ``commit`` renames it over the path,
    ``discard`` removes it. The path holds the old file or the whole new one."""

    def __init__(self, path: Path, *, mode: int = 0o600) -> None:
        check_target(path)
        self.path = path
        self.mode = mode
        fd, self._tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        self._handle = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        self._handle.write(data)

    def commit(self) -> None:
        try:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            os.chmod(self._tmp, self.mode)
            check_target(self.path)
            os.replace(self._tmp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._handle.close()
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)
