"""The Console: confirmation on a terminal, refusal without one."""

from __future__ import annotations

import io

import pytest

from hookctl.cli.output import Console
from hookctl.errors import UsageError


def console(*, tty: bool, ci: bool = False) -> tuple[Console, io.StringIO]:
    err = io.StringIO()
    return Console(io.StringIO(), err, stdin_tty=tty, ci=ci), err


@pytest.mark.parametrize(
    ("answer", "accepted"), [("y\n", True), ("YES\n", True), ("n\n", False), ("\n", False)]
)
def test_terminal_answer(monkeypatch: pytest.MonkeyPatch, answer: str, accepted: bool) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    con, err = console(tty=True)
    if accepted:
        con.require_confirmation("Remove hook x?", yes=False)
    else:
        with pytest.raises(UsageError, match="cancelled"):
            con.require_confirmation("Remove hook x?", yes=False)
    assert err.getvalue() == "Remove hook x? [y/N] "


@pytest.mark.parametrize(
    ("tty", "ci", "why"), [(False, False, "stdin is not a terminal"), (True, True, "CI is set")]
)
def test_no_prompt_without_a_person(tty: bool, ci: bool, why: str) -> None:
    con, err = console(tty=tty, ci=ci)
    with pytest.raises(UsageError, match=why) as info:
        con.require_confirmation("Remove hook x?", yes=False)
    assert info.value.hint == "pass --yes to confirm in scripts"
    assert err.getvalue() == ""
    con.require_confirmation("Remove hook x?", yes=True)
