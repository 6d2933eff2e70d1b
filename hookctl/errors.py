"""Errors that hookctl turns into one-line messages and exit codes.

The layer below the CLI raises these; only ``hookctl.cli`` prints them.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class HookctlError(Exception):
    """A failure the user should see as ``error: <message>`` plus a hint."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(HookctlError):
    """Bad input: a flag, a value, a file. Exit 2."""

    exit_code = EXIT_USAGE


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
    """The server could not be reached. Exit 1."""


class ConflictError(HookctlError):
    """Someone else changed the same hook while we were editing it. Exit 1."""


def require_env(var: str, hint: str | None = None) -> str:
    """The value of environment variable ``var``, or a UsageError naming it."""
    import os

    value = os.environ.get(var, "")
    if not value:
        raise UsageError(
            f"environment variable {var} is not set or empty", hint or f"export {var}=... first"
        )
    return value
