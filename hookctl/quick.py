"""``hooks list --json`` / ``--jsonl`` without Typer, pydantic or httpx (fast start-up).

Scripts call ``hookctl hooks list --json`` in loops; through the Typer app it
pays ~150 ms of imports (Typer, pydantic via ``typer._adapters``, httpx) before
the one GET it needs. This path answers the plain success case with the
standard library: same settings, same request headers, same JSON and the same
side effect (the hook-id cache for Tab completion). Anything else — another
option, a global option, missing credentials, any HTTP or network error —
returns ``None`` and the Typer command answers it (a GET is safe to repeat), so
every message, retry and exit code stays in one place. Tests compare both paths.
"""

from __future__ import annotations

import json
import sys

from hookctl import __version__

_FLAGS = {"--json", "--jsonl", "--show-secrets"}


def parse(argv: list[str]) -> dict[str, str | bool] | None:
    """Options of ``hooks list`` when this path can answer ``argv``; else None."""
    if argv[:2] != ["hooks", "list"]:
        return None
    opts: dict[str, str | bool] = {}
    rest = argv[2:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg in _FLAGS:
            opts[arg] = True
        elif arg.startswith("--type="):
            opts["--type"] = arg.partition("=")[2]
        elif arg == "--type" and i + 1 < len(rest) and not rest[i + 1].startswith("-"):
            opts["--type"] = rest[i + 1]
            i += 1
        else:
            return None
        i += 1
    if not ({"--json", "--jsonl"} & opts.keys()):
        return None  # the table needs rich: Typer's path
    return opts


def hooks_list(argv: list[str]) -> int | None:
    """Print the hooks like ``hookctl hooks list --json``; None: let the Typer app answer."""
    opts = parse(argv)
    if opts is None:
        return None
    from hookctl.hooks.show import LIST_TYPES

    wanted = opts.get("--type")
    if isinstance(wanted, str) and wanted.replace("-", "_") not in LIST_TYPES:
        return None  # an unknown type: the Typer command says so (exit 2)
    hooks = _fetch_hooks()
    if hooks is None:
        return None
    from hookctl.base.plaintext import json_text
    from hookctl.base.validate import encodable
    from hookctl.hooks.idcache import remember_hooks
    from hookctl.hooks.show import mask_hook

    remember_hooks(hooks)
    if isinstance(wanted, str) and wanted:
        hooks = [h for h in hooks if h.get("hook_type") == wanted.replace("-", "_")]
    from hookctl.base.redact import mask_passwords  # the Console's rule, on this path too

    shown = hooks if opts.get("--show-secrets") else mask_passwords([mask_hook(h) for h in hooks])
    encoding = getattr(sys.stdout, "encoding", None)  # as the Console prints
    if opts.get("--jsonl"):
        for hook in shown:
            print(encodable(json_text(hook, indent=None), encoding))
    else:
        print(encodable(json_text(shown), encoding))
    sys.stdout.flush()
    return 0


def _fetch_hooks() -> list[dict[str, object]] | None:
    from hookctl.base.errors import HookctlError
    from hookctl.config.settings import resolve

    try:
        settings = resolve()
    except HookctlError:
        return None
    if not settings.api_key or not settings.api_secret:
        return None
    import http.client
    from urllib.parse import quote, urlsplit

    from hookctl.base.validate import url_problem
    from hookctl.webhooks.signing import server_token

    if url_problem(settings.base_url):
        return None
    url = urlsplit(settings.base_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        return None
    connection_class = (
        http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(url.hostname, url.port, timeout=settings.timeout)
    path = f"{url.path.rstrip('/')}/api/v2/app?api_key={quote(settings.api_key, safe='')}"
    headers = {
        "Authorization": server_token(settings.api_secret),
        "stream-auth-type": "jwt",
        "X-Stream-Client": f"hookctl-{__version__}",
        "User-Agent": f"hookctl/{__version__}",
        "Accept": "application/json",
    }
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        if response.status != 200:
            return None
        body = json.loads(response.read())
    except (OSError, ValueError, http.client.HTTPException):
        return None
    finally:
        connection.close()
    app = body.get("app") if isinstance(body, dict) else None
    if isinstance(app, dict):
        from hookctl.hooks.legacy import is_legacy

        if is_legacy(app):
            return None  # the Typer command shows the legacy settings' warning
    hooks = app.get("event_hooks") or [] if isinstance(app, dict) else None
    if not isinstance(hooks, list):
        return None
    return hooks
