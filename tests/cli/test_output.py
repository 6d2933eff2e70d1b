"""The Console: confirmation on a terminal, refusal without one."""

from __future__ import annotations

import io
import os
import sys

import pytest

from hookctl.base.errors import UsageError
from hookctl.base.stdio import Stdin
from hookctl.cli.output import Console


def console(*, tty: bool, ci: bool = False, answer: str = "") -> tuple[Console, io.StringIO]:
    err = io.StringIO()
    return Console(io.StringIO(), err, stdin=Stdin(io.StringIO(answer), tty=tty), ci=ci), err


@pytest.mark.parametrize(
    ("answer", "accepted"), [("y\n", True), ("YES\n", True), ("n\n", False), ("\n", False)]
)
def test_terminal_answer(answer: str, accepted: bool) -> None:
    con, err = console(tty=True, answer=answer)
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
    assert info.value.hint == "pass --yes to confirm in scripts; nothing was changed"
    assert err.getvalue() == ""
    con.require_confirmation("Remove hook x?", yes=True)


def test_stdin_reads_bytes_text_and_lines_and_knows_a_terminal() -> None:
    assert Stdin.of(b"\xff\x00raw").read_bytes() == b"\xff\x00raw"  # undecoded
    assert Stdin.of("{}", tty=True).read_bytes() is None  # a person would have to type it
    assert Stdin(None).read_bytes() is None
    assert Stdin(None).readline() == ""
    two = Stdin.of("first\nsecond\n")
    assert two.readline() == "first\n"
    assert two.read_text() == "second\n"


def test_verify_signature_reads_the_body_from_the_consoles_stdin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hookctl.webhooks.signing import sign
    from hookctl.webhooks.verify import run_verify

    monkeypatch.setattr("sys.stdin", io.StringIO("not this one"))
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret")
    body = b'{"type": "message.new"}'
    result = run_verify(
        body_path=None,
        signature=sign(body, "s3cret"),
        request_path=None,
        secret_envs=["WEBHOOK_SECRET"],
        secret_files=[],
        stdin=Stdin.of(body),
    )
    assert result["valid"] is True


def _on_a_terminal(env_extra: dict[str, str]) -> bytes:
    """``hookctl hooks show x`` (exit 2: no credentials) with stdout and stderr on a pty."""
    import pty
    import shutil
    import subprocess

    exe = shutil.which("hookctl", path=os.path.dirname(sys.executable))
    assert exe is not None
    drop = ("NO_COLOR", "FORCE_COLOR", "STREAM_API_KEY", "STREAM_API_SECRET", "HOOKCTL_PROFILE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(TERM="xterm", **env_extra)
    controller, terminal = pty.openpty()
    try:
        subprocess.run(
            [exe, "hooks", "show", "x"],
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=terminal,
            env=env,
            timeout=30,
            check=False,
        )
    finally:
        os.close(terminal)
    out = b""
    try:
        while chunk := os.read(controller, 4096):
            out += chunk
    except OSError:  # the pty's other side is closed: all was read
        pass
    finally:
        os.close(controller)
    return out


@pytest.mark.parametrize(("no_color", "coloured"), [("1", False), ("", True)])
def test_no_color_set_and_not_empty_turns_colour_off(no_color: str, coloured: bool) -> None:
    """no-color.org: NO_COLOR counts when present *and not empty*; an empty NO_COLOR
    (as `NO_COLOR= cmd` in a script leaves it) kept colour off before."""
    out = _on_a_terminal({"NO_COLOR": no_color})
    assert b"error: " in out
    assert (b"\x1b[" in out) is coloured, out
