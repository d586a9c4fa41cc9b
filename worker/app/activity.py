"""The ticket activity keeper of one org's poll (ingest/activity_sync.py), set up for what the loaded rules read:
the ticket History only for the event kinds a rule reads `changed_by` on, comments only for `latest_comment_text`
(or `changed_by` on ticket.commented), and a reply the ticket alone tells about only when a condition names a
reply's text or thread, or its author (`changed_by` in a rule on that reply's event kind). Given the batch's SLA
timeline keeper, a thread read both need is made once (ingest/thread_reads.py)."""

from __future__ import annotations

from collections.abc import Mapping

from worker.app.runtime import Runtime
from worker.desk.client import DeskClient
from worker.engine.changed_by import AgentInfo
from worker.engine.ruleset import RuleSet
from worker.ingest.activity_sync import ActivityKeeper, agent_info
from worker.ingest.timeline_sync import TimelineKeeper

# What only a thread read gives (the ticket alone gives a reply's time and direction); `text` holds the latest
# customer message. A reply's author (changed_by on a reply event) is read by the keeper for those events.
THREAD_READERS = frozenset({"thread", "latest_reply_text", "latest_customer_reply_text", "text"})


def condition_reads(rules: RuleSet) -> dict[str, frozenset[str]]:
    """Each top-level field the rules' conditions read (`thread.channel` -> `thread`), with the event kinds of the
    rules that read it."""
    reads: dict[str, set[str]] = {}
    for rule in rules.rules:
        for leaf in rule.condition.leaves:
            reads.setdefault(leaf.path.split(".")[0], set()).update(rule.kinds)
    return {root: frozenset(kinds) for root, kinds in reads.items()}


def condition_roots(rules: RuleSet) -> frozenset[str]:
    """The top-level fields the rules' conditions read (the webhook intake asks whether changed_by is one)."""
    return frozenset(condition_reads(rules))


def activity_keeper(runtime: Runtime, client: DeskClient, timelines: TimelineKeeper | None = None) -> ActivityKeeper:
    reads = condition_reads(runtime.rules.current())
    actor_kinds = reads.get("changed_by", frozenset())

    def agents() -> Mapping[str, AgentInfo]:  # only asked when an event's actor is an agent (the cached directory)
        catalogue = runtime.directories.catalogue(client)
        return agent_info(catalogue.agents, catalogue.teams)

    return ActivityKeeper(
        client,
        runtime.store,
        read_comments="latest_comment_text" in reads or "ticket.commented" in actor_kinds,
        actor_kinds=actor_kinds,
        read_threads=bool(reads.keys() & THREAD_READERS),
        agents=agents,
        share_threads=timelines.reads if timelines is not None else None,
    )
