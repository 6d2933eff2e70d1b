"""``hookctl config …``: named profiles in the config file (created 0600)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hookctl.cli import options as O
from hookctl.cli.common import read_secret
from hookctl.cli.context import app_context
from hookctl.errors import UsageError

app = typer.Typer(
    help="Manage profiles: API key, secret and base URL per Stream app.", no_args_is_help=True
)
Name = Annotated[str, typer.Argument(help="Profile name.")]


@app.command("add")
def add(
    ctx: typer.Context,
    name: Name,
    api_key: Annotated[str, typer.Option("--api-key", help="The app's API key.")],
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="API base URL (default: Stream's).")
    ] = None,
    secret_env: O.SecretEnv = None,
    secret_stdin: O.SecretStdin = False,
    default: Annotated[
        bool, typer.Option("--default", help="Make it the default profile.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing profile.")] = False,
) -> None:
    """Add a profile; the secret is prompted, or read with --secret-env / --secret-stdin.

    Example: STREAM_SECRET=... hookctl config add prod --api-key abc123 --secret-env STREAM_SECRET
    """
    from hookctl.settings import PROFILE_NAME, Profile, load_config
    from hookctl.validate import check_profile_values

    actx = app_context(ctx)
    check_profile_values(api_key=api_key, base_url=base_url)
    if not PROFILE_NAME.match(name):
        raise UsageError(
            f"profile name {name!r} is not allowed",
            "use letters, digits, '.', '_' or '-' (up to 64)",
        )
    config = load_config()
    if name in config.profiles and not force:
        raise UsageError(f"profile {name!r} already exists", "pass --force to replace it")
    secret = read_secret(actx, env_var=secret_env, from_stdin=secret_stdin, label="API secret")
    config.profiles[name] = Profile(
        name, api_key, secret, base_url.rstrip("/") if base_url else None
    )
    if default or not config.default_profile:
        config.default_profile = name
    config.save()
    actx.console.success(
        f"saved profile {name} to {config.path}"
        + (" (default)" if config.default_profile == name else "")
    )


@app.command("list")
def list_profiles(ctx: typer.Context, as_json: O.Json = False) -> None:
    """List profiles (secrets masked).

    Example: hookctl config list
    """
    from hookctl.settings import DEFAULT_BASE_URL, load_config, mask

    actx = app_context(ctx)
    config = load_config()
    rows = [
        {
            "name": p.name,
            "default": p.name == config.default_profile,
            "api_key": p.api_key,
            "api_secret": mask(p.api_secret),
            "base_url": p.base_url or DEFAULT_BASE_URL,
        }
        for p in config.profiles.values()
    ]
    if as_json:
        actx.console.json(rows)
        return
    actx.console.table(
        ["name", "default", "api_key", "api_secret", "base_url"],
        [
            [r["name"], "*" if r["default"] else "", r["api_key"], r["api_secret"], r["base_url"]]
            for r in rows
        ],
    )


@app.command("show")
def show(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="Profile (default: the settings in effect).")
    ] = None,
    sources: Annotated[
        bool, typer.Option("--sources", help="Say where each setting comes from.")
    ] = False,
    as_json: O.Json = False,
    show_secrets: O.ShowSecrets = False,
) -> None:
    """Show a profile, or every setting in effect (with --sources: where each comes from).

    Example: hookctl config show --sources
    """
    from hookctl.settings import load_config, mask

    actx = app_context(ctx)

    def secret(value: str | None) -> str | None:
        return value if show_secrets else (mask(value) if value else None)

    if name is not None:
        prof = load_config().profile(name)
        data = {
            "name": prof.name,
            "api_key": prof.api_key,
            "api_secret": secret(prof.api_secret),
            "base_url": prof.base_url,
            "lock_url": prof.lock_url,
        }
        if as_json:
            actx.console.json(data)
        else:
            actx.console.fields(list(data.items()))
        return
    settings = actx.settings()
    rows = settings.rows(show_secrets=show_secrets)
    if as_json:
        values: dict[str, Any] = {name: value for name, value, _ in rows}
        values["timeout"] = settings.timeout
        values["settle_seconds"] = settings.settle_seconds
        actx.console.json(
            {
                name: {"value": values[name], "source": source or None} if sources else values[name]
                for name, _, source in rows
            }
        )
        return
    if sources:
        actx.console.table(
            ["setting", "value", "source"],
            [[name, value or "", source or "(not set)"] for name, value, source in rows],
        )
    else:
        actx.console.fields([(name, value) for name, value, _ in rows])


@app.command("use")
def use(ctx: typer.Context, name: Name) -> None:
    """Make a profile the default.

    Example: hookctl config use staging
    """
    from hookctl.settings import load_config

    config = load_config()
    config.profile(name)
    config.default_profile = name
    config.save()
    app_context(ctx).console.success(f"default profile is now {name}")


@app.command("remove")
def remove(ctx: typer.Context, name: Name, yes: O.Yes = False) -> None:
    """Remove a profile.

    Example: hookctl config remove old-app --yes
    """
    from hookctl.settings import load_config

    actx = app_context(ctx)
    config = load_config()
    config.profile(name)
    actx.console.require_confirmation(f"Remove profile {name}?", yes=yes)
    del config.profiles[name]
    if config.default_profile == name:
        config.default_profile = next(iter(sorted(config.profiles)), None)
    config.save()
    actx.console.success(f"removed profile {name}")


@app.command("path")
def path(ctx: typer.Context, as_json: O.Json = False) -> None:
    """Print the config file's path.

    Example: hookctl config path
    """
    from hookctl.settings import config_path

    console = app_context(ctx).console
    if as_json:
        console.json({"path": str(config_path()), "exists": config_path().exists()})
    else:
        console.line(str(config_path()))
