"""`config` profile edits without Typer: checks before the secret is asked, defaults."""

from __future__ import annotations

import pytest

from hookctl.base.errors import UsageError
from hookctl.config.profiles import (
    add_profile,
    config_file,
    profile_rows,
    profile_view,
    remove_profile,
    use_profile,
)
from hookctl.config.settings import load_config


def _never() -> str:
    raise AssertionError("the secret must not be asked for")


def test_the_first_profile_becomes_the_default_and_the_base_url_loses_its_slash() -> None:
    said = add_profile("prod", api_key="k1", base_url="https://x.example/", secret=lambda: "s1")
    assert said.endswith("(default)")
    add_profile("dev", api_key="k2", base_url=None, secret=lambda: "s2")
    config = load_config()
    assert config.default_profile == "prod"
    assert config.profiles["prod"].base_url == "https://x.example"
    assert {r["name"]: r["default"] for r in profile_rows()} == {"prod": True, "dev": False}
    assert "s1" not in str(profile_rows())  # masked


def test_a_bad_name_or_a_clash_fails_before_the_secret_is_asked() -> None:
    with pytest.raises(UsageError, match="not allowed"):
        add_profile("../x", api_key="k", base_url=None, secret=_never)
    add_profile("prod", api_key="k", base_url=None, secret=lambda: "s")
    with pytest.raises(UsageError, match="already exists"):
        add_profile("prod", api_key="k", base_url=None, secret=_never)
    add_profile("prod", api_key="k9", base_url=None, secret=lambda: "s9", force=True)
    assert load_config().profiles["prod"].api_key == "k9"


def test_a_view_masks_the_secret_unless_asked() -> None:
    add_profile("prod", api_key="k", base_url=None, secret=lambda: "supersecretvalue")
    assert profile_view("prod")["api_secret"] != "supersecretvalue"
    assert profile_view("prod", show_secrets=True)["api_secret"] == "supersecretvalue"


def test_use_and_remove_move_the_default() -> None:
    for name in ("b", "a", "c"):
        add_profile(name, api_key="k", base_url=None, secret=lambda: "s")
    use_profile("c")
    assert load_config().default_profile == "c"
    asked: list[bool] = []
    remove_profile("c", lambda: asked.append(True))
    assert asked == [True]
    assert load_config().default_profile == "a"  # the first remaining, by name
    with pytest.raises(UsageError, match="unknown profile"):
        use_profile("c")


def test_a_refused_confirmation_removes_nothing() -> None:
    add_profile("prod", api_key="k", base_url=None, secret=lambda: "s")

    def refuse() -> None:
        raise UsageError("cancelled", "nothing was changed")

    with pytest.raises(UsageError, match="cancelled"):
        remove_profile("prod", refuse)
    assert "prod" in load_config().profiles
    path, exists = config_file()
    assert exists
    assert path == load_config().path
