"""Plain-text data for stdout (JSON, TSV, key/value lines), and the clients built from
settings, without a console."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hookctl.base.errors import HookctlError
from hookctl.base.plaintext import cells, field_lines, json_text, tsv_lines
from hookctl.base.validate import bad_input
from hookctl.config.clients import stream_client
from hookctl.config.settings import resolve


def test_json_text_escapes_what_json_dumps_leaves_raw_and_keeps_the_data() -> None:
    data = {"name": "evil\u202eexe.txt", "del": "a\x7fb", "ok": "café"}
    text = json_text(data)
    assert "\u202e" not in text
    assert "\x7f" not in text
    assert "café" in text  # non-ASCII text stays readable
    assert json.loads(text) == data
    assert "\n" not in json_text(data, indent=None)


def test_tsv_lines_keep_one_field_per_column_whatever_the_cells_hold() -> None:
    rows = cells([["a\tb", None, 3], ["line1\nline2", "x", "y"]], "utf-8")
    lines = tsv_lines(["name", "value", "n"], rows)
    assert lines[0] == "NAME\tVALUE\tN"
    assert all(line.count("\t") == 2 for line in lines)
    assert lines[1] == "a b\t\t3"


def test_cells_escape_terminal_controls() -> None:
    [[cell]] = cells([["\x1b[31mred"]], "utf-8")
    assert "\x1b" not in cell


def test_field_lines_align_on_a_terminal_and_tab_when_piped() -> None:
    pairs = [("a", 1), ("longer", None)]
    assert field_lines(pairs, aligned=True) == ["a       1", "longer  "]
    assert field_lines(pairs, aligned=False) == ["a\t1", "longer\t"]


def test_hostile_input_errors_become_one_line_and_bugs_do_not() -> None:
    unreadable = bad_input(PermissionError(13, "Permission denied", "/etc/shadow"))
    assert unreadable is not None
    assert unreadable[0] == "cannot use '/etc/shadow': Permission denied"
    nul = bad_input(ValueError("embedded null byte"))
    assert nul is not None
    assert "NUL" in nul[0]
    assert bad_input(KeyError("x")) is None  # a bug stays "unexpected failure"


def test_a_client_checks_the_base_url_before_it_asks_for_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STREAM_BASE_URL", "file:///etc/passwd")
    with pytest.raises(HookctlError, match="base URL"):
        stream_client(resolve(), timeout=1)  # no credentials either: the URL is named first
    monkeypatch.setenv("STREAM_BASE_URL", "http://127.0.0.1:9")
    with pytest.raises(HookctlError, match="no Stream api key"):
        stream_client(resolve(), timeout=1)


def test_fit_table_shortens_ids_only_when_the_table_does_not_fit() -> None:
    from hookctl.base.plaintext import fit_table, shortest_unique_prefixes

    a, b = "0123456789-aaaa", "0123456789-bbbb"
    assert shortest_unique_prefixes([a, b, "ffffffffffff"]) == {
        a: "0123456789-a",
        b: "0123456789-b",
        "ffffffffffff": "ffffffff",
    }
    rows = [[a, "webhook", "https://example.com/x"], [b, "sqs", "q"]]
    wide = fit_table(["id", "type", "target"], rows, 200)
    assert not wide.shortened
    assert wide.rows == rows
    narrow = fit_table(["id", "type", "target"], rows, 30)
    assert narrow.shortened
    assert [r[0] for r in narrow.rows] == ["0123456789-a", "0123456789-b"]
    assert narrow.no_wrap == [True, True, False]  # ids and short values never wrap
    assert narrow.widths == [12, 7, 6]  # TARGET's header stays whole
    assert narrow.ellipsis == [False, False, True]  # a target is cut, not folded
    twins = [
        [f"abcdef12-3456-4000-8000-00000000000{n}", "webhook", "https://e.io/" + "x" * 30]
        for n in (1, 2)
    ]
    capped = fit_table(["id", "type", "target"], twins, 50)
    assert [r[0] for r in capped.rows] == ["abcdef12-345…"] * 2  # prefix + "…", 13 characters
    assert capped.widths == [13, 7, 22]  # TARGET keeps 20+ characters


@pytest.mark.parametrize(
    ("url", "width", "shown"),
    [
        ("http://127.0.0.1:8787/webhooks/stream/messages", 24, "127.0.0.1:8787…/messages"),
        ("http://127.0.0.1:8787/webhooks/stream/moderation", 24, "127.0.0.1:8787…oderation"),
        ("https://example.com/hooks/stream", 30, "example.com/hooks/stream"),
        ("https://example.com/hooks/stream", 40, "https://example.com/hooks/stream"),
        ("https://sqs.us-east-1.amazonaws.com/123456789012/q-a", 26, "sqs.us-eas…zonaws.com…/q-a"),
    ],
)
def test_a_cut_url_keeps_its_host_and_the_end_of_its_path(url: str, width: int, shown: str) -> None:
    from hookctl.base.plaintext import cut_url

    assert cut_url(url, width) == shown
    assert len(shown) <= width


@given(st.text(min_size=1, max_size=120), st.integers(min_value=1, max_value=80))
def test_cuts_fit_their_width(text: str, width: int) -> None:
    from hookctl.base.plaintext import cut_middle, cut_url

    for cut in (cut_middle, cut_url):
        shown = cut(text, width)
        assert len(shown) <= max(width, 1)
        assert shown == text or "…" in shown or len(text) > width
