"""base/validate.py: the exact words a user reads when a value is refused, and what
output escaping turns a hostile text into. In-process and cheap: the mutation job
(pyproject's [tool.mutmut]) runs this file against each mutant of validate.py."""

from __future__ import annotations

import pytest

from hookctl.base.errors import UsageError
from hookctl.base.validate import (
    MAX_API_KEY,
    USERINFO_HINT,
    USERINFO_PROBLEM,
    api_key_problem,
    bad_input,
    check_listen_host,
    check_profile_values,
    check_url,
    encodable,
    escape_controls,
    invisible_problem,
    printable,
    shown_url,
    template_part,
    url_hint,
    url_problem,
)

URL_HINT = (
    "give an absolute http(s) URL like https://example.com/stream "
    "(no spaces, valid port); nothing was changed"
)
DNS = "(a DNS name: letters, digits and '-' inside labels of at most 63 characters)"
PORT_OR_USERINFO = (
    "has an invalid port, or a character in its user:password that must be percent-encoded"
)
INPUT_HINT = "check the arguments, files and environment values you passed; nothing was changed"


@pytest.mark.parametrize(
    ("url", "part"),
    [
        ("https://h/x", None),
        ("{{.AppID}}://h/x", "scheme"),
        ("h/{{.AppID}}", "scheme"),  # no "://" at all
        ("https://{{.AppID}}@h/x", "userinfo"),
        ("https://u:{{.AppID}}@h/x", "userinfo"),
        ("https://{{.AppID}}.example.com/x", "host"),
        ("https://h{{.AppID}}", "host"),  # the authority runs to the end
        ("https://u:p@{{.AppID}}:8080/x", "host"),
        ("https://[{{.AppID}}]/x", "host"),
        ("https://[::1]{{.AppID}}/x", "host"),  # a colon inside [...] is not a port's
        ("https://h:{{.AppID}}/x", "port"),
        ("https://h:80{{.AppID}}/x", "port"),
        ("https://:{{.AppID}}/x", "port"),  # the colon first in the authority
        ("https://u:p@h:{{.AppID}}/x", "port"),
        ("https://[::1]:{{.AppID}}/x", "port"),
        ("https://h/{{.AppID}}", "path"),
        ("https://h/{{.AppID}}?q=1#f", "path"),
        ("https://h/{{.AppID}}#?", "path"),
        ("https://h/p?a={{.AppID}}", "query"),
        ("https://h?a={{.AppID}}", "query"),
        ("https://h?a={{.AppID}}#f", "query"),
        ("https://h/p#{{.AppID}}", "fragment"),
        ("https://h#{{.AppID}}", "fragment"),
        ("https://h/p?a#{{.AppID}}", "fragment"),
        ("https://h/p#f?x={{.AppID}}", "fragment"),  # a "?" after "#" is the fragment's
        ("https://h/x/{{.AppID}}/{{.EventType}}?q={{.AppID}}", "path"),  # the first one counts
        ("https://h/{{.AppID}}?next=http://x/", "path"),  # a later "://" is not the scheme's
        ("https://EXAMPLE{{.AppID}}.com/x", "host"),
        ("https://a@{{.AppID}}@h/x", "userinfo"),  # up to the last "@"
        ("https://h/p?a={{.AppID}}&next=?", "query"),
        ("https://h/p#{{.AppID}}#x", "fragment"),
    ],
)
def test_template_part_names_where_the_first_template_sits(url: str, part: str | None) -> None:
    assert template_part(url) == part


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://h:{{.AppID}}/x", "has a {{.Template}} in its port: templates may only fill the path"),
        ("https://u:{{.AppID}}@h/x", "has a {{.Template}} in its userinfo: templates may only fill the path"),
        ("https://h/p#{{.EventType}}", "has a {{.Template}} in its fragment: templates may only fill the path"),
        ("https://h/{{.Foo}}", "has {{.Foo}}: the templates Stream fills are {{.AppID}} and {{.EventType}} (case matters)"),
        ("https://h/{{.Zed}}/{{.Bar}}", "has {{.Bar}}: the templates Stream fills are {{.AppID}} and {{.EventType}} (case matters)"),
        ("https://h/{{.appid}}", "has {{.appid}}: the templates Stream fills are {{.AppID}} and {{.EventType}} (case matters)"),
        ("https://h/{{.AppID}}/x}}", "has a malformed {{.Template}} placeholder"),
        ("https://h/{{.AppID}", "has a malformed {{.Template}} placeholder"),
        ("://h/{{.AppID}}", "must start with http:// or https://"),
    ],
)  # fmt: skip
def test_a_hook_url_template_outside_the_path_says_where(url: str, reason: str) -> None:
    assert url_problem(url, templates=True) == reason


