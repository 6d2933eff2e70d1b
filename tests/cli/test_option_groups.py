"""`@grouped`: options shared by several verbs, declared once as a dataclass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer
from typer.testing import CliRunner

from hookctl.cli.options import grouped


@dataclass
class Window:
    since: Annotated[str | None, typer.Option("--since", help="Start.")] = None
    limit: Annotated[int, typer.Option("--limit", help="At most.")] = 3


def _app(seen: list[object]) -> typer.Typer:
    app = typer.Typer()

    @app.command()
    @grouped
    def run(
        name: Annotated[str, typer.Argument(help="Who.")],
        *,
        window: Window,
        loud: Annotated[bool, typer.Option("--loud", help="Shout.")] = False,
    ) -> None:
        """Run it."""
        seen.append((name, window, loud))

    return app


def test_the_group_arrives_as_one_instance_with_parsed_values() -> None:
    seen: list[object] = []
    result = CliRunner().invoke(_app(seen), ["bob", "--limit", "7", "--loud"])
    assert result.exit_code == 0, result.output
    assert seen == [("bob", Window(since=None, limit=7), True)]


def test_the_group_fields_are_options_in_their_place_with_their_help() -> None:
    result = CliRunner().invoke(_app([]), ["--help"])
    text = result.output
    assert text.index("--since") < text.index("--limit") < text.index("--loud")
    assert "At most." in text
    bad = CliRunner().invoke(_app([]), ["bob", "--limit", "x"])
    assert bad.exit_code == 2  # Typer still parses and checks the field's type


def test_hooks_add_and_update_share_the_aws_options() -> None:
    from hookctl.cli.hooks.add import add_sns
    from hookctl.cli.hooks.update import update

    aws = ["key", "secret_env", "secret_stdin", "role_arn", "region"]
    for command in (add_sns, update):
        names = list(command.__signature__.parameters)  # type: ignore[attr-defined]
        start = names.index("key")
        assert names[start : start + len(aws)] == aws
