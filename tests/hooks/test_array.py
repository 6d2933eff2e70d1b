"""Pure edits of the event_hooks array: properties that must hold for any array."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hookctl.hooks import array as H
from hookctl.hooks import show as V
from hookctl.webhooks.signing import TokenError, decode_jwt, make_jwt, server_token

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
hook_strategy = st.fixed_dictionaries(
    {
        "id": st.uuids().map(str),
        "hook_type": st.sampled_from(["webhook", "sqs", "sns"]),
        "enabled": st.booleans(),
    },
    optional={"x_unknown": json_values, "event_types": st.lists(st.text(min_size=1, max_size=8))},
)
arrays = st.lists(hook_strategy, max_size=6, unique_by=lambda h: h["id"])


@given(arrays, st.data())
def test_edits_touch_only_their_target(hooks: list[dict[str, Any]], data: st.DataObject) -> None:
    frozen = json.dumps(hooks, sort_keys=True)
    added = H.add_edit({"hook_type": "webhook", "webhook_url": "https://e.io"}).apply(hooks)
    assert added[:-1] == hooks
    assert len(added) == len(hooks) + 1
    if hooks:
        target = data.draw(st.sampled_from(hooks))["id"]
        updated = H.update_edit(target, {"enabled": "changed"}).apply(hooks)
        removed = H.remove_edit(target).apply(hooks)
        others = [h for h in hooks if h["id"] != target]
        assert [h for h in updated if h["id"] != target] == others
        assert removed == others
        assert [c.id for c in H.diff(hooks, removed)] == [target]
    assert json.dumps(hooks, sort_keys=True) == frozen  # inputs never mutated


@given(arrays)
def test_diff_of_identical_arrays_is_empty(hooks: list[dict[str, Any]]) -> None:
    assert H.diff(hooks, copy.deepcopy(hooks)) == []
    assert H.render_diff([]) == ["no changes"]


def test_diff_masks_secrets_and_ignores_server_timestamps() -> None:
    old = [{"id": "a", "hook_type": "sqs", "sqs_secret": "s1", "created_at": 1}]
    new = [
        {"id": "a", "hook_type": "sqs", "sqs_secret": "s2", "created_at": 2},
        {"hook_type": "sns", "sns_secret": "s3"},
    ]
    changes = H.diff(old, new)
    text = "\n".join(H.render_diff(changes))
    assert "s1" not in text
    assert "s2" not in text
    assert "s3" not in text
    assert changes[0].fields == {"sqs_secret": ("(secret)", "(secret changed)")}
    assert changes[1].op == "add"


def test_masked_values_are_detected() -> None:
    assert H.looks_masked("********")
    assert H.looks_masked("****abcd")
    assert H.looks_masked("[REDACTED]")
    assert not H.looks_masked("real-secret")
    assert not H.looks_masked(None)
    hooks = [
        {"id": "a", "sqs_secret": "****"},
        {"id": "b", "failover_config": {"gcs_credentials": "********"}},
    ]
    assert H.masked_secrets(hooks) == [
        ("a", "sqs_secret"),
        ("b", "failover_config.gcs_credentials"),
    ]


def test_filter_text() -> None:
    assert V.filter_text({}) == "all events (incl. future)"
    assert V.filter_text({"event_types": ["a"]}) == "1 type: a"
    assert V.filter_text({"event_types": list("abcde")}) == "5 types: a, b, c, … +2"


def test_jwt_round_trip_and_refusals() -> None:
    token = server_token("s3cret")
    assert decode_jwt(token, "s3cret") == {"server": True}
    for bad, code in ((token, 43), ("a.b", 5)):
        with pytest.raises(TokenError) as refused:
            decode_jwt(bad, "other")
        assert refused.value.code == code
    future = make_jwt({"iat": 10**10}, "k")
    with pytest.raises(TokenError) as refused:  # (this one once passed when nothing was raised)
        decode_jwt(future, "k")
    assert refused.value.code == 42


def test_show_fields_masks_secrets_and_flattens_nested_values() -> None:
    hook = {
        "id": "a",
        "hook_type": "sqs",
        "sqs_secret": "s3cret",
        "event_types": ["message.new"],
        "failover_config": {"gcs_bucket": "b", "gcs_credentials": "{key}"},
    }
    rows = dict(V.show_fields(hook))
    assert rows["events"] == "1 type: message.new"
    assert "event_types" not in rows
    assert rows["sqs_secret"] == H.MASK
    assert json.loads(rows["failover_config"])["gcs_credentials"] == H.MASK
    assert dict(V.show_fields(hook, show_secrets=True))["sqs_secret"] == "s3cret"
