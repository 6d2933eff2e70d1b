"""base/validate.py: each refused URL says why, at the exact limits (issue 25 item 6).
The reason is the half of `error: --url … <reason>` a user reads to fix the value."""

from __future__ import annotations

import pytest

from hookctl.base.errors import UsageError
from hookctl.base.validate import MAX_URL_LENGTH, check_url, text_problem, url_problem

BASE = "https://example.com/"
DNS = "(a DNS name: letters, digits and '-' inside labels of at most 63 characters)"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "is empty"),
        (None, "must be a string, not NoneType"),
        ("https://example.com/a\nb", "contains whitespace ('\\n')"),
        ("https://example.com/a\tb", "contains whitespace ('\\t')"),
        ("https://example.com/\x07", "contains a control or invisible character ('\\x07')"),
        ("https://example.com/\u202e", "contains a control or invisible character ('\\u202e')"),
        (" https://example.com/x", "contains a space"),
        ("https://example.com/\udcff", "is not valid UTF-8"),
        ("ftp://example.com/x", "must start with http:// or https://"),
        ("https:///nohost", "has no host"),
        ("https://[::1/x", "cannot be parsed (Invalid IPv6 URL)"),
        ("https://ex@mple!.com/x", f"has an invalid host 'mple!.com' {DNS}"),
        ("https://-bad-.com/x", f"has an invalid host '-bad-.com' {DNS}"),
        ("https://a..b.com/x", f"has an invalid host 'a..b.com' {DNS}"),
        ("https://" + "a" * 64 + ".com/x", f"has an invalid host '{'a' * 64}.com' {DNS}"),
        (
            "https://ex.com/%zz",
            "has a '%' that is not a percent escape (%XX, two hex digits; %25 for a '%')",
        ),
        (
            "https://ex.com/%4",
            "has a '%' that is not a percent escape (%XX, two hex digits; %25 for a '%')",
        ),
        ("https://example.com:abc/x", "has an invalid port 'abc' (1-65535)"),
        ("https://example.com:0/x", "has an invalid port 0 (1-65535)"),
        ("https://example.com:65536/x", "has an invalid port '65536' (1-65535)"),
        ("https://example.com:/x", "has an empty port after ':'"),
    ],
)
def test_each_refused_url_says_why(url: object, reason: str) -> None:
    assert url_problem(url) == reason


@pytest.mark.parametrize(
    "url",
    ["https://" + "a" * 63 + ".com/x", "https://a-b.c_d.com/x", "https://example.com./x",
     "https://ex.com/%41%2f"],
)  # fmt: skip
def test_dns_names_at_their_limits_and_percent_escapes_pass(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize("port", [1, 65535])
def test_the_port_range_is_inclusive(port: int) -> None:
    assert url_problem(f"https://example.com:{port}/x") is None


def test_the_length_limit_is_exactly_2048_characters() -> None:
    longest = BASE + "a" * (MAX_URL_LENGTH - len(BASE))
    assert url_problem(longest) is None
    assert url_problem(longest + "a") == f"is {MAX_URL_LENGTH + 1} characters long (at most 2048)"


def test_templates_say_where_they_are_not_allowed() -> None:
    assert url_problem("https://h/{{.AppID}}") == "contains {{"
    assert url_problem("https://h/{{.AppID", templates=True) == (
        "has a malformed {{.Template}} placeholder"
    )
    assert url_problem("https://h/x?a={{.AppID}}", templates=True) == (
        "has a {{.Template}} in its query: templates may only fill the path"
    )
    assert url_problem("https://{{.AppID}}.example/x", templates=True) == (
        "has a {{.Template}} in its host: templates may only fill the path"
    )
    assert url_problem("https://h/{{.AppID}}/{{.EventType}}", templates=True) is None


def test_check_url_names_what_was_refused_and_never_echoes_a_password() -> None:
    with pytest.raises(UsageError) as caught:
        check_url("ftp://user:hunter2@example.com/x", what="--url")
    assert caught.value.message.startswith("--url ")
    assert caught.value.message.endswith("must start with http:// or https://")
    assert "hunter2" not in caught.value.message + (caught.value.hint or "")


def test_text_problem_accepts_plain_text_and_names_the_first_bad_character() -> None:
    assert text_problem("plain-Text_1.2") is None
    assert text_problem("a b") == "contains a space"
    assert text_problem("a\x00b\tc") == "contains a control or invisible character ('\\x00')"
