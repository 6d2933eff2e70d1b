"""Regenerate hookctl/data/events.json from the event lists in shared/stream-api.md.

Run by hand when Stream's SDK adds event types:
    python scripts/build_catalog.py ../shared/stream-api.md
The descriptions are derived from the wire names, then refined by the
OVERRIDES table below; review the diff before committing.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "hookctl" / "data" / "events.json"

OVERRIDES = {
    "custom": "A custom event sent by your app (e.g. with channel.send_event)",
    "message.new": "A new message was sent in a channel",
    "message.updated": "A message was edited",
    "message.deleted": "A message was deleted (soft or hard)",
    "message.read": "A user marked a channel as read",
    "message.flagged": "A message was flagged for moderation",
    "message.pending": "A message is held as pending (pending-message hooks decide its fate)",
    "message.unblocked": "A message that moderation had blocked was unblocked",
    "message.undeleted": "A deleted message was restored",
    "channel.truncated": "A channel's message history was truncated",
    "channel.frozen": "A channel was frozen (no new messages)",
    "channel.unfrozen": "A frozen channel was unfrozen",
    "channel.max_streak_changed": "A channel's max streak changed",
    "flag.updated": "A moderation flag was updated",
    "thread.updated": "A thread's metadata was updated",
    "user.unread_message_reminder": "A reminder about unread messages is due for a user",
    "user.messages.deleted": "All of a user's messages were deleted",
    "notification.thread_message_new": "A new reply in a thread the user takes part in",
    "notification.mark_unread": "A user marked a channel or message as unread",
    "notification.reminder_due": "A message reminder is due",
    "call.ring": "A call is ringing its members",
    "call.dtmf": "A DTMF tone was received in a call (SIP)",
    "call.missed": "A ringing call was missed",
    "call.notification": "Members were notified of a call",
    "call.stats_report_ready": "A call's statistics report is ready",
    "call.session_participant_count_updated": "The participant count of a call session changed",
    "feeds.activity.feedback": "Feedback was given on an activity (e.g. show less)",
    "feeds.activity.marked": "Activities were marked (read or seen)",
    "feeds.activity.removed_from_feed": "An activity was removed from a feed",
    "moderation.custom_action": "A moderator ran a custom action",
    "moderation.mark_reviewed": "A moderation item was marked as reviewed",
    "moderation_check.completed": "A moderation check finished",
    "moderation_rule.triggered": "A moderation rule fired",
}

VERBS = {
    "new": "was created",
    "created": "was created",
    "added": "was added",
    "deleted": "was deleted",
    "updated": "was updated",
    "removed": "was removed",
    "started": "started",
    "stopped": "stopped",
    "failed": "failed",
    "ready": "is ready",
    "ended": "ended",
    "accepted": "was accepted",
    "rejected": "was rejected",
    "hidden": "was hidden",
    "visible": "was made visible again",
    "muted": "was muted",
    "unmuted": "was unmuted",
    "banned": "was banned",
    "unbanned": "was unbanned",
    "deactivated": "was deactivated",
    "reactivated": "was reactivated",
    "flagged": "was flagged",
    "restored": "was restored",
    "pinned": "was pinned",
    "unpinned": "was unpinned",
    "completed": "completed",
    "success": "finished successfully",
    "error": "failed",
    "changed": "changed",
    "closed": "was closed",
    "blocked_user": "blocked a user",
    "unblocked_user": "unblocked a user",
    "kicked_user": "removed a user",
    "member_added": "gained a member",
    "member_removed": "lost a member",
    "member_updated": "had a member updated",
    "member_updated_permission": "had a member's permissions updated",
    "permission_request": "received a permission request",
    "permissions_updated": "had permissions updated",
    "reaction_new": "received a reaction",
    "live_started": "went live",
    "user_muted": "muted a user",
    "user_feedback_submitted": "received user feedback",
    "closed_caption": "produced a closed caption",
    "session_participant_joined": "session gained a participant",
    "session_participant_left": "session lost a participant",
    "complete": "completed",
}

PRODUCT_BY_PREFIX = [
    ("call.", "video"),
    ("ingress.", "video"),
    ("feeds.", "feeds"),
    ("moderation", "moderation"),
    ("review_queue_item.", "moderation"),
    ("appeal.", "moderation"),
    ("flag.", "moderation"),
    ("export.bulk_image_moderation", "moderation"),
    ("export.moderation_logs", "moderation"),
    ("export.review_queue", "moderation"),
]

# Feeds documents some events by model name only; the SDK's list has no wire name for them.
UNMAPPED = {
    "PollVoteCastedFeedEvent": "a vote was cast in a poll on a feed",
    "PollVoteChangedFeedEvent": "a poll vote was changed",
    "PollVoteRemovedFeedEvent": "a poll vote was removed",
    "PollClosedFeedEvent": "a poll was closed",
    "PollUpdatedFeedEvent": "a poll was updated",
    "PollDeletedFeedEvent": "a poll was deleted",
}


def product(name: str) -> str:
    for prefix, prod in PRODUCT_BY_PREFIX:
        if name.startswith(prefix):
            return prod
    return "chat"


def describe(name: str) -> str:
    if name in OVERRIDES:
        return OVERRIDES[name]
    parts = name.removeprefix("feeds.").split(".")
    action = parts[-1]
    subject = " ".join(p.replace("_", " ") for p in parts[:-1])
    verb = VERBS.get(action)
    if verb is None:
        for key in sorted(VERBS, key=len, reverse=True):
            if action.endswith("_" + key):
                verb = f"{action[: -len(key) - 1].replace('_', ' ')} {VERBS[key]}"
                break
    if verb is None:
        return f"{subject[:1].upper()}{subject[1:]} event: {action.replace('_', ' ')}"
    article = "An" if subject[:1] in "aeio" else "A"
    return f"{article} {subject} {verb}"


def feeds_model_name(name: str) -> str:
    parts = name.removeprefix("feeds.").split(".")
    return "".join(w.capitalize() for p in parts for w in p.split("_")) + "Event"


def main(source: Path) -> None:
    text = source.read_text()
    section = text.split("## Event type names on the wire", 1)[1].split("\n## ", 1)[0]
    names = sorted(set(re.findall(r"`([a-z_]+(?:\.[a-z_]+)*)`", section)) - {"event_types"})
    events = []
    for name in names:
        entry = {"name": name, "product": product(name), "description": describe(name)}
        if name.startswith("feeds."):
            entry["aliases"] = [feeds_model_name(name)]
        events.append(entry)
    doc = {
        "source": "getstream 7.0.0 (PyPI) webhook module event list, via shared/stream-api.md; "
        "Feeds model-name aliases derived by the rule feeds.a_b.c -> ABCEvent, which matches "
        "every model name the Feeds docs list (ActivityAddedEvent, CommentAddedEvent, "
        "FollowCreatedEvent, BookmarkAddedEvent, FeedMemberAddedEvent)",
        "date": "2026-11-23",
        "count": len(events),
        "events": events,
        "unmapped_aliases": [
            {
                "alias": alias,
                "description": desc[:1].upper() + desc[1:],
                "note": "documented by Stream Feeds by model name; the SDK's wire-name list has no "
                "matching event type, so hookctl does not guess one",
            }
            for alias, desc in UNMAPPED.items()
        ],
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(events)} event types to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/stream-api.md"))
