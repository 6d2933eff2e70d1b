"""Pydantic models of Stream's event hooks, used to validate what hookctl writes.

Hooks travel through hookctl as plain dicts (the JSON Stream returned), so that
fields hookctl does not know survive every edit untouched. These models only
*check* a hook; they are never used to re-serialise one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal, get_args

import pydantic_core
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from hookctl.base.errors import ValidationFailed
from hookctl.base.numbers import TIMEOUT_MS_MAX
from hookctl.base.plaintext import plural
from hookctl.base.validate import EVENT_TYPE, printable
from hookctl.stream.finite import overflows

HOOK_TYPES = ("webhook", "sqs", "sns", "pending_message")
AuthType = Literal["keys", "role", "resource"]
AUTH_TYPES: tuple[str, ...] = get_args(AuthType)
CallbackMode = Literal["CALLBACK_MODE_NONE", "CALLBACK_MODE_REST", "CALLBACK_MODE_TWIRP"]
CALLBACK_MODES: dict[str, str] = {
    mode.removeprefix("CALLBACK_MODE_").lower(): mode for mode in get_args(CallbackMode)
}
MAX_PENDING_MESSAGE_HOOKS = 2
_SQS_URL = re.compile(
    r"^https://sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/\d{12}/[A-Za-z0-9_-]+(\.fifo)?$"
)
_ARN = re.compile(r"^arn:aws[a-z-]*:(?P<service>[a-z0-9-]+):[a-z0-9-]*:\d{12}:.+$")


def check_url(value: str) -> str:
    """An absolute http(s) URL (``hookctl.base.validate``); ``{{.AppID}}``-style templates allowed."""
    from hookctl.base.validate import shown_url, url_problem

    problem = url_problem(value, templates=True)
    if problem:
        raise ValueError(f"{shown_url(value)} is not an absolute http(s) URL: it {problem}")
    return value


def check_sqs_url(value: str) -> str:
    from hookctl.base.validate import shown_url

    if not isinstance(value, str) or not _SQS_URL.fullmatch(value.strip()):
        raise ValueError(
            f"{shown_url(value)} is not an SQS queue URL "
            "(like https://sqs.us-east-1.amazonaws.com/123456789012/stream-events)"
        )
    return value.strip()


def check_arn(value: str, service: str) -> str:
    match = _ARN.match(value.strip())
    if not match or match["service"] != service:
        example = (
            "arn:aws:sns:us-east-1:123456789012:my-topic"
            if service == "sns"
            else "arn:aws:iam::123456789012:role/stream-hooks"
        )
        raise ValueError(f"{value!r} is not an {service.upper()} ARN (like {example})")
    return value.strip()


def _check_iam_arn(value: str) -> str:
    if not re.match(r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$", value.strip()):
        raise ValueError(
            f"{value!r} is not an IAM role ARN (like arn:aws:iam::123456789012:role/stream-hooks)"
        )
    return value.strip()


class FailoverConfig(BaseModel):
    """GCS (documented) or S3 (getstream 7.0's ``WebhookFailoverConfig``; the docs still
    say only GCS is supported, so hookctl carries S3 configs but cannot replay them)."""

    model_config = ConfigDict(extra="allow")

    type: Literal["gcs", "s3"]
    gcs_bucket: str | None = Field(default=None, min_length=3, max_length=222)
    gcs_credentials: str | None = Field(default=None, min_length=2)
    gcs_path: str | None = None
    s3_bucket: str | None = Field(default=None, min_length=3, max_length=63)
    s3_path: str | None = None
    s3_region: str | None = None
    s3_role_arn: str | None = None
    s3_api_key: str | None = None
    s3_secret: str | None = None

    @field_validator("gcs_credentials")
    @classmethod
    def _key(cls, value: str | None) -> str | None:
        from hookctl.failover.keys import check_key

        if value is None:
            return None
        try:
            check_key(value, source="gcs_credentials")
        except ValidationFailed as exc:
            raise ValueError(exc.message) from None
        return value

    @field_validator("s3_role_arn")
    @classmethod
    def _role(cls, value: str | None) -> str | None:
        return None if not value else _check_iam_arn(value)

    @model_validator(mode="after")
    def _required(self) -> FailoverConfig:
        if self.type == "gcs":
            for name in ("gcs_bucket", "gcs_credentials"):
                if not getattr(self, name):
                    raise ValueError(f"{name} is required when type is gcs")
        elif not self.s3_bucket:
            raise ValueError("s3_bucket is required when type is s3")
        return self


class _Hook(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str | None = Field(default=None, min_length=1)  # "" is not "no id"
    enabled: bool | None = None
    event_types: list[str] | None = None
    product: Literal["chat", "video", "moderation", "feeds", "all"] | None = None

    @field_validator("event_types")
    @classmethod
    def _event_names(cls, value: list[str] | None) -> list[str] | None:
        for name in value or []:
            if not isinstance(name, str) or not name.strip():
                raise ValueError("event type names must be non-empty strings")
        return value


class WebhookHook(_Hook):
    hook_type: Literal["webhook"]
    webhook_url: str
    failover_config: FailoverConfig | None = None

    @field_validator("webhook_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value)


# The fields (after the sqs_/sns_ prefix) each AWS auth type needs; a field listed
# under one type belongs to that type only. hookctl.hooks.edits builds and changes
# hooks by this same table.
AWS_AUTH_NEEDS: dict[str, tuple[str, ...]] = {
    "keys": ("key", "secret"),
    "role": ("role_arn",),
    "resource": (),
}


class _AwsAuth(_Hook):
    _prefix: str = ""
    NEEDS: ClassVar[dict[str, tuple[str, ...]]] = AWS_AUTH_NEEDS

    @model_validator(mode="after")
    def _auth(self) -> _AwsAuth:
        p = self._prefix
        data = self.model_dump()
        auth = data.get(f"{p}_auth_type") or None
        if auth is None:
            raise ValueError(f"{p}_auth_type is required: one of {', '.join(AUTH_TYPES)}")
        for name in self.NEEDS.get(auth, ()):
            if not data.get(f"{p}_{name}"):
                raise ValueError(f"{p}_{name} is required when {p}_auth_type is {auth}")
        if auth == "role":
            _check_iam_arn(data[f"{p}_role_arn"])
        return self


class SqsHook(_AwsAuth):
    _prefix = "sqs"
    hook_type: Literal["sqs"]
    sqs_queue_url: str
    sqs_auth_type: AuthType | None = None
    sqs_key: str | None = None
    sqs_secret: str | None = None
    sqs_role_arn: str | None = None
    sqs_region: str | None = None

    @field_validator("sqs_queue_url")
    @classmethod
    def _queue(cls, value: str) -> str:
        return check_sqs_url(value)


class SnsHook(_AwsAuth):
    _prefix = "sns"
    hook_type: Literal["sns"]
    sns_topic_arn: str
    sns_auth_type: AuthType | None = None
    sns_key: str | None = None
    sns_secret: str | None = None
    sns_role_arn: str | None = None
    sns_region: str | None = None

    @field_validator("sns_topic_arn")
    @classmethod
    def _topic(cls, value: str) -> str:
        return check_arn(value, "sns")


class Callback(BaseModel):
    model_config = ConfigDict(extra="allow")

    mode: CallbackMode
    server_url: str | None = None


class PendingMessageHook(_Hook):
    hook_type: Literal["pending_message"]
    webhook_url: str | None = None
    timeout_ms: int = Field(gt=0, le=TIMEOUT_MS_MAX)  # the --timeout-ms range
    callback: Callback | None = None

    @field_validator("webhook_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value in (None, "") else check_url(value)

    @model_validator(mode="after")
    def _needs_url(self) -> PendingMessageHook:
        mode = self.callback.mode if self.callback else None
        if mode != "CALLBACK_MODE_NONE" and not self.webhook_url:
            raise ValueError("webhook_url is required unless callback.mode is CALLBACK_MODE_NONE")
        return self


AnyHook = Annotated[
    WebhookHook | SqsHook | SnsHook | PendingMessageHook, Field(discriminator="hook_type")
]
_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnyHook)


def hook_errors(hook: dict[str, Any]) -> list[tuple[str, str]]:
    """Every rule ``hook`` breaks, as (field, reason) pairs; empty when valid."""
    hook_type = hook.get("hook_type")
    if hook_type not in HOOK_TYPES:
        return [("hook_type", f"{hook_type!r} is not one of {', '.join(HOOK_TYPES)}")]
    try:
        _ADAPTER.validate_python(hook, strict=True)
    except ValidationError as exc:
        out: list[tuple[str, str]] = []
        for err in exc.errors(include_url=False):
            loc = [str(p) for p in err["loc"][1:]]  # first element is the union tag
            where = ".".join(loc) or "hook"
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                message = "is required"
            elif err["type"] == "literal_error":
                msg = err["msg"]
                message = f"{err.get('input')!r} is not allowed: {msg[:1].lower()}{msg[1:]}"
            out.append((where, message))
        return out
    return []


def describe_hook(hook: dict[str, Any]) -> str:
    label = str(hook.get("hook_type", "hook")).replace("_", "-")
    return f"{label} hook {hook['id']}" if hook.get("id") else f"new {label} hook"


def validate_hook(hook: dict[str, Any]) -> None:
    """Raise ``ValidationFailed`` with a one-line message if ``hook`` is invalid."""
    errors = hook_errors(hook)
    if errors:
        where, why = errors[0]
        more = f" (and {plural(len(errors) - 1, 'more problem')})" if len(errors) > 1 else ""
        from hookctl.base.validate import url_hint

        raise ValidationFailed(
            f"{describe_hook(hook)}: {where}: {why}{more}",
            url_hint(why, "fix the value and run the command again; nothing was written"),
        )


def array_errors(hooks: list[dict[str, Any]]) -> list[str]:
    """Rules about the whole ``event_hooks`` array."""
    problems = []
    pending = sum(1 for h in hooks if h.get("hook_type") == "pending_message")
    if pending > MAX_PENDING_MESSAGE_HOOKS:
        problems.append(
            f"an app can have at most {MAX_PENDING_MESSAGE_HOOKS} pending-message hooks "
            f"(this change would make {pending})"
        )
    ids = [h["id"] for h in hooks if h.get("id")]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        problems.append(
            f"{'hook id' if len(dupes) == 1 else 'hook ids'} used twice: {', '.join(dupes)}"
        )
    for hook in hooks:
        if hook.get("failover_config") and hook.get("hook_type") != "webhook":
            problems.append(
                f"{describe_hook(hook)}: failover_config is only supported on webhook hooks"
            )
    return problems


class Envelope(BaseModel):
    """The JSON object Stream writes to the failover bucket for one failed event."""

    model_config = ConfigDict(extra="allow")

    original_hook_id: str
    original_webhook_url: str
    event_type: str
    error_message: str = ""
    failed_at: datetime
    payload: dict[str, Any]

    @field_validator("failed_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def payload_body(envelope: Envelope) -> bytes:
    """The bytes a replay signs and sends: the envelope's payload as compact JSON, UTF-8.

    pydantic-core's serializer (already loaded with the model) writes what
    ``json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()`` writes
    (a float may be spelt otherwise, ``0.00001`` for ``1e-05``: the same value), about ten
    times faster; this runs once per replayed event, and the signature covers these
    bytes whatever their spelling."""
    return pydantic_core.to_json(envelope.payload)


class MalformedObject(Exception):
    """An object that is not a readable envelope; ``reason`` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_envelope(body: bytes) -> Envelope:
    """Parse one failover object, or raise MalformedObject with a one-line reason.

    Strict JSON only: ``NaN``/``Infinity`` would be re-encoded as a body that is not
    JSON and signed. The event type must be a plain Stream name (``EVENT_TYPE``): it
    may fill a hook URL's ``{{.EventType}}``."""
    try:
        data = pydantic_core.from_json(body, allow_inf_nan=False)
    except ValueError as exc:
        detail = str(exc).removeprefix("Invalid JSON: ")[:200]
        if b"NaN" in body or b"Infinity" in body:
            detail += "; NaN and Infinity are not JSON"
        raise MalformedObject(f"not valid JSON ({detail})") from None
    if overflows(data, pydantic_core.to_json(data)):  # 1e999: would be sent as Infinity
        raise MalformedObject("not valid JSON (a number too large for a float)")
    try:
        envelope = Envelope.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        where = ".".join(str(p) for p in first["loc"])
        if first["type"] == "missing":
            reason = f"field {where} is missing"
        elif first["type"] == "model_type":
            reason = "the body is not a JSON object"
        else:
            reason = f"field {where}: {first['msg']}"
        more = f" (and {plural(len(errors) - 1, 'more problem')})" if len(errors) > 1 else ""
        raise MalformedObject(reason + more) from None
    kind = envelope.payload.get("type")
    if kind != envelope.event_type:  # a forged or broken envelope: never sent
        said = f"{kind!r}"[:80] if kind is not None else "missing"
        raise MalformedObject(
            f"payload.type ({said}) disagrees with event_type ({envelope.event_type!r})"[:200]
        )
    if not EVENT_TYPE.match(envelope.event_type):
        raise MalformedObject(
            f"event_type {printable(envelope.event_type, 80)} is not a plain event type name "
            "(a-z, 0-9, '.', '_', '-')"
        )
    return envelope
