"""The Typer layer: parse options, call one function below, render the result."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer._click.exceptions import BadParameter, NoSuchOption
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperGroup

from hookctl import __version__
from hookctl.base.errors import ExitStatus, HookctlError, exit_status
from hookctl.cli import options as O
from hookctl.cli.context import AppContext, app_context
from hookctl.cli.output import Console


def quiet_broken_pipe() -> None:
    """End quietly when stdout's reader has gone: exit 0, no traceback on flush at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    raise SystemExit(ExitStatus.OK)


JSON_FLAGS = frozenset({"--json", "--jsonl"})


class HookctlGroup(TyperGroup):
    """Maps hookctl's errors to one-line messages and exit codes, for every command."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from hookctl.cli.helptext import apply
        from hookctl.cli.strict import harden

        apply(self)  # examples as preformatted lines: never wrapped inside a token
        harden(self)  # repeated, empty and non-ASCII-number values: exit 2 (cli/strict.py)

    def get_params(self, ctx: Any) -> Any:
        params = super().get_params(ctx)
        for param in params:
            # one way to install completions, the `completion` group: Typer's own two
            # options (added after __init__) keep working but are not advertised
            if param.name in ("install_completion", "show_completion"):
                param.hidden = True  # type: ignore[attr-defined]
        return params

    def make_context(self, info_name: Any, args: list[str], *a: Any, **kw: Any) -> Any:
        # Root-level usage errors (`hookctl --bogus --json`) happen here, before invoke.
        json_errors = bool(JSON_FLAGS & set(args))
        try:
            return super().make_context(info_name, args, *a, **kw)
        except ClickUsageError as exc:
            if not json_errors and not isinstance(exc, BadParameter):
                raise
            console = Console.from_environment()
            console.json_errors = json_errors
            option = getattr(exc, "option_name", None)
            hint = (
                f"{option} goes after the command: hookctl COMMAND … {option}"
                if option in JSON_FLAGS
                else "see `hookctl --help`"
            )
            console.error(*_bad_value(exc, "hookctl") or (exc.format_message(), hint))
            raise typer.Exit(ExitStatus.USAGE) from None

    def invoke(self, ctx: Any) -> Any:
        # The output contract: with --json (or --jsonl), errors are JSON on stderr too.
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        ctx.meta["hookctl.json_errors"] = bool(JSON_FLAGS & set(rest))
        try:
            return super().invoke(ctx)
        except HookctlError as exc:
            _console(ctx).error(exc.message, exc.hint, getattr(exc, "plan", ()))
            raise typer.Exit(exit_status(exc)) from None
        except KeyboardInterrupt as exc:
            _console(ctx).error("interrupted")
            raise typer.Exit(exit_status(exc)) from None
        except ClickUsageError as exc:
            if not _usage_error(ctx, exc):
                raise
            raise typer.Exit(ExitStatus.USAGE) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except BrokenPipeError:
            quiet_broken_pipe()  # the reader went away (`| head`): like git log, exit 0
        except Exception as exc:
            from hookctl.base.validate import bad_input

            known = bad_input(exc)  # what a hostile value or file does: bad input, not a bug
            if known is not None:
                _console(ctx).error(*known)
                raise typer.Exit(ExitStatus.USAGE) from None
            obj = ctx.find_root().obj
            if isinstance(obj, AppContext) and obj.debug:
                import traceback

                obj.console.talk("".join(traceback.format_exception(exc)).rstrip())
                raise typer.Exit(exit_status(exc)) from None
            _console(ctx).error(
                f"unexpected failure: {type(exc).__name__}: {exc}",
                "run again with --debug for the traceback, and report it",
            )
            raise typer.Exit(exit_status(exc)) from None
        finally:
            obj = ctx.find_root().obj
            if isinstance(obj, AppContext):
                obj.close()


def _usage_error(ctx: Any, exc: ClickUsageError) -> bool:
    """Render a usage error ourselves when we can say more than Click: a global option
    given after the command (say where it goes), or any usage error under --json (the
    JSON error object). False: let Click print its usual usage text."""
    hint = None
    option = getattr(exc, "option_name", None)
    where = exc.ctx.command_path if exc.ctx is not None else "hookctl COMMAND"
    if isinstance(exc, NoSuchOption) and option:
        globals_ = {o for p in ctx.command.params for o in [*p.opts, *p.secondary_opts]}
        if option in globals_:
            rest = where.removeprefix("hookctl").strip()
            hint = f"global options go before the command: hookctl {option} … {rest} …"
    bad = _bad_value(exc, where) or _no_such_command(exc, where)
    if hint is None and bad is None and not ctx.meta.get("hookctl.json_errors"):
        return False
    if hint is None:
        hint = f"see `{where} --help`"
    console = _console(ctx)
    if ctx.meta.get("hookctl.json_errors"):
        console.json_errors = True  # also before the root callback built the AppContext
    console.error(*bad or (exc.format_message(), hint))
    return True


def _no_such_command(exc: ClickUsageError, where: str) -> tuple[str, str] | None:
    """``hookctl bogus``: hookctl's one-line error, with Typer's guess as the hint."""
    message = exc.format_message()
    if not message.startswith("No such command"):
        return None
    what, _, guess = message.partition(". Did you mean ")
    lists = f"`{where} --help` lists the commands"
    return what.rstrip("."), (f"did you mean {guess.rstrip('?')}? {lists}" if guess else lists)


def _bad_value(exc: ClickUsageError, where: str) -> tuple[str, str] | None:
    """An option's bad value (ours or Typer's pydantic check) as hookctl's one message."""
    from hookctl.base.badvalue import BadValue, bad_value
    from hookctl.cli.strict import StrictValue

    if isinstance(exc, StrictValue):
        return exc.hookctl_message, exc.hookctl_hint
    param = getattr(exc, "param", None)
    if not isinstance(exc, BadParameter) or param is None or not getattr(param, "opts", None):
        return None
    errors = getattr(exc.__cause__, "errors", None)
    first: dict[str, Any] = errors(include_url=False)[0] if callable(errors) else {}
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    bad = BadValue(
        option=max(param.opts, key=len),
        message=str(exc.message),
        kind=first.get("type"),
        given=first.get("input"),
        low=getattr(param, "min", None),
        high=getattr(param, "max", None),
        number="whole number" if annotation in (int, int | None) else "number",
    )
    return bad_value(bad, where)


