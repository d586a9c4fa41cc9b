"""The ticket activity keeper of one org's poll (ingest/activity_sync.py), set up for what the loaded rules read:
comments and the ticket History are read only when a condition names `latest_comment_text` or `changed_by`, and
a reply the ticket alone tells about is read only when a condition names a reply's text, thread or author."""

from __future__ import annotations

from collections.abc import Mapping

from worker.app.runtime import Runtime
from worker.desk.client import DeskClient
from worker.engine.changed_by import AgentInfo
from worker.engine.ruleset import RuleSet
from worker.ingest.activity_sync import ActivityKeeper, agent_info

# What only a thread read gives (the ticket alone gives a reply's time and direction); `text` holds the latest
# customer message.
THREAD_READERS = frozenset({"thread", "changed_by", "latest_reply_text", "latest_customer_reply_text", "text"})


def condition_roots(rules: RuleSet) -> frozenset[str]:
    """The top-level fields the rules' conditions read (`thread.channel` -> `thread`)."""
    return frozenset(leaf.path.split(".")[0] for rule in rules.rules for leaf in rule.condition.leaves)


def activity_keeper(runtime: Runtime, client: DeskClient) -> ActivityKeeper:
    roots = condition_roots(runtime.rules.current())

    def agents() -> Mapping[str, AgentInfo]:  # only asked when an event's actor is an agent (the cached directory)
        catalogue = runtime.directories.catalogue(client)
        return agent_info(catalogue.agents, catalogue.teams)

    return ActivityKeeper(
        client,
        runtime.store,
        read_comments="latest_comment_text" in roots,
        read_actors="changed_by" in roots,
        read_threads=bool(roots & THREAD_READERS),
        agents=agents,
    )
