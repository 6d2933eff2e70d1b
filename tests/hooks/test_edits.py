"""The hook-editing rules (hookctl.hooks.edits): plain cases and properties for any hook."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hookctl.base.errors import UsageError
from hookctl.hooks import edits as E
from hookctl.stream.models import AUTH_TYPES, CALLBACK_MODES, hook_errors

ROLE_ARN = "arn:aws:iam::123456789012:role/stream"
SQS_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/q"

names = st.text(alphabet="abcdefgh.", min_size=1, max_size=6)
type_lists = st.lists(names, min_size=1, max_size=6, unique=True)
unknown = st.dictionaries(
    st.text(alphabet="xyz_", min_size=1, max_size=5).map(lambda k: "x_" + k),
    st.integers() | st.text(max_size=4) | st.none(),
    max_size=3,
)


def _hook(kind: str, **fields: Any) -> dict[str, Any]:
    return {"id": "3f2a", "hook_type": kind, "enabled": True, **fields}


def _refused(fn: Any, *args: Any, **kwargs: Any) -> UsageError:
    with pytest.raises(UsageError) as caught:
        fn(*args, **kwargs)
    return caught.value


# ---------------------------------------------------------------- building


def test_callback_modes_come_from_the_model() -> None:
    assert CALLBACK_MODES == {
        "none": "CALLBACK_MODE_NONE",
        "rest": "CALLBACK_MODE_REST",
        "twirp": "CALLBACK_MODE_TWIRP",
    }
    assert E.callback("REST") == {"mode": "CALLBACK_MODE_REST"}
    assert E.callback("CALLBACK_MODE_TWIRP") == {"mode": "CALLBACK_MODE_TWIRP"}
    assert E.callback(None) is None
    assert "not one of none, rest, twirp" in _refused(E.callback, "grpc").message


@pytest.mark.parametrize(
    ("auth", "kwargs", "message"),
    [
        ("magic", {}, "is not one of keys, role, resource"),
        ("keys", {}, "--auth keys needs --key"),
        ("role", {}, "--auth role needs --role-arn"),
        ("role", {"role_arn": ROLE_ARN, "key": "AKIA"}, "only apply with --auth keys"),
        ("resource", {"secret": "s"}, "only apply with --auth keys"),
        ("keys", {"key": "AKIA", "secret": "s", "role_arn": ROLE_ARN}, "--role-arn only applies"),
    ],
)
def test_aws_fields_refuse_flags_that_do_not_fit_the_auth_type(
    auth: str, kwargs: dict[str, Any], message: str
) -> None:
    assert message in _refused(E.aws_fields, "sqs", auth, **kwargs).message


def test_aws_fields_make_a_hook_the_model_accepts() -> None:
    keys = E.aws_fields("sqs", "keys", key="AKIA", secret="s", region="eu-west-1")
    assert keys == {
        "sqs_auth_type": "keys",
        "sqs_key": "AKIA",
        "sqs_secret": "s",
        "sqs_region": "eu-west-1",
    }
    role = E.aws_fields("sns", "role", role_arn=ROLE_ARN)
    assert role == {"sns_auth_type": "role", "sns_role_arn": ROLE_ARN}
    hook = E.new_hook("sqs", {"sqs_queue_url": SQS_URL, **keys})
    assert hook_errors(hook) == []
    assert hook["event_types"] == []
    assert hook["enabled"] is True


@given(st.sampled_from(AUTH_TYPES), st.sampled_from(["sqs", "sns"]))
def test_aws_fields_always_validate_for_every_auth_type(auth: str, prefix: str) -> None:
    given_ = {
        "key": "AKIA" if auth == "keys" else None,
        "secret": "s" if auth == "keys" else None,
        "role_arn": ROLE_ARN if auth == "role" else None,
    }
    target = (
        {"sqs_queue_url": SQS_URL}
        if prefix == "sqs"
        else {"sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:t"}
    )
    hook = E.new_hook(prefix, {**target, **E.aws_fields(prefix, auth, **given_)})
    assert hook_errors(hook) == []


# ---------------------------------------------------------------- patching


def test_patch_refuses_flags_of_another_hook_type_and_writes_nothing() -> None:
    webhook = _hook("webhook", webhook_url="https://e.io")
    message = _refused(E.HookPatch(timeout_ms=5).apply, webhook).message
    assert message == "--timeout-ms does not apply to a webhook hook"
    assert "AWS options" in _refused(E.HookPatch(region="x").apply, webhook).message
    assert "--queue-url" in _refused(E.HookPatch(queue_url="q").apply, _hook("sns")).message


def test_changing_auth_drops_the_credentials_of_the_old_type() -> None:
    sqs = _hook("sqs", sqs_auth_type="keys", sqs_key="AKIA", sqs_secret="s", sqs_region="r")
    role = E.HookPatch(auth="role", role_arn=ROLE_ARN).apply(sqs)
    assert role == _hook("sqs", sqs_auth_type="role", sqs_role_arn=ROLE_ARN, sqs_region="r")
    back = E.HookPatch(auth="keys", key="K2", secret="s2").apply(role)
    assert "sqs_role_arn" not in back
    assert back["sqs_key"] == "K2"
    resource = E.HookPatch(auth="resource").apply(back)
    assert {k for k in resource if k.startswith("sqs_")} == {"sqs_auth_type", "sqs_region"}


def test_patch_merges_the_callback_and_keeps_its_other_fields() -> None:
    pending = _hook("pending_message", callback={"mode": "CALLBACK_MODE_REST", "server_url": "u"})
    patched = E.HookPatch(callback_mode="twirp", timeout_ms=800).apply(pending)
    assert patched["callback"] == {"mode": "CALLBACK_MODE_TWIRP", "server_url": "u"}
    assert patched["timeout_ms"] == 800


patches = st.builds(
    E.HookPatch,
    url=st.none() | st.just("https://new.example.com"),
    event_types=st.none() | type_lists.map(tuple),
    product=st.none() | st.sampled_from(["chat", "video"]),
    enabled=st.none() | st.booleans(),
)
webhooks = st.builds(
    lambda extra, types: {**_hook("webhook", webhook_url="https://e.io"), **extra, **types},
    unknown,
    st.just({}) | type_lists.map(lambda t: {"event_types": t}),
)


@given(webhooks, patches)
def test_patch_is_idempotent_and_keeps_fields_it_does_not_name(
    hook: dict[str, Any], patch: E.HookPatch
) -> None:
    frozen = json.dumps(hook, sort_keys=True)
    once = patch.apply(hook)
    assert patch.apply(once) == once
    assert json.dumps(hook, sort_keys=True) == frozen  # the input is never changed
    named = {"webhook_url", "event_types", "product", "enabled"}
    assert {k: v for k, v in once.items() if k not in named} == {
        k: v for k, v in hook.items() if k not in named
    }


@given(webhooks)
def test_an_empty_patch_is_empty_and_changes_nothing(hook: dict[str, Any]) -> None:
    assert E.HookPatch().is_empty()
    assert E.HookPatch().apply(hook) == hook
    assert not E.HookPatch(enabled=False).is_empty()


# ---------------------------------------------------------------- the event filter


def test_filter_edits_refuse_to_narrow_or_widen_by_accident() -> None:
    everything = _hook("webhook", event_types=[])
    assert "would narrow it" in _refused(E.add_event_types, everything, ["message.new"]).message
    assert "no list to remove from" in _refused(E.remove_event_types, everything, ["a"]).message
    listed = _hook("webhook", event_types=["message.new", "message.updated"])
    assert "receive ALL events" in _refused(E.remove_event_types, listed, ["message.*"]).message
    missing = _refused(E.remove_event_types, listed, ["reaction.new"])
    assert "not in hook 3f2a's filter: reaction.new" in missing.message
    assert E.set_event_types(listed, [])["event_types"] == []


@given(type_lists, st.lists(names, max_size=6))
def test_adding_types_keeps_order_adds_each_once_and_never_empties(
    current: list[str], new: list[str]
) -> None:
    hook = _hook("webhook", event_types=current)
    before = copy.deepcopy(hook)
    after = E.add_event_types(hook, new)["event_types"]
    assert after[: len(current)] == current
    assert set(after) == set(current) | set(new)
    assert len(after) == len(set(after))
    assert E.add_event_types({**hook, "event_types": after}, new)["event_types"] == after
    assert hook == before


@given(type_lists, st.data())
def test_removing_types_leaves_a_non_empty_subset_or_refuses(
    current: list[str], data: st.DataObject
) -> None:
    drop = data.draw(st.lists(st.sampled_from(current), min_size=1, unique=True))
    hook = _hook("webhook", event_types=current)
    if set(drop) == set(current):
        with pytest.raises(UsageError):
            E.remove_event_types(hook, drop)
        return
    left = E.remove_event_types(hook, drop)["event_types"]
    assert left == [t for t in current if t not in drop]
    assert left  # an empty list would mean "all events"


@given(webhooks, st.lists(names, max_size=4))
def test_setting_types_is_idempotent_and_touches_nothing_else(
    hook: dict[str, Any], new: list[str]
) -> None:
    once = E.set_event_types(hook, new)
    assert E.set_event_types(once, new) == once
    assert once["event_types"] == new
    assert {k: v for k, v in once.items() if k != "event_types"} == {
        k: v for k, v in hook.items() if k != "event_types"
    }
