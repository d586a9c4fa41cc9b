"""The dashboards' ticket counts: GET /dashboards/createdTickets and /dashboards/onholdTickets (Desk.tickets.READ).

From the vendor's spec (DashboardMetrics.json): `duration` (records/durations.py) and `groupBy` (date, channel,
agent, hour) are required; agentId, departmentId and teamId (comma lists), channel, startDate and endDate filter;
the answer is {"totalTicketCount", "avg", "groupedBy", "ticketCount": [{"count", "value", "referenceValue"}]},
counts as text.

Choices where the spec is silent: createdTickets counts tickets created in the span; onholdTickets counts the
tickets On Hold now whose last change (modifiedTime) falls in the span. Buckets: every day of the span (date), the
hours "0".."23" (hour), the channels tickets use (channel), the org's agents by name with their id as
referenceValue plus "Unassigned" (agent); `avg` is the total over the number of buckets, one decimal. A custom
duration without startDate or endDate, or with malformed ones, is 422. Spam tickets are not counted.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sandbox.api import Call, Endpoint, Reply, ok
from sandbox.clock import parse_time
from sandbox.errors import unprocessable
from sandbox.params import Choice, Ids, Param, Text
from sandbox.records import THREAD_CHANNELS
from sandbox.records.common import full_name
from sandbox.records.durations import DURATIONS, day_buckets, span
from sandbox.resources.layouts import missing
from sandbox.state import Org, Record

SCOPES = ("Desk.tickets.READ",)
GROUPS = ("date", "channel", "agent", "hour")
UNASSIGNED = "Unassigned"


class DateText(Param):
    """startDate / endDate: digits and dashes (YYYY-MM-DD or epoch milliseconds)."""

    def parse(self, name: str, raw: str) -> str:
        if not raw or not all(char.isdigit() or char == "-" for char in raw):
            raise unprocessable(f"The value passed for the '{name}' query parameter is invalid.")
        return raw


def _team_agents(org: Org, team_ids: list[str]) -> set[str]:
    teams = [team for d in org.departments.values() for team in d.get("_teams", ()) if team["id"] in team_ids]
    return {agent_id for team in teams for agent_id in team.get("agents", ())}


def _filtered(org: Org, tickets: list[Record], query: dict[str, Any]) -> list[Record]:
    if "agentId" in query:
        tickets = [t for t in tickets if t.get("assigneeId") in query["agentId"]]
    if "teamId" in query:
        members = _team_agents(org, query["teamId"])
        tickets = [t for t in tickets if t.get("assigneeId") in members]
    if "departmentId" in query:
        tickets = [t for t in tickets if t.get("departmentId") in query["departmentId"]]
    if "channel" in query:
        tickets = [t for t in tickets if (t.get("channel") or "").lower() == query["channel"].lower()]
    return tickets


def _buckets(org: Org, group: str, begin: datetime, end: datetime) -> dict[str, str | None]:
    """bucket value -> referenceValue, in display order."""
    if group == "date":
        return dict.fromkeys(day_buckets(begin, end))
    if group == "hour":
        return dict.fromkeys(str(hour) for hour in range(24))
    if group == "channel":
        return dict.fromkeys(THREAD_CHANNELS)
    agents = {full_name(a.get("firstName"), a.get("lastName")): a["id"] for a in org.agents.values()}
    return {**agents, UNASSIGNED: None}


def _bucket_of(org: Org, ticket: Record, group: str, moment: datetime) -> str:
    if group == "date":
        return moment.date().isoformat()
    if group == "hour":
        return str(moment.hour)
    if group == "channel":
        return ticket.get("channel") or ""
    agent = org.agents.get(ticket.get("assigneeId") or "")
    return full_name(agent.get("firstName"), agent.get("lastName")) if agent else UNASSIGNED


def _count(call: Call, time_field: str, on_hold: bool) -> Reply:
    query, org = call.query, call.org
    for name in ("duration", "groupBy"):
        if name not in query:
            raise missing(name)
    try:
        begin, end = span(query["duration"], org.now(), query.get("startDate"), query.get("endDate"))
    except ValueError:
        raise unprocessable("startDate and endDate are needed, and valid, for a custom duration.") from None
    tickets = [t for t in org.tickets.values() if not t.get("_spam")]
    if on_hold:
        tickets = [t for t in tickets if t.get("statusType") == "On Hold"]
    moments = {t["id"]: parse_time(t[time_field]) for t in _filtered(org, tickets, query)}
    group = query["groupBy"]
    counts = Counter(
        _bucket_of(org, org.tickets[ticket_id], group, moment)
        for ticket_id, moment in moments.items()
        if begin <= moment < end
    )
    buckets = _buckets(org, group, begin, end)
    rows = [
        {"count": str(counts.get(value, 0)), "value": value, "referenceValue": ref} for value, ref in buckets.items()
    ]
    total = sum(counts.values())
    return ok(
        {
            "totalTicketCount": str(total),
            "avg": f"{total / max(1, len(rows)):.1f}",
            "groupedBy": group,
            "ticketCount": rows,
        }
    )


def created_tickets(call: Call) -> Reply:
    return _count(call, "createdTime", on_hold=False)


def on_hold_tickets(call: Call) -> Reply:
    return _count(call, "modifiedTime", on_hold=True)


PARAMS: dict[str, Param] = {
    "duration": Choice(DURATIONS),
    "groupBy": Choice(GROUPS),
    "startDate": DateText(),
    "endDate": DateText(),
    "agentId": Ids(),
    "departmentId": Ids(),
    "teamId": Ids(),
    "channel": Text(),
}
ENDPOINTS = [
    Endpoint("GET", "/dashboards/createdTickets", created_tickets, SCOPES, params=PARAMS),
    Endpoint("GET", "/dashboards/onholdTickets", on_hold_tickets, SCOPES, params=PARAMS),
]
