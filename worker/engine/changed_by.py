"""Who made a change: derived once per event at ingest (`derive`), tested by the `changed_by` condition (`matches`).

An event's actor is one of
    deskpilot   the loop guard matched the change to deskpilot's own write record (ingest/loop_guard.py)
    customer    a new incoming thread (ticket.replied; an update or reopen that came with one and no outgoing
                thread, where the History does not tell), or the ticket History's actor of type Contact
    agent       a new outgoing thread written by an agent (its responder), a new comment (its commenter), the
                History's actor of type Agent, or else the ticket's modifiedBy (an agent id)
    automation  an outgoing thread whose author is not an agent (the Desk's auto-replies), or the History's actor
                is the Desk's own: Workflow, Macro, Supervise, Blueprint, SLA, assignment rules, notification
                rules, ZIA, System
    unknown     nothing told (no History endpoint, no modifiedBy)

`derive` returns a plain mapping the event's ticket carries as `changed_by` ({kind, id, email, name, teams,
source}); the condition values are `customer`, `agent`, `agent:<email or id>`, `team:<name>`, `automation`,
`deskpilot`, `unknown`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from worker.engine.activity import EARLIEST, ThreadFact, as_mapping, newest_thread
from worker.engine.values import parse_time

KINDS = ("customer", "agent", "automation", "deskpilot", "unknown")
PREFIXES = ("agent:", "team:")
HISTORY_AGENT, HISTORY_CONTACT = "agent", "contact"
CLOCK_ALLOWANCE = timedelta(seconds=2)  # a History entry may be stamped a moment after the ticket's modifiedTime

AgentInfo = Mapping[str, Any]  # {email, name, teams: [names]} of one agent id


def value_problem(value: str) -> str | None:
    """Why a `changed_by` value is not one the condition knows, else None."""
    if value in KINDS or (value.startswith(PREFIXES) and value.split(":", 1)[1].strip()):
        return None
    return f"unknown changed_by {value!r}; expected one of {', '.join(KINDS)}, agent:<email or id>, team:<name>"


def actor(
    kind: str, source: str, agent_id: Any = None, agents: Mapping[str, AgentInfo] | None = None, **extra: Any
) -> dict[str, Any]:
    """The actor record an event carries; an agent's email, name and teams come from the directory by id."""
    known = (agents or {}).get(str(agent_id)) if agent_id else None
    record: dict[str, Any] = {"kind": kind, "source": source, "id": str(agent_id) if agent_id else None}
    record["email"] = extra.get("email") or (known or {}).get("email")
    record["name"] = extra.get("name") or (known or {}).get("name")
    record["teams"] = list((known or {}).get("teams") or ())
    if kind == "agent" and record["email"] and not known:  # a thread author known by email only
        by_email = next(
            (
                (ident, info)
                for ident, info in (agents or {}).items()
                if str(info.get("email") or "").casefold() == record["email"].casefold()
            ),
            None,
        )
        if by_email is not None:
            record["id"] = record["id"] or by_email[0]
            record["teams"] = list(by_email[1].get("teams") or ())
    return record


def derive(
    kind: str,
    by_deskpilot: bool,
    ticket: Mapping[str, Any],
    threads: Sequence[ThreadFact] = (),
    comments: Sequence[Mapping[str, Any]] = (),
    history: Sequence[Mapping[str, Any]] | None = None,
    agents: Mapping[str, AgentInfo] | None = None,
) -> dict[str, Any]:
    """The actor of one event (see the module docstring for the order of the sources)."""
    if by_deskpilot:
        return actor("deskpilot", "loop_guard")
    if kind == "ticket.replied":
        thread = newest_thread(threads, "in")
        return actor("customer", "threads", email=thread.author_email if thread else None)
    if kind == "ticket.agent_replied":
        thread = newest_thread(threads, "out")
        if thread is not None and str(thread.author_type or "AGENT").upper() != "AGENT":  # the Desk's own mail
            return actor("automation", "threads", name=thread.author_name or thread.author_type)
        if thread is not None:
            return actor("agent", "threads", thread.author_id, agents, email=thread.author_email)
        return actor("agent", "threads")
    if kind == "ticket.commented" and comments:
        newest = max(comments, key=lambda item: parse_time(item.get("commentedTime")) or EARLIEST)
        commenter = as_mapping(newest.get("commenter"))
        return actor("agent", "comments", newest.get("commenterId") or commenter.get("id"), agents)
    if history:
        entry = _history_entry(history, parse_time(ticket.get("modifiedTime")))
        if entry is not None:
            return _from_history(entry, agents)
    incoming = newest_thread(threads, "in")
    if incoming is not None and newest_thread(threads, "out") is None:  # the Desk reopens on a customer's reply
        return actor("customer", "threads", email=incoming.author_email)
    if ticket.get("modifiedBy"):
        return actor("agent", "modifiedBy", ticket["modifiedBy"], agents)
    if kind == "ticket.created" and ticket.get("customerResponseTime"):
        return actor("customer", "ticket")  # opened by the customer's message
    return actor("unknown", "none")


def _history_entry(history: Sequence[Mapping[str, Any]], modified: datetime | None) -> Mapping[str, Any] | None:
    """The newest History entry at or before the change (a moment's allowance for the Desk's stamps)."""
    dated = [(parse_time(entry.get("eventTime")), entry) for entry in history]
    eligible = [
        (at, entry) for at, entry in dated if at is not None and (modified is None or at <= modified + CLOCK_ALLOWANCE)
    ]
    return max(eligible, key=lambda pair: pair[0])[1] if eligible else None


def _from_history(entry: Mapping[str, Any], agents: Mapping[str, AgentInfo] | None) -> dict[str, Any]:
    who = as_mapping(entry.get("actor"))
    kind = str(who.get("type") or "").casefold()
    if kind == HISTORY_AGENT:
        return actor("agent", "history", who.get("id"), agents, name=who.get("name"))
    if kind == HISTORY_CONTACT:
        return actor("customer", "history", name=who.get("name"))
    if not kind:
        return actor("unknown", "history")
    return actor("automation", "history", name=who.get("name") or who.get("type"))


def matches(record: Mapping[str, Any] | None, value: str) -> bool:
    """Whether the event's actor is `value` (customer, agent, agent:<email or id>, team:<name>, ...)."""
    if not record:
        return value == "unknown"
    kind = record.get("kind")
    if value.startswith("agent:"):
        wanted = value.split(":", 1)[1].strip().casefold()
        refs = (record.get("id"), record.get("email"))
        return kind == "agent" and any(str(ref).casefold() == wanted for ref in refs if ref)
    if value.startswith("team:"):
        wanted = value.split(":", 1)[1].strip().casefold()
        return kind == "agent" and any(str(team).casefold() == wanted for team in record.get("teams") or ())
    return kind == value


def describe(record: Mapping[str, Any] | None) -> str:
    """The actor as `rules explain` and failures show it."""
    if not record:
        return "unknown"
    detail = record.get("email") or record.get("id") or record.get("name")
    return f"{record.get('kind')}:{detail}" if detail else str(record.get("kind"))
