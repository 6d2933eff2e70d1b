"""A webhook URL's userinfo password in a hook file (``https://user:pass@host/``).

Export never writes the password: the URL keeps its masked form (as ``hooks show``
prints it, ``user:********@``) and the password becomes a secret of its own,
``webhook_url_password = "env:VAR"``, resolved like every other secret reference.
Reading the file puts it back into the URL. A masked URL without the reference, or
a literal password in a file (without ``--allow-inline-secrets``), is refused.
Pure functions over hook dicts.
"""

from __future__ import annotations

from typing import Any

from hookctl.base.errors import ValidationFailed
from hookctl.base.redact import MASK, fill_url_password, mask_url_password, split_url_password

FIELD = "webhook_url_password"
PATH = (FIELD,)
UNSET = "unset-secret-not-compared"  # hookfile.UNSET: the variable is unset (diff only)


def split(hook: dict[str, Any]) -> dict[str, Any]:
    """``hook`` with a URL password moved to ``webhook_url_password`` (in place)."""
    url = hook.get("webhook_url")
    if isinstance(url, str):
        masked, password = split_url_password(url)
        if password is not None:
            hook["webhook_url"] = masked
            hook[FIELD] = password
    return hook


def join(data: dict[str, Any], where: str, allow_inline: bool, ref: str | None = None) -> None:
    """Put a resolved ``webhook_url_password`` back into the URL of a file hook (in place).

    The reference (``ref``, ``env:VAR``/``file:PATH``) holds the password as written in
    the URL, percent-encoded; a value a URL cannot carry as written is refused, naming
    ``ref`` but never the value. An unset variable (``UNSET``) leaves the URL masked:
    ``keep_live`` compares it."""
    url = data.get("webhook_url")
    password = data.get(FIELD)
    if password is None:
        if isinstance(url, str) and f":{MASK}@" in url:
            raise ValidationFailed(
                f"{where}: webhook_url's password is masked",
                f'add {FIELD} = "env:VAR" (the password as written in the URL) beside it',
            )
        if isinstance(url, str) and not allow_inline and split_url_password(url)[1] is not None:
            raise ValidationFailed(
                f"{where}: webhook_url holds a literal password",
                f'write it as user:{MASK}@ and add {FIELD} = "env:VAR" so the password stays '
                "out of git (or pass --allow-inline-secrets)",
            )
        return
    filled = fill_url_password(url, password) if isinstance(url, str) else None
    if filled is None:
        raise ValidationFailed(
            f"{where}: {FIELD} is set but webhook_url has no user:{MASK}@ to put it in",
            f"write the URL as https://user:{MASK}@host/… or drop {FIELD}",
        )
    del data[FIELD]
    if password != UNSET:
        _check_encoded(password, where, ref or FIELD)
        data["webhook_url"] = filled


def _check_encoded(password: Any, where: str, ref: str) -> None:
    from hookctl.base.validate import userinfo_problem

    if not isinstance(password, str) or userinfo_problem(password):
        raise ValidationFailed(
            f"{where}: the URL password from {ref} has a character that must be "
            "percent-encoded (the value is the password as written in the URL)",
            f"give {ref} the password percent-encoded: @ as %40, / as %2F, ? as %3F, # as %23, "
            "% as %25; nothing was changed",
        )


def keep_live(desired: dict[str, Any], live: dict[str, Any] | None) -> None:
    """A password whose variable is unset: keep the live URL when only its password differs."""
    live_url = live.get("webhook_url") if live is not None else None
    if isinstance(live_url, str) and mask_url_password(live_url) == desired.get("webhook_url"):
        desired["webhook_url"] = live_url
