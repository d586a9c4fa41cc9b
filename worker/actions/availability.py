"""Who is online, for assignment strategies: GET /onlineAgents?departmentId=-1 (every department in one call, up
to 6000 agents), kept in Redis for TTL_S so every worker shares it.

Cost: at most one call per org per TTL_S, and only when a strategy pick needs it (2 calls a minute, 2,880 a day,
at the busiest). A refused read (the token lacks Desk.basic.READ / Desk.settings.READ, the edition has no
presence) is not fatal: the pick goes on without the online filter and says so in the log, since routing to an
offline agent beats leaving every ticket unrouted; a transient failure (429, 5xx, network) is the action's to
retry, as its write would be.
"""

from __future__ import annotations

import json

import structlog

from worker.actions.base import ActionContext
from worker.desk.errors import Forbidden, InvalidRequest, NotFound, ScopeMismatch

TTL_S = 30.0
OPTIONAL_REFUSALS = (Forbidden, ScopeMismatch, NotFound, InvalidRequest)
log = structlog.get_logger(__name__)


def online_agents(ctx: ActionContext, ttl_s: float = TTL_S) -> set[str] | None:
    """The ids of the org's agents online now (at most `ttl_s` old), or None when the Desk would not say."""
    key = ctx.store.keys.key("presence", ctx.org_id)
    cached = ctx.store.redis.get(key)
    if cached is not None:
        return set(json.loads(cached))
    try:
        online = ctx.client.presence.online_agent_ids()
    except OPTIONAL_REFUSALS as error:
        log.warning("presence.unavailable", org=ctx.org_id, error=str(error), hint="picking without the online filter")
        return None
    if ttl_s > 0:
        ctx.store.redis.set(key, json.dumps(sorted(online)), px=int(ttl_s * 1000))
    return online
