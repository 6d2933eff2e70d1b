"""Reading environment variables: the leaf under ``hookctl.settings``.

``settings.py`` decides precedence (flag > env > profile > default) for every
setting; the few reads that fast paths need without importing it (dataclasses,
pathlib and typing cost milliseconds ``verify-signature`` does not have) live
here. Standard library only, no ``typing`` at run time. No other module reads
the environment for a setting.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def secret_from_env(env: Mapping[str, str] | None = None) -> str | None:
    """``STREAM_API_SECRET``, for ``verify-signature``'s fast path (no config file read)."""
    return (os.environ if env is None else env).get("STREAM_API_SECRET") or None


def require_env(var: str, hint: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The value of the environment variable the user named (``--secret-env VAR``,
    ``--credentials-env VAR``), or a UsageError naming it."""
    from hookctl.errors import UsageError

    value = (os.environ if env is None else env).get(var, "")
    if not value:
        raise UsageError(
            f"environment variable {var} is not set or empty", hint or f"export {var}=... first"
        )
    return value
