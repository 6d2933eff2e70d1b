"""``hookctl config …``: named profiles in the config file (created 0600)."""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.cli import options as O
from hookctl.cli.common import read_secret
from hookctl.cli.context import app_context

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
    from hookctl.config.profiles import add_profile

    actx = app_context(ctx)
    saved = add_profile(
        name,
        api_key=api_key,
        base_url=base_url,
        secret=lambda: read_secret(
            actx, env_var=secret_env, from_stdin=secret_stdin, label="API secret"
        ),
        default=default,
        force=force,
    )
    actx.console.success(saved)


@app.command("list")
def list_profiles(ctx: typer.Context, as_json: O.Json = False) -> None:
    """List profiles (secrets masked).

    Example: hookctl config list
    """
    from hookctl.config.profiles import profile_rows

    actx = app_context(ctx)
    rows = profile_rows()
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
    from hookctl.config.profiles import profile_view, settings_json

    actx = app_context(ctx)
    actx.console.show_secrets = show_secrets
    if name is not None:
        data = profile_view(name, show_secrets=show_secrets)
        if as_json:
            actx.console.json(data)
        else:
            actx.console.fields(list(data.items()))
        return
    settings = actx.settings()
    if as_json:
        actx.console.json(settings_json(settings, sources=sources, show_secrets=show_secrets))
        return
    rows = settings.rows(show_secrets=show_secrets)
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
    from hookctl.config.profiles import use_profile

    use_profile(name)
    app_context(ctx).console.success(f"default profile is now {name}")


@app.command("remove")
def remove(ctx: typer.Context, name: Name, yes: O.Yes = False) -> None:
    """Remove a profile.

    Example: hookctl config remove old-app --yes
    """
    from hookctl.config.profiles import remove_profile

    actx = app_context(ctx)
    remove_profile(
        name, lambda: actx.console.require_confirmation(f"Remove profile {name}?", yes=yes)
    )
    actx.console.success(f"removed profile {name}")


@app.command("path")
def path(ctx: typer.Context, as_json: O.Json = False) -> None:
    """Print the config file's path.

    Example: hookctl config path
    """
    from hookctl.config.profiles import config_file

    console = app_context(ctx).console
    where, exists = config_file()
    if as_json:
        console.json({"path": str(where), "exists": exists})
    else:
        console.line(str(where))
