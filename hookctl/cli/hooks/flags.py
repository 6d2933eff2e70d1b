"""Options shared by the ``hooks`` verbs (each defined once, used by add and update)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer

from hookctl.cli import options as O

Events = Annotated[
    list[str] | None,
    typer.Option(
        "--events",
        "-e",
        metavar="TYPES",
        autocompletion=O.event_types,
        help="Event types, comma-separated or repeated (e.g. message.new,message.updated).",
    ),
]
AllEvents = Annotated[
    bool,
    typer.Option(
        "--all-events",
        help="Receive every event type, including types Stream adds later (default).",
    ),
]
Product = Annotated[
    str | None,
    typer.Option("--product", help="The hook's product: chat, video, moderation, feeds or all."),
]
Disabled = Annotated[bool, typer.Option("--disabled", help="Create the hook disabled.")]
Auth = Annotated[str, typer.Option("--auth", help="AWS auth type: keys, role or resource.")]
Key = Annotated[str | None, typer.Option("--key", help="AWS access key id (with --auth keys).")]
RoleArn = Annotated[str | None, typer.Option("--role-arn", help="IAM role ARN (with --auth role).")]
Region = Annotated[str | None, typer.Option("--region", help="AWS region, e.g. us-east-1.")]
CustomEvents = Annotated[
    bool | None,
    typer.Option(
        "--custom-events/--no-custom-events",
        help="Send custom events to this hook (should_send_custom_events).",
    ),
]
SnsEventGroupId = Annotated[
    bool | None,
    typer.Option(
        "--sns-event-group-id/--no-sns-event-group-id",
        help="SNS FIFO: a message group id per event (sns_event_based_message_group_id_enabled).",
    ),
]
CallbackServerUrl = Annotated[
    str | None,
    typer.Option("--callback-server-url", help="Pending-message: callback.server_url."),
]


@dataclass
class NewHook:
    """The options every ``hooks add`` verb has (``@grouped`` spreads them)."""

    events: Events = None
    all_events: AllEvents = False
    allow_unknown: O.AllowUnknown = False
    product: Product = None
    disabled: Disabled = False
    custom_events: CustomEvents = None


@dataclass
class AwsKeys:
    """An SQS or SNS hook's AWS credentials (``hooks add sqs|sns``, ``hooks update``)."""

    key: Key = None
    secret_env: O.SecretEnv = None
    secret_stdin: O.SecretStdin = False
    role_arn: RoleArn = None
    region: Region = None

    def secret_given(self) -> bool:
        return bool(self.secret_env or self.secret_stdin)