def test_templates_fill_the_path_of_a_hook_url_only() -> None:
    assert url_problem("https://h/{{.AppID}}/{{.EventType}}", templates=True) is None
    assert template_part("https://h/{{ .AppID }}") == "path"  # spaces inside: still a template
    assert url_problem("https://h/x}}") == "contains {{"  # either brace pair, without templates
    assert url_problem("https://h/{{.AppID}}", templates=False) == "contains {{"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://u:p/w@h/x", PORT_OR_USERINFO),  # a raw "/" in a password? never print it
        ("https://h:99999/x", "has an invalid port '99999' (1-65535)"),
        ("https://[::zz]/x", None),  # filled in below: urlsplit or ipaddress refuses it
        ("https://" + ("a" * 63 + ".") * 3 + "a" * 62 + "/x", None),
        ("http://[fe80::1%25eth0]:8080/x", None),
        ("http://[::1]/x", None),
        ("http://[::1]:0/x", "has an invalid port 0 (1-65535)"),
        ("https://h:1:2/x", "has an invalid port '2' (1-65535)"),
        ('https://u"x@h/x', USERINFO_PROBLEM),
        ("https://a@b@h/x", USERINFO_PROBLEM),  # a raw "@" in the user name
        ("https://a%40b:p%2F@h/x", None),
        # a valid user:password before a bad port: the port is named, not the password
        ("https://u:s3cr3t@h:99999/x", "has an invalid port '99999' (1-65535)"),
        ("https://u:s3cr3t@[::1]:70000/x", "has an invalid port '70000' (1-65535)"),
        ("https://u:s3cr3t@h:abc/x", "has an invalid port 'abc' (1-65535)"),
        ("https://u:s3:cr3t@h:99999/x", "has an invalid port '99999' (1-65535)"),
    ],
)
def test_ports_ipv6_and_long_hosts(url: str, reason: str | None) -> None:
    if "zz" in url:
        assert url_problem(url) in (
            "has an invalid IPv6 host '::zz'",
            "cannot be parsed ('::zz' does not appear to be an IPv4 or IPv6 address)",
        )
    elif url.startswith("https://aaa"):  # 254 characters of valid labels: over 253
        host = url[8:-2]
        assert url_problem(url) == f"has an invalid host {printable(host, 80)} {DNS}"
        assert url_problem(url[:8] + host[1:] + "/x") is None  # 253: the longest name
    else:
        assert url_problem(url) == reason


def test_a_long_invalid_host_is_cut_to_80_characters_in_the_reason() -> None:
    host = "-" + "a" * 100
    assert url_problem(f"https://{host}/x") == f"has an invalid host '{'-' + 'a' * 77}… {DNS}"


