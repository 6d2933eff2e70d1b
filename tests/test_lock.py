"""Write locks: one local lock per app however its base URL is spelt."""

from __future__ import annotations

import pytest

from hookctl.lock import local_lock_name, normalise_base_url

SAME_APP = [
    "http://localhost:8080",
    "http://LOCALHOST:8080/",
    "http://127.0.0.1:8080",
    "HTTP://127.0.0.1:8080//",
    "http://[::1]:8080",
]


def test_every_spelling_of_one_app_takes_one_lock() -> None:
    assert len({local_lock_name(url, "key") for url in SAME_APP}) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://chat.stream-io-api.com", "https://Chat.Stream-IO-api.com:443/"),
        ("http://example.com", "http://example.com:80"),
    ],
)
def test_default_ports_and_case_are_normalised(a: str, b: str) -> None:
    assert normalise_base_url(a) == normalise_base_url(b)


def test_different_apps_take_different_locks() -> None:
    assert local_lock_name(SAME_APP[0], "key") != local_lock_name(SAME_APP[0], "other")
    assert local_lock_name("http://localhost:8080", "k") != local_lock_name(
        "http://localhost:8081", "k"
    )
    assert local_lock_name("http://h/a", "k") != local_lock_name("https://h/a", "k")
