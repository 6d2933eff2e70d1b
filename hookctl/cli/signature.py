"""``hookctl verify-signature`` and ``hookctl sign`` (the documented interface).

At run time the entry point usually handles these two without importing Typer
(see ``hookctl.entry``); this module provides their help and the same
behaviour when global options come first.
"""

from __future__ import annotations

from typing import Annotated

import typer

from hookctl.base.errors import ExitStatus
from hookctl.cli import options as O
from hookctl.cli.context import app_context

Body = Annotated[
    str | None, typer.Option("--body", help="File with the raw body (default: stdin).")
]
SecretEnvs = Annotated[
    list[str] | None,
    typer.Option(
        "--secret-env",
        metavar="VAR",
        help="Env var holding the API secret; repeat (or put one secret per line) for rotation.",
    ),
]
SecretFiles = Annotated[
    list[str] | None,
    typer.Option("--secret-file", metavar="FILE", help="File holding the API secret; repeatable."),
]


def verify_signature(
    ctx: typer.Context,
    body: Body = None,
    signature: Annotated[
        str | None, typer.Option("--signature", help="The X-Signature value to check.")
    ] = None,
    request: Annotated[
        str | None,
        typer.Option(
            "--request",
            help="A raw HTTP request file (headers + body); the X-Signature header "
            "is read from it.",
        ),
    ] = None,
    secret_env: SecretEnvs = None,
    secret_file: SecretFiles = None,
    base64_wrapped: Annotated[
        bool,
        typer.Option(
            "--base64",
            help="The body is an SQS/SNS message body: base64 of (gzipped) JSON; an SNS "
            "notification envelope is unwrapped.",
        ),
    ] = False,
    save_body: Annotated[
        str | None,
        typer.Option(
            "--save-body",
            metavar="FILE",
            help="Write the body that was checked (a gzip body: its uncompressed JSON) to FILE.",
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="When the check fails, try the likely causes (another secret, a newline, "
            "CRLF, a BOM, compression, re-serialised JSON, a mangled signature) and say "
            "which fits.",
        ),
    ] = False,
    as_json: O.Json = False,
) -> None:
    """Check an X-Signature against a raw body: exit 0 valid, 1 invalid, 2 usage error.

    The secret comes from --secret-env / --secret-file, else STREAM_API_SECRET, else the
    profile; never from the command line. A gzip body (compressed webhooks) is checked
    over its uncompressed bytes, which is what Stream signs.

    Example: hookctl verify-signature --body body.json --signature "$SIG" --explain
    """
    from hookctl.webhooks.verify import render_result, run_verify

    actx = app_context(ctx)
    actx.console.json_errors = as_json
    result = run_verify(
        body_path=body,
        signature=signature,
        request_path=request,
        secret_envs=secret_env or [],
        secret_files=secret_file or [],
        profile=actx.profile,
        base64_wrapped=base64_wrapped,
        explain=explain,
        save_body=save_body,
        stdin=actx.console.stdin,
    )
    actx.console.result(render_result(result, as_json=as_json))
    raise typer.Exit(ExitStatus.of(bool(result["valid"])))


def sign_body(
    ctx: typer.Context,
    body: Body = None,
    secret_env: SecretEnvs = None,
    secret_file: SecretFiles = None,
    allow_empty: Annotated[
        bool,
        typer.Option(
            "--allow-empty",
            help="Sign an empty (or whitespace-only) body too; Stream never sends one, "
            "so without this flag it is a usage error (exit 2).",
        ),
    ] = False,
) -> None:
    """Print the X-Signature Stream would send for a body.

    Example: hookctl sign --body body.json
    """
    from hookctl.webhooks.verify import run_sign

    actx = app_context(ctx)
    actx.console.result(
        run_sign(
            body_path=body,
            secret_envs=secret_env or [],
            secret_files=secret_file or [],
            profile=actx.profile,
            stdin=actx.console.stdin,
            allow_empty=allow_empty,
        )
    )