def test_check_url_says_what_was_refused_why_and_how_to_fix_it() -> None:
    assert check_url("https://example.com/x") == "https://example.com/x"
    with pytest.raises(UsageError) as caught:
        check_url("ftp://example.com/x")
    assert caught.value.message == (
        "URL 'ftp://example.com/x' is not an absolute http(s) URL: it must start with "
        "http:// or https://"
    )
    assert caught.value.hint == URL_HINT
    assert caught.value.exit_code == 2
    with pytest.raises(UsageError) as caught:
        check_url("https://u:p/w@h/x", what="--url")
    assert caught.value.message == (
        f"--url 'https://u:********@h/x' is not an absolute http(s) URL: it {PORT_OR_USERINFO}"
    )
    assert caught.value.hint == f"a port is a number 1-65535; if it is a password, {USERINFO_HINT}"
    with pytest.raises(UsageError) as caught:
        check_url(7, what="--to")
    assert (
        caught.value.message
        == "--to 7 is not an absolute http(s) URL: it must be a string, not int"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        # an "@" in the query or fragment is not a user:password: the port is named, as typed
        (
            "https://h:99999/?to=a@b.c",
            "URL 'https://h:99999/?to=a@b.c' is not an absolute http(s) URL: it has an "
            "invalid port '99999' (1-65535)",
        ),
        (
            "https://h:99999#a@b",
            "URL 'https://h:99999#a@b' is not an absolute http(s) URL: it has an "
            "invalid port '99999' (1-65535)",
        ),
        # "99x/#a" may be a password with a raw "#" (user h, host b): named both ways, masked
        (
            "https://h:99x/#a@b",
            f"URL 'https://h:********@b' is not an absolute http(s) URL: it {PORT_OR_USERINFO}",
        ),
        # a real user:password before a bad port: the port is named, the password masked
        (
            "https://u:p@h:99999/x",
            "URL 'https://u:********@h:99999/x' is not an absolute http(s) URL: it has an "
            "invalid port '99999' (1-65535)",
        ),
    ],
)
def test_an_at_sign_after_the_authority_is_not_a_password(url: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_url(url)
    assert caught.value.message == message
    if "99999" in message:
        assert caught.value.hint == URL_HINT
    assert shown_url(url) == message.split(" is not")[0].removeprefix("URL ")


def test_the_hint_explains_percent_encoding_only_for_a_password_problem() -> None:
    assert url_hint(f"webhook_url {USERINFO_PROBLEM}", "other") == USERINFO_HINT
    assert url_hint("has no host", "other") == "other"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("https://user:hunter2@h/x y", "'https://user:********@h/x y'"),
        ("https://:hunter2@h/x", "'https://:********@h/x'"),
        ("https://a:b@c:d@h/", "'https://a:********@h/'"),  # everything up to the last "@"
        ("https://user@h/x y", "'https://user@h/x y'"),  # no password to hide
        ("https://h/a:b", "'https://h/a:b'"),
        ("user:p@ss@host/x", "'********@host/x'"),  # no scheme: all before the last "@"
        ("host:1/x", "'host:1/x'"),
        ("https://u:hunter2@h/x y?next=http://a", "'https://u:********@h/x y?next=http://a'"),
        (42, "42"),
        ("https://h/\u202e\x1b", "'https://h/\\u202e\\x1b'"),
    ],
)
def test_a_refused_url_is_shown_printable_with_its_password_masked(
    value: object, shown: str
) -> None:
    assert shown_url(value) == shown


def test_a_shown_url_is_cut_at_its_limit() -> None:
    url = "https://u:secret@h/" + "a" * 300
    shown = shown_url(url)
    assert len(shown) == 200
    assert shown == ("'https://u:********@h/" + "a" * 300)[:199] + "…"
    assert shown_url("https://h/abc", limit=10) == "'https://…"


def test_printable_quotes_escapes_and_cuts() -> None:
    assert printable("é\n") == "'\\xe9\\n'"
    assert printable(["é"]) == "['\\xe9']"  # repr of a non-string, made ASCII
    assert printable(None) == "None"
    assert printable("a" * 8, 10) == "'aaaaaaaa'"  # exactly the limit: whole
    assert printable("a" * 9, 10) == "'aaaaaaaa…"  # one over: cut to the limit
    assert printable("a" * 300) == "'" + "a" * 198 + "…"


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0", "localhost", "::1", "::", "my-host.lan"])
def test_listen_accepts_a_host_name_or_address(host: str) -> None:
    check_listen_host(host)


@pytest.mark.parametrize(
    ("host", "shown"),
    [
        ("bad host", "'bad host'"),
        ("::zz", "'::zz'"),
        ("\u202eevil", "'\\u202eevil'"),
        ("a" * 300, "'" + "a" * 78 + "…"),
        ("", "''"),
    ],
)
def test_listen_refuses_what_no_socket_can_bind_with_one_line(host: str, shown: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_listen_host(host)
    assert caught.value.message == f"--host {shown} is not a host name or IP address to listen on"
    assert caught.value.hint == "e.g. --host 127.0.0.1 (or 0.0.0.0 for every interface)"


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("k3y4pp", None),
        ("a" * MAX_API_KEY, None),
        ("", "is empty"),
        (" \t ", "is empty"),
        ("a" * (MAX_API_KEY + 1), "is 257 characters long (Stream API keys are about 12)"),
        ("a" * 1000, "is 1,000 characters long (Stream API keys are about 12)"),
        ("kéy", "contains non-ASCII characters"),
        ("k y", "contains a space"),
        ("key\n", "contains whitespace ('\\n')"),
        ("k\x00y", "contains a control or invisible character ('\\x00')"),
    ],
)
def test_api_key_problems(key: str, problem: str | None) -> None:
    assert api_key_problem(key) == problem


