"""Agents' presence (ONLINE / OFFLINE), kept on the agent record as internal `_presence`: ACTIVE agents start
ONLINE, others are always OFFLINE. The availability endpoints read it; the activity generator and the
`/_sandbox/presence` control change it."""

from __future__ import annotations

from sandbox.state import Record

ONLINE, OFFLINE = "ONLINE", "OFFLINE"


def presence(agent: Record) -> str:
    if agent.get("status") != "ACTIVE":
        return OFFLINE
    return str(agent.get("_presence", ONLINE))


def set_presence(agent: Record, status: str) -> None:
    if status not in (ONLINE, OFFLINE):
        raise ValueError(f"presence is ONLINE or OFFLINE, not {status!r}")
    agent["_presence"] = status
