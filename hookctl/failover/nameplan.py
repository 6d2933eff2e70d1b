"""``failover replay --dry-run --names-only``: a dry run's plan from the listing alone.

The thorough dry run downloads and checks every envelope (malformed, forged, too large,
the hook it names), so a million objects cost a million GETs. Here each listed object
is planned from its name (event type, hook, time) and its listed size: the same
listing, window, shard and filters, the same journal admission (already delivered:
skipped; ``--state``), ``--limit``, and the same destination (``--to``, or the hook's
current ``webhook_url`` from the app, found by the name's hook id, refused as replay
refuses it). Objects that turn out malformed, forged or refused by their envelope are
found by the real replay (or the thorough dry run) instead.

An object whose name cannot place it in time is read, as the thorough run reads it
(its envelope decides whether it is in the window): rare, and in listing order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hookctl.failover.targets import Refusal

if TYPE_CHECKING:
    from hookctl.failover.pipeline import Stages
    from hookctl.failover.replay import Replayer


async def plan_from_names(replayer: Replayer, stages: Stages) -> None:
    """Plan the finder's listing into ``replayer.stats`` (see the module's docstring)."""
    stop = replayer._stop
    where: dict[tuple[str, str], str | Refusal] = {}  # (hook, type) → URL, asked once
    async for batch in replayer.finder.batches():
        for candidate in batch:
            if stop.is_set():
                return
            admit = stages.admit(candidate)
            if admit == "skip":
                continue
            if admit == "end":
                return
            parsed, item = candidate.parsed, candidate.item
            when = parsed.trusted_time if parsed is not None else None
            if parsed is None or when is None or not candidate.decided:
                body, problem = await stages.download(candidate)
                envelope = stages.envelope(candidate, body, problem)
                if envelope is not None:
                    await stages.deliver(candidate, envelope)
                continue
            hook, event_type = parsed.hook_id, parsed.event_type
            url = where.get((hook, event_type))
            if url is None:
                url = where[hook, event_type] = replayer.destination(hook, None, event_type)
            if isinstance(url, Refusal):
                replayer.refuse(item, event_type, hook, "", url)
            else:
                replayer.plan(url, event_type, hook, when, item, item.size)