def test_config_add_refuses_a_bad_key_or_base_url_naming_the_flag() -> None:
    check_profile_values(api_key=None, base_url=None)
    check_profile_values(api_key="k3y", base_url="https://chat.stream-io-api.com")
    with pytest.raises(UsageError) as caught:
        check_profile_values(api_key="", base_url=None)
    assert caught.value.message == "--api-key '' is empty"
    assert caught.value.hint == "give the app's API key (from Stream's dashboard)"
    with pytest.raises(UsageError) as caught:
        check_profile_values(api_key="x" * 300, base_url="https://ok.io")
    assert caught.value.message == (
        "--api-key '" + "x" * 38 + "… is 300 characters long (Stream API keys are about 12)"
    )
    with pytest.raises(UsageError) as caught:
        check_profile_values(api_key="k3y", base_url="ftp://h")
    assert caught.value.message == (
        "--base-url 'ftp://h' is not an absolute http(s) URL: it must start with http:// or https://"
    )
    with pytest.raises(UsageError) as caught:
        check_profile_values(api_key=None, base_url="https://h:0/")
    assert caught.value.message.startswith("--base-url 'https://h:0/' ")


def test_hostile_input_errors_read_as_one_line_and_bugs_stay_bugs() -> None:
    assert bad_input(PermissionError(13, "Permission denied", "/etc/shadow")) == (
        "cannot use '/etc/shadow': Permission denied",
        "check the path and its permissions; nothing was changed",
    )
    no_reason = FileNotFoundError()
    no_reason.filename = "/x/\x1b"
    assert bad_input(no_reason) == (
        "cannot use '/x/\\x1b': FileNotFoundError",
        "check the path and its permissions; nothing was changed",
    )
    assert bad_input(OSError(5, "I/O error")) is None  # no path: not the user's input
    assert bad_input(ValueError("embedded null byte")) == (
        "a path or value contains a NUL character",
        "remove it; nothing was changed",
    )
    assert bad_input(ValueError("invalid literal")) is None
    assert bad_input(KeyError("x")) is None
    assert bad_input(UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad")) == (
        "a value or file is not valid UTF-8 text (UnicodeDecodeError)",
        INPUT_HINT,
    )
    assert bad_input(RecursionError()) == (
        "a value or file is nested too deeply to read (RecursionError)",
        INPUT_HINT,
    )
    assert bad_input(OverflowError()) == ("a number is out of range (OverflowError)", INPUT_HINT)
    assert bad_input(MemoryError()) == (
        "a value or file is too large to read (MemoryError)",
        INPUT_HINT,
    )


@pytest.mark.parametrize(
    ("text", "encoding", "out"),
    [
        ("café", "ascii", "caf\\xe9"),
        ("café", "latin-1", "café"),
        ("café", None, "café"),  # no encoding known: UTF-8
        ("a\udcffb", None, "a\\udcffb"),
        ("a\udcffb", "utf-8", "a\\udcffb"),
        ("café", "no-such-codec", "café"),  # an unknown encoding: UTF-8
        ("a\udcffb", "no-such-codec", "a\\udcffb"),
    ],
)
def test_encodable_escapes_only_what_the_stream_cannot_carry(
    text: str, encoding: str | None, out: str
) -> None:
    assert encodable(text, encoding) == out


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("plain\ttext\n", "plain\ttext\n"),  # newline and tab stay
        ("\x1b[31mred", "\\x1b[31mred"),
        ("a\rb\x07", "a\\x0db\\x07"),
        ("\x00\x08\x0b\x0c\x1f", "\\x00\\x08\\x0b\\x0c\\x1f"),
        ("\x7f\x80\x9b\x9f", "\\x7f\\x80\\x9b\\x9f"),
        ("\xa0é ", "\xa0é "),  # beside the C1 range: shown as is
        ("\u200e\u200f\u202a\u202e\u2066\u2069", "\\u200e\\u200f\\u202a\\u202e\\u2066\\u2069"),
        ("\u200d\u202f\u206a", "\u200d\u202f\u206a"),
    ],
)
def test_escape_controls_makes_what_a_terminal_acts_on_visible(text: str, out: str) -> None:
    assert escape_controls(text) == out


@pytest.mark.parametrize(
    ("prefix", "problem"),
    [
        ("stream/failed events", None),  # a space is legal in an object-name prefix
        ("stream/\u00e9v\u00e9nements", None),
        ("stream/x\x07", None),  # a control character is text_problem's to name
        ("stream/\u202ecba", "contains a control or invisible character ('\\u202e')"),
        ("a\u200bb\u2066", "contains a control or invisible character ('\\u200b')"),
    ],
)
def test_a_prefix_with_an_invisible_character_is_named(prefix: str, problem: str | None) -> None:
    assert invisible_problem(prefix) == problem
