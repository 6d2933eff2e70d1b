"""The console-script entry point.

``verify-signature`` and ``sign`` run in CI scripts and must start fast, so
they are parsed here by hand (argparse and Typer cost start-up time) and run
with the standard library only. Every other command, and ``--help`` of these
two, goes to the Typer app, which documents the same options; tests check that
both paths give the same output and exit codes. ``--version`` and the ``--help``
of the root and of each command group are answered here too, from text files
that scripts/gen_docs.py generates from the Typer app (a test checks they are
current): building the command tree costs more than the rest of start-up.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # `typing` costs ~8 ms of a ~20 ms start in a regular install
if TYPE_CHECKING:
    from typing import Any

_OK = 0  # ExitStatus.OK, spelled out so --help and --version need not import enum
FAST = ("verify-signature", "sign")
GROUPS = ("hooks", "events", "failover", "config", "sandbox", "completion")  # help-<group>.txt
_VALUE = {"--body", "--signature", "--request", "--save-body", "--profile", "-p"}
_REPEAT = {"--secret-env", "--secret-file"}
_FLAGS = {"--json", "--base64", "--explain"}  # verify-signature only
_SIGN_FLAGS = {"--allow-empty"}  # sign only


def _usage(command: str, message: str) -> None:
    from hookctl.base.errors import ExitStatus

    print(f"error: {message}\nhint: see `hookctl {command} --help`", file=sys.stderr)
    raise SystemExit(ExitStatus.USAGE)


def _parse(command: str, args: list[str]) -> dict[str, Any]:
    flags = _FLAGS if command == "verify-signature" else _SIGN_FLAGS
    allowed = _VALUE | _REPEAT | flags
    if command == "sign":
        allowed -= {"--signature", "--request", "--save-body"}
    out: dict[str, Any] = {"--secret-env": [], "--secret-file": []}
    out.update(dict.fromkeys(_FLAGS | _SIGN_FLAGS, False))
    i = 0
    while i < len(args):
        name, eq, inline = args[i].partition("=")
        if name not in allowed:
            _usage(command, f"no such option: {args[i]}")
        if name in flags:
            if out[name]:
                _usage(command, f"{name} is given more than once")
            out[name] = True
            i += 1
            continue
        if eq:
            value, i = inline, i + 1
        elif i + 1 < len(args):
            value, i = args[i + 1], i + 2
        else:
            _usage(command, f"option {name} requires an argument")
        if name in _REPEAT:
            out[name].append(value)
            continue
        key = "--profile" if name == "-p" else name
        if key in out:  # the last would win silently: `--signature BAD --signature GOOD`
            _usage(command, f"{key} is given more than once")
        out[key] = value
    return out


def _fast(argv: list[str]) -> int:
    from hookctl.base.errors import ExitStatus, HookctlError, exit_status
    from hookctl.base.stdio import Stdin
    from hookctl.webhooks.verify import render_result, run_sign, run_verify

    command = argv[0]
    opts = _parse(command, argv[1:])
    try:
        if command == "sign":
            _deliver(
                run_sign(
                    body_path=opts.get("--body"),
                    secret_envs=opts["--secret-env"],
                    secret_files=opts["--secret-file"],
                    profile=opts.get("--profile"),
                    stdin=Stdin.from_process(),
                    allow_empty=bool(opts["--allow-empty"]),
                )
            )
            return ExitStatus.OK
        result = run_verify(
            body_path=opts.get("--body"),
            signature=opts.get("--signature"),
            request_path=opts.get("--request"),
            secret_envs=opts["--secret-env"],
            secret_files=opts["--secret-file"],
            profile=opts.get("--profile"),
            base64_wrapped=opts["--base64"],
            explain=opts["--explain"],
            save_body=opts.get("--save-body"),
            stdin=Stdin.from_process(),
        )
        _deliver(render_result(result, as_json=bool(opts["--json"])))
    except HookctlError as exc:
        from hookctl.base.redact import bounded, redact  # imported only on failure

        message = bounded(redact(exc.message))
        hint = bounded(redact(exc.hint)) if exc.hint else None
        try:
            if opts["--json"]:
                import json

                print(json.dumps({"error": message, "hint": hint}), file=sys.stderr)
            else:
                print(f"error: {message}", file=sys.stderr)
                if hint:
                    print(f"hint: {hint}", file=sys.stderr)
        except (OSError, ValueError, AttributeError):
            pass  # stderr is gone too: the exit code is all that can be said
        return exit_status(exc)
    return ExitStatus.of(bool(result["valid"]))


def _deliver(text: str) -> None:
    """The result on stdout, or exit 2: a verdict nobody received is no verdict."""
    from hookctl.base.errors import UsageError
    from hookctl.base.stdio import unwritable, write_out

    problem = write_out(text, sys.stdout)
    if problem is not None:
        raise UsageError(*unwritable(problem))


def help_file(argv: list[str]) -> str | None:
    """The generated help text that answers ``argv``, if one does."""
    if len(argv) == 1 and argv[0] in ("--help", "-h"):
        return "help.txt"
    if len(argv) == 2 and argv[0] in GROUPS and argv[1] in ("--help", "-h"):
        return f"help-{argv[0]}.txt"
    return None


def main() -> None:
    """Every path (fast ones included) ends quietly with exit 0 when stdout's reader has
    gone (`hookctl events list | head`), like git log."""
    try:
        try:
            _main()
        finally:
            if sys.stdout is not None:  # None: stdout was closed at start
                sys.stdout.flush()
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        from hookctl.base.errors import ExitStatus

        raise SystemExit(ExitStatus.OK) from None


def _main() -> None:
    argv = sys.argv[1:]
    typer_only = bool(os.environ.get("HOOKCTL_NO_FAST_HELP"))  # gen_docs and tests compare
    if argv == ["--version"] and not typer_only:
        from hookctl import __version__

        print(f"hookctl {__version__}")
        raise SystemExit(_OK)
    name = help_file(argv)
    if name is not None and not typer_only:
        # Plain file access: importlib.resources would cost more than the read.
        path = os.path.join(os.path.dirname(__file__), "data", name)
        with open(path, encoding="utf-8") as handle:
            sys.stdout.write(handle.read())
        raise SystemExit(_OK)
    if argv and argv[0] in FAST and not {"-h", "--help"} & set(argv[1:]):
        from hookctl.base.errors import exit_status

        try:
            code = _fast(argv)
        except KeyboardInterrupt as exc:
            code = exit_status(exc)
        raise SystemExit(code)
    if argv[:2] == ["hooks", "list"]:
        from hookctl.quick import hooks_list

        answered = hooks_list(argv)  # None: the Typer command answers (errors, other options)
        if answered is not None:
            raise SystemExit(answered)
    from hookctl.cli import main as cli_main

    cli_main()
