"""Errors that hookctl turns into one-line messages and exit codes.

The layer below the CLI raises these; only ``hookctl.cli`` prints them.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Every exit code hookctl uses (the style guide's rule 7), in one place."""

    OK = 0
    FAILED = 1  # an operation failed: invalid signature, delivery failed, API error
    USAGE = 2  # bad input: a flag, a value, a file, a config
    INTERRUPTED = 130  # Ctrl-C / SIGTERM

    @classmethod
    def of(cls, ok: bool) -> ExitStatus:
        """OK for a success, FAILED otherwise: for commands whose result has a verdict."""
        return cls.OK if ok else cls.FAILED


class HookctlError(Exception):
    """A failure the user should see as ``error: <message>`` plus a hint."""

    exit_code: ExitStatus = ExitStatus.FAILED

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(HookctlError):
    """Bad input: a flag, a value, a file. Exit 2."""

    exit_code = ExitStatus.USAGE


class ConfirmationNeeded(UsageError):
    """A write that must be confirmed, with nobody to ask and no ``--yes``. Exit 2.

    ``plan`` holds the plan's lines (``+``/``~``/``-``), printed on stderr before the
    error (under ``--json``: the error object's ``plan``), so a script's log says what
    would have been written."""

    def __init__(self, message: str, hint: str | None = None, plan: list[str] | None = None):
        super().__init__(message, hint)
        self.plan = list(plan or [])


class ConfigError(UsageError):
    """The config file or the credentials are missing or malformed. Exit 2."""


class ValidationFailed(UsageError):
    """A hook (or other object) breaks Stream's rules. Exit 2."""


class NotFound(HookctlError):
    """A hook, profile or snapshot that does not exist. Exit 1."""


class ApiError(HookctlError):
    """Stream (or the sandbox) answered with an error. Exit 1."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        status: int | None = None,
        code: int | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.status = status
        self.code = code


class ConnectionFailed(HookctlError):
    """The server could not be reached, or stopped answering. Exit 1.

    ``sent``: False when nothing reached the server; True when a request was sent and
    its answer lost (a write may have been applied); None when unknown.
    """

    def __init__(self, message: str, hint: str | None = None, *, sent: bool | None = None):
        super().__init__(message, hint)
        self.sent = sent


class ConflictError(HookctlError):
    """Someone else changed the same hook while we were editing it. Exit 1."""


def exit_status(exc: BaseException) -> ExitStatus:
    """The one mapping from an exception to an exit code, for every entry path."""
    if isinstance(exc, HookctlError):
        return ExitStatus(exc.exit_code)
    if isinstance(exc, KeyboardInterrupt):
        return ExitStatus.INTERRUPTED
    return ExitStatus.FAILED