def _console(ctx: Any) -> Console:
    obj = ctx.find_root().obj
    return obj.console if isinstance(obj, AppContext) else Console.from_environment()


def _new_app() -> typer.Typer:
    return typer.Typer(
        cls=HookctlGroup,
        name="hookctl",
        help="Manage Stream event hooks safely: webhooks, SQS, SNS, pending-message hooks, "
        "GCS failover and replay.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )


app = _new_app()


def _version(value: bool) -> None:
    if value:
        print(f"hookctl {__version__}")
        raise typer.Exit(ExitStatus.OK)


def root(
    ctx: typer.Context,
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            "-p",
            help="Profile from the config file. [env var: HOOKCTL_PROFILE]",
            autocompletion=_profiles,
        ),
    ] = None,
    api_key: Annotated[
        str | None, typer.Option("--api-key", help="Stream API key. [env var: STREAM_API_KEY]")
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Stream API base URL. [env var: STREAM_BASE_URL]"),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            parser=O.TIMEOUT,
            help="Seconds each network call may take, retries included (Stream API, GCS, "
            "token); 0.1 to 3600, default 10. [env var: HOOKCTL_TIMEOUT]",
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Log each API request and its status on stderr (no secrets)."
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only print data and errors.")
    ] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="Never colour output. [env var: NO_COLOR]")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of unexpected failures.")
    ] = False,
    force_v2: Annotated[
        bool,
        typer.Option(
            "--force-v2",
            help="Write event_hooks even to an app not yet on hooks v2 (legacy webhook settings).",
        ),
    ] = False,
    version: Annotated[  # noqa: ARG001 (its eager callback prints and exits)
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Safe command-line management of Stream event hooks.

    The secret is never taken from the command line: set STREAM_API_SECRET or
    store it in a profile (`hookctl config add`).

    Example: hookctl hooks list --json
    """
    console = Console.from_environment(no_color=no_color, quiet=quiet)
    console.json_errors = bool(ctx.meta.get("hookctl.json_errors"))
    from hookctl.config.envvars import remember_env_secret

    remember_env_secret()
    ctx.obj = AppContext(
        console,
        api_key=api_key,
        base_url=base_url,
        profile=profile,
        flag_timeout=timeout,
        verbose=verbose,
        debug=debug,
        force_v2=force_v2,
    )


def _profiles(incomplete: str) -> list[str]:
    from hookctl.cli.completion import profile_names

    return profile_names(incomplete)


def _wire() -> dict[str, Any]:
    """Attach the sub-commands that live in other modules (once), and return every
    top-level command by name: a Typer sub-app or a function."""
    from hookctl.cli import (
        completion,
        config,
        demo,
        events,
        failover,
        hooks,
        listen,
        ping,
        sandbox,
        signature,
        trigger,
    )

    return {
        "verify-signature": signature.verify_signature,
        "sign": signature.sign_body,
        "ping": ping.ping,
        "trigger": trigger.trigger,
        "listen": listen.listen,
        "demo": demo.demo,
        "hooks": hooks.app,
        "events": events.app,
        "failover": failover.app,
        "config": config.app,
        "sandbox": sandbox.app,
        "completion": completion.app,
    }


COMMANDS = _wire()


def build(only: str | None = None) -> typer.Typer:
    """The root app with every command, or with just ``only``: Typer inspects every
    command's signature when it builds the tree (~90 ms for all of them), so a run
    of one command builds only that command's branch."""
    target = _new_app()
    target.callback()(root)
    for name, thing in COMMANDS.items():
        if only is not None and name != only:
            continue
        if isinstance(thing, typer.Typer):
            target.add_typer(thing, name=name)
        else:
            target.command(name)(thing)
    return target


app = build()
_VALUE_OPTIONS = {"--profile", "-p", "--api-key", "--base-url", "--timeout"}


def command_name(argv: list[str]) -> str | None:
    """The top-level command in ``argv`` (global options skipped), if it is one of ours."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _VALUE_OPTIONS:
            skip = True
        elif arg.startswith("-"):
            if arg in ("-h", "--help", "--version"):
                return None
        else:
            return arg if arg in COMMANDS else None
    return None


def main() -> None:
    """Console-script entry point."""
    name = None if "_HOOKCTL_COMPLETE" in os.environ else command_name(sys.argv[1:])
    try:
        try:
            (app if name is None else build(name))(prog_name="hookctl")
        finally:
            if sys.stdout is not None:  # None: stdout was closed at start
                sys.stdout.flush()  # a closed reader shows here, not at interpreter exit
    except KeyboardInterrupt as exc:
        print("error: interrupted", file=sys.stderr)
        sys.exit(exit_status(exc))
    except BrokenPipeError:
        quiet_broken_pipe()


__all__ = ["app", "app_context", "main"]
