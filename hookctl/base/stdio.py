"""Standard input, owned by the Console (``hookctl.cli.output``).

Like httpie's ``Environment.stdin``: every read of stdin (a body to verify, a
secret with ``--secret-stdin``, a key with ``--credentials -``, a "y" to a
prompt) goes through one ``Stdin`` object, which the Console holds and tests
replace with one over ``io.StringIO``/``io.BytesIO``. Standard library only, so
the Typer-free fast path of ``verify-signature`` uses it too.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys

# No `typing` at run time: verify-signature's fast path imports this module.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any


# What hookctl reads at most (a file, stdin): /dev/zero or a runaway pipe ends in an
# error, not in memory exhaustion. Documented in the README ("Limits").
MAX_BODY = 64 * 1024 * 1024  # a webhook body, a captured request, a --data payload
MAX_SECRET_FILE = 64 * 1024  # a --secret-file (secrets are tens of bytes)
MAX_KEY_FILE = 1024 * 1024  # a service-account key (a few KB)


def size_text(limit: int) -> str:
    """``64 MiB``, ``64 KiB``: a limit as the README writes it."""
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


MAX_CONFIG_FILE = 1024 * 1024  # a config file or a hook file (hundreds of hooks are KBs)

# What a path names when it is not a file: read from, each would wait for a writer
# forever (a FIFO) or never end (/dev/zero).
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def regular_fd(path: str | os.PathLike[str], flags: int = os.O_RDONLY) -> int:
    """A blocking fd of the regular file at ``path``; ``OSError`` for anything else
    (its ``strerror`` says what it is: ``not a regular file (a FIFO)``). Opened without
    blocking: opening a FIFO for reading would wait for a writer."""
    fd = os.open(path, flags | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "not a file")
            raise OSError(errno.EINVAL, f"not a regular file ({kind})", os.fspath(path))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_capped(path: str | os.PathLike[str], limit: int) -> bytes | None:
    """At most ``limit`` bytes of the regular file at ``path``, or ``None`` if it holds
    more (known from its size, or after ``limit + 1`` bytes at most). ``OSError`` as
    ``open`` raises it, and for a FIFO, a device or a directory (``regular_fd``)."""
    with os.fdopen(regular_fd(path), "rb") as handle:
        if os.fstat(handle.fileno()).st_size > limit:
            return None
        data = handle.read(limit + 1)
    return None if len(data) > limit else data


def write_out(text: str, stream: IO[str] | None) -> str | None:
    """``text`` and a newline on ``stream`` (stdout), flushed; what went wrong when stdout cannot
    take it (closed, a full device, a reader gone), else None.

    A verdict that was not delivered is not a verdict: ``verify-signature`` then exits 2,
    never 0 or 1. Whatever stayed buffered is dropped (stdout then points at
    ``os.devnull``), so the flush at exit cannot raise again."""
    try:
        if stream is None:
            return "stdout is closed"
        stream.write(text + "\n")
        stream.flush()
        return None
    except (OSError, ValueError) as exc:
        discard_stdout()
        return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def unwritable(problem: str) -> tuple[str, str]:
    """The error and hint for a result that ``write_out`` could not deliver."""
    return (
        f"cannot write the result to stdout: {problem}",
        "give the command a writable stdout; without its result the exit code is 2",
    )


def discard_stdout() -> None:
    """Point stdout at ``os.devnull`` (what is buffered is dropped, the flush at exit
    succeeds); nothing if that is impossible too."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        if devnull != 1:  # fd 1 closed at start: os.open took it
            os.dup2(devnull, 1)
            os.close(devnull)
    except OSError:
        pass


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False


class Stdin:
    """One input stream, text or binary, and whether a person is typing into it."""

    def __init__(self, stream: IO[Any] | None, *, tty: bool | None = None) -> None:
        self.stream = stream
        self.tty = _isatty(stream) if tty is None else tty

    @classmethod
    def from_process(cls) -> Stdin:
        """The process's stdin (``None`` when it was closed at start)."""
        return cls(sys.stdin)

    @classmethod
    def of(cls, data: str | bytes, *, tty: bool = False) -> Stdin:
        """Stdin holding ``data`` (for tests and callers that already have the input)."""
        raw = data.encode() if isinstance(data, str) else data
        return cls(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"), tty=tty)

    def read_bytes(self, limit: int | None = None) -> bytes | None:
        """All of stdin, undecoded; ``None`` if there is none or a person would type it.

        With ``limit``, at most ``limit + 1`` bytes are read: a longer result means
        stdin held more than ``limit``."""
        if self.stream is None or self.tty:
            return None
        size = -1 if limit is None else limit + 1
        buffer = getattr(self.stream, "buffer", None)
        if buffer is not None:
            return bytes(buffer.read(size))
        data = self.stream.read(size)
        return data if isinstance(data, bytes) else str(data).encode("utf-8")

    def read_text(self) -> str:
        """All of stdin as text ("" if there is none)."""
        if self.stream is None:
            return ""
        data = self.stream.read()
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)

    def readline(self) -> str:
        """One line of stdin as text ("" at the end, or if there is none)."""
        if self.stream is None:
            return ""
        line = self.stream.readline()
        return line.decode("utf-8", "replace") if isinstance(line, bytes) else str(line)
