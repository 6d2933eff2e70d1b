"""Standard input, owned by the Console (``hookctl.cli.output``).

Like httpie's ``Environment.stdin``: every read of stdin (a body to verify, a
secret with ``--secret-stdin``, a key with ``--credentials -``, a "y" to a
prompt) goes through one ``Stdin`` object, which the Console holds and tests
replace with one over ``io.StringIO``/``io.BytesIO``. Standard library only, so
the Typer-free fast path of ``verify-signature`` uses it too.
"""

from __future__ import annotations

import io
import sys

# No `typing` at run time: verify-signature's fast path imports this module.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Any


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

    def read_bytes(self) -> bytes | None:
        """All of stdin, undecoded; ``None`` if there is none or a person would type it."""
        if self.stream is None or self.tty:
            return None
        buffer = getattr(self.stream, "buffer", None)
        if buffer is not None:
            return bytes(buffer.read())
        data = self.stream.read()
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
