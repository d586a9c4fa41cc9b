"""Background life for the demo and the tests: customers open and answer tickets, agents reply, re-prioritise,
re-assign, move tickets between departments and change statuses, at a chosen rate; agents sign in and out (their
presence). The mix leans to what the shipped rules react to: new tickets (some from VIP accounts, some about
billing, refunds or outages), customers answering tickets On Hold, tickets moved from Support to Tier 2.

Every change goes through the record builders and state helpers (set_status, touch, add_child) exactly as an API
write would, so the poller sees it like any other change; but it is not an API request, so it is not in the
write log and costs no credits. `step()` makes one change now (for tests); `run()` makes them on the server's
event loop until told to stop or `max_events` is reached.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable

import structlog

from sandbox.presence import OFFLINE, ONLINE, presence, set_presence
from sandbox.records.history import record_update
from sandbox.state import Desk, Org, Record
from sandbox.story import (
    PRIORITY_WEIGHTS,
    STATUS_WEIGHTS,
    active_agents,
    agent_reply,
    customer_reply,
    open_ticket,
    weighted,
)

log = structlog.get_logger(__name__)

KIND_WEIGHTS = {
    "ticket.opened": 25,
    "customer.replied": 25,
    "agent.replied": 20,
    "status.changed": 15,
    "priority.changed": 10,
    "assignee.changed": 5,
    "department.moved": 8,
}
VIP_ACCOUNTS = ("Zylker", "Acme")  # the seed's VIP accounts, named by rules/vip.yaml
VIP_SHARE = 0.25  # new tickets opened by a contact of a VIP account
TOPICAL_SUBJECTS = ("Refund request for invoice {n}", "Charged twice on invoice {n}", "Checkout is down since {n}")
TOPICAL_SHARE = 0.3  # new tickets about billing, a refund or an outage (the triage rules' keywords)
ON_HOLD_REPLY_SHARE = 0.5  # customer replies that answer a ticket On Hold (reopen-on-customer-reply)
STATUSES, PRIORITIES = tuple(STATUS_WEIGHTS), tuple(PRIORITY_WEIGHTS)
NEW_TICKET_ASSIGNED_SHARE = 0.5  # the rest wait unassigned, as new tickets do before routing
SAMPLE_TRIES = 20  # random picks before falling back to a scan for an eligible ticket
PRESENCE_SHARE = 0.2  # steps that also sign one agent in or out (own random stream: the ticket changes stay the same)
SIGN_OUT_SHARE = 0.3  # an online agent picked signs out this often: 0.3 / 1.3 of them are away at a time


class ActivityGenerator:
    """Random but reproducible changes (one `random.Random(seed)` drives every choice) across orgs."""

    def __init__(
        self,
        desk: Desk,
        *,
        seed: int,
        rate_per_s: float,
        org_ids: list[str] | None = None,
        max_events: int | None = None,
    ) -> None:
        if rate_per_s <= 0:
            raise ValueError("rate_per_s must be positive")
        self.desk, self.rate_per_s, self.org_ids, self.max_events = desk, rate_per_s, org_ids, max_events
        self._rng = random.Random(seed)
        self._presence_rng = random.Random(f"presence:{seed}")
        self.presence_changes = 0
        self._counts: Counter[str] = Counter()
        self._moves: dict[str, tuple[Callable[[Org, Record], bool], Callable[[Org, Record], None]]] = {
            "customer.replied": (self._can_customer_reply, self._customer_reply),
            "agent.replied": (self._can_agent_reply, self._agent_reply),
            "status.changed": (self._is_live, self._change_status),
            "priority.changed": (self._is_live, self._change_priority),
            "assignee.changed": (self._can_reassign, self._reassign),
            "department.moved": (self._can_move, self._move),
        }

    def stats(self) -> dict[str, int]:
        """How many changes of each kind were made, with `events` (their total) and `errors` (failed steps)."""
        done = {kind: count for kind, count in self._counts.items() if kind != "errors"}
        return {"events": sum(done.values()), "errors": self._counts["errors"], **done}

    def step(self) -> dict[str, str]:
        """Make one random change now; describe it as {"kind", "orgId", "ticketId"}. A kind with no eligible
        ticket (say, an agent reply when every ticket is closed) becomes a new ticket instead."""
        org = self._pick_org()
        kind = weighted(self._rng, KIND_WEIGHTS)
        ticket = None
        if kind in self._moves:
            eligible, move = self._moves[kind]
            if kind == "customer.replied" and self._rng.random() < ON_HOLD_REPLY_SHARE:
                eligible = self._can_answer_on_hold
            ticket = self._pick_ticket(org, eligible)
            if ticket is not None:
                move(org, ticket)
        if ticket is None:
            kind, ticket = "ticket.opened", self._open(org)
        self._counts[kind] += 1
        self._maybe_toggle_presence(org)
        return {"kind": kind, "orgId": org.id, "ticketId": ticket["id"]}

    async def run(self, stop: asyncio.Event) -> None:
        """One change every 1/rate_per_s seconds until `stop` is set or `max_events` changes are made. A failed
        step is logged and counted, and the loop goes on."""
        interval = 1.0 / self.rate_per_s
        while not stop.is_set() and (self.max_events is None or self.stats()["events"] < self.max_events):
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval)
                break
            except TimeoutError:
                pass
            try:
                change = self.step()
            except Exception as error:  # noqa: BLE001 (a demo's background life must outlive one bad pick)
                self._counts["errors"] += 1
                log.warning("activity.step_failed", error=repr(error))
            else:
                log.debug("activity.step", **change)

    # picking -----------------------------------------------------------------------------------
    def _pick_org(self) -> Org:
        ids = [org_id for org_id in (self.org_ids or list(self.desk.orgs)) if org_id in self.desk.orgs]
        if not ids:
            raise LookupError("no organisation to make activity in")
        return self.desk.orgs[self._rng.choice(ids)]

    def _pick_ticket(self, org: Org, eligible: Callable[[Org, Record], bool]) -> Record | None:
        ids = list(org.tickets)
        for _ in range(min(SAMPLE_TRIES, len(ids))):
            ticket = org.tickets[self._rng.choice(ids)]
            if eligible(org, ticket):
                return ticket
        candidates = [ticket for ticket in org.tickets.values() if eligible(org, ticket)]
        return self._rng.choice(candidates) if candidates else None

    @staticmethod
    def _is_live(org: Org, ticket: Record) -> bool:
        return ticket.get("isDeleted") != "true"

    def _can_customer_reply(self, org: Org, ticket: Record) -> bool:
        return self._is_live(org, ticket) and ticket.get("contactId") in org.contacts

    def _can_answer_on_hold(self, org: Org, ticket: Record) -> bool:
        return ticket.get("status") == "On Hold" and self._can_customer_reply(org, ticket)

    def _can_move(self, org: Org, ticket: Record) -> bool:
        return self._is_live(org, ticket) and ticket["statusType"] != "Closed" and len(org.departments) > 1

    def _can_agent_reply(self, org: Org, ticket: Record) -> bool:
        return (
            self._can_customer_reply(org, ticket)
            and ticket["statusType"] != "Closed"
            and bool(active_agents(org, ticket["departmentId"]))
        )

    def _can_reassign(self, org: Org, ticket: Record) -> bool:
        others = [a for a in active_agents(org, ticket["departmentId"]) if a["id"] != ticket.get("assigneeId")]
        return self._is_live(org, ticket) and bool(others)

    # moves -------------------------------------------------------------------------------------
    def _open(self, org: Org) -> Record:
        if not org.contacts or not org.departments:
            raise LookupError(f"org {org.id} has no contacts or departments to open a ticket with")
        department = None
        assignee = None
        if self._rng.random() < NEW_TICKET_ASSIGNED_SHARE:
            department = self._rng.choice(list(org.departments.values()))
            agents = active_agents(org, department["id"])
            assignee = self._rng.choice(agents) if agents else None
        vips = [c for c in org.contacts.values() if _account_name(org, c) in VIP_ACCOUNTS]
        contact = self._rng.choice(vips) if vips and self._rng.random() < VIP_SHARE else None
        ticket = open_ticket(org, self._rng, contact=contact, department=department, assignee=assignee)
        if self._rng.random() < TOPICAL_SHARE:
            ticket["subject"] = self._rng.choice(TOPICAL_SUBJECTS).format(n=self._rng.randrange(10_000, 99_999))
        org.add_ticket(ticket)
        return ticket

    def _customer_reply(self, org: Org, ticket: Record) -> None:
        customer_reply(org, ticket, self._rng)

    def _agent_reply(self, org: Org, ticket: Record) -> None:
        assignee = org.agents.get(ticket.get("assigneeId") or "")
        if assignee is None or assignee["status"] != "ACTIVE":
            assignee = self._rng.choice(active_agents(org, ticket["departmentId"]))
        agent_reply(org, ticket, assignee, self._rng)

    def _change_status(self, org: Org, ticket: Record) -> None:
        before = {"status": ticket["status"]}
        org.set_status(ticket, self._rng.choice([s for s in STATUSES if s != ticket["status"]]))
        self._record(org, ticket, before)

    def _change_priority(self, org: Org, ticket: Record) -> None:
        before = {"priority": ticket.get("priority")}
        ticket["priority"] = self._rng.choice([p for p in PRIORITIES if p != ticket.get("priority")])
        self._record(org, ticket, before)

    @staticmethod
    def _record(org: Org, ticket: Record, before: dict[str, object]) -> None:
        """A person's field change: in the ticket's history (by its assignee, else the administrator), then touched."""
        actor = org.agents.get(ticket.get("assigneeId") or "") or next(iter(org.agents.values()))
        record_update(org, ticket, before, actor)
        org.touch(ticket)

    def _maybe_toggle_presence(self, org: Org) -> None:
        """Now and then an ACTIVE agent signs in, or (less often) out, so about a quarter are away at a time (not
        a ticket change: counted apart from `stats`)."""
        agents = active_agents(org)
        if agents and self._presence_rng.random() < PRESENCE_SHARE:
            agent = self._presence_rng.choice(agents)
            was = presence(agent)
            if was == OFFLINE or self._presence_rng.random() < SIGN_OUT_SHARE:
                set_presence(agent, ONLINE if was == OFFLINE else OFFLINE)
                self.presence_changes += 1

    def _move(self, org: Org, ticket: Record) -> None:
        """Support's tickets go to Tier 2 (an escalation), others to any other department; an assignee who is not
        in the new department is unassigned, as the Desk's move does."""
        names = {department["name"]: department for department in org.departments.values()}
        current = org.departments.get(ticket["departmentId"]) or {}
        if current.get("name") == "Support" and "Tier 2" in names:
            target = names["Tier 2"]
        else:
            target = self._rng.choice([d for d in org.departments.values() if d["id"] != ticket["departmentId"]])
        ticket["departmentId"] = target["id"]
        agent = org.agents.get(ticket.get("assigneeId") or "")
        if agent is not None and target["id"] not in agent.get("associatedDepartmentIds", []):
            ticket["assigneeId"] = None
        org.touch(ticket)

    def _reassign(self, org: Org, ticket: Record) -> None:
        others = [a for a in active_agents(org, ticket["departmentId"]) if a["id"] != ticket.get("assigneeId")]
        before = {"assigneeId": ticket.get("assigneeId")}
        ticket["assigneeId"] = self._rng.choice(others)["id"]
        self._record(org, ticket, before)


def _account_name(org: Org, contact: Record) -> str | None:
    return (org.accounts.get(contact.get("accountId") or "") or {}).get("accountName")
