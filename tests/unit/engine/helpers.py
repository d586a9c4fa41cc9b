"""Builders shared by the engine's unit tests: rule sets from YAML text, tickets, a directory."""

from __future__ import annotations

import textwrap
from typing import Any

from worker.engine.errors import RuleLoadError
from worker.engine.evaluate import Evaluation, Event, evaluate
from worker.engine.loader import check_sources, load_rules_text
from worker.engine.ruleset import RuleSet

NOW = "2026-12-01T10:00:00Z"  # a Tuesday: 11:00 in Berlin, 05:00 in New York

SUPPORT, TIER2, BILLING = "1892000000006907", "1892000000082069", "1892000000639717"
JADE, LUCAS, STEVE, PRIYA, OMAR = (
    "1892000000042001",
    "1892000000056007",
    "1892000000888059",
    "1892000000070001",
    "1892000000070002",
)


def rules(text: str, file: str = "rules.yaml") -> RuleSet:
    """A rule set from (dedented) YAML text; fails the test with every problem if it does not load."""
    return load_rules_text(textwrap.dedent(text), file)


def problems(text: str, file: str = "rules.yaml") -> list[str]:
    """Every problem of (dedented) YAML text, as `file:line:col: message` lines."""
    _, found = check_sources([(file, textwrap.dedent(text))])
    return [str(problem) for problem in found]


def errors(text: str, file: str = "rules.yaml") -> list[str]:
    try:
        rules(text, file)
    except RuleLoadError as exc:
        return [str(problem) for problem in exc.errors]
    return []


def one_rule(
    condition: str = "", then: str = "- update: {priority: High}", on: str = "ticket.updated", extra: str = ""
) -> RuleSet:
    """A rule set with one rule `r`; `condition` is the YAML of its `if:` (flow style, one line)."""
    lines = ["rules:", "  - id: r", f"    on: {on}"]
    if condition:
        lines.append(f"    if: {condition}")
    lines += ["    then:", *(f"      {line}" for line in then.splitlines())]
    lines += [f"    {line}" for line in extra.splitlines() if line]
    return load_rules_text("\n".join(lines) + "\n", "rules.yaml")


def ticket(**fields: Any) -> dict[str, Any]:
    """A ticket as the Desk returns it with include=contacts,products,assignee,departments."""
    base: dict[str, Any] = {
        "id": "1892000000143237",
        "ticketNumber": "1042",
        "subject": "Order 48213 has not shipped yet",
        "status": "Open",
        "statusType": "Open",
        "priority": "Medium",
        "channel": "Email",
        "category": "general",
        "email": "hugh.jack@globex.com",
        "departmentId": SUPPORT,
        "department": {"id": SUPPORT, "name": "Support"},
        "assigneeId": None,
        "assignee": None,
        "contact": {
            "id": "1892000000045028",
            "firstName": "Hugh",
            "lastName": "Jack",
            "email": "hugh.jack@globex.com",
            "account": {"id": "1892000000980421", "accountName": "Globex", "website": "www.globex.com"},
        },
        "customFields": {"ModelName": "X1 Pro", "numberOfItems": "2"},
        "createdTime": "2026-12-01T09:00:00.000Z",
        "modifiedTime": "2026-12-01T09:00:00.000Z",
        "customerResponseTime": "2026-12-01T09:00:00.000Z",
        "dueDate": "2026-12-02T09:00:00.000Z",
        "threadCount": "1",
        "commentCount": "0",
        "timeEntryCount": "0",
        "isDeleted": "false",
        "webUrl": "https://desk.zoho.com/support/zylkercorp/ShowHomePage.do#Cases/dv/1892000000143237",
    }
    base.update(fields)
    return base


def directory() -> dict[str, Any]:
    """Agents, departments and reply addresses as the Desk returns them, plus our openTickets figure."""
    return {
        "departments": [
            {"id": SUPPORT, "name": "Support", "associatedAgentIds": [JADE, LUCAS, STEVE]},
            {"id": TIER2, "name": "Tier 2", "nameInCustomerPortal": "Expert Help", "associatedAgentIds": [JADE]},
            {"id": BILLING, "name": "Billing", "associatedAgentIds": [PRIYA, OMAR]},
        ],
        "agents": [
            _agent(JADE, "Jade", "Tywin", "10657727", [SUPPORT, TIER2]),
            _agent(LUCAS, "Lucas", "Carol", "10687231", [SUPPORT]),
            {**_agent(STEVE, "Steve", "Waugh", None, [SUPPORT]), "isConfirmed": False},
            _agent(PRIYA, "Priya", "Raman", "10713988", [BILLING]),
            {**_agent(OMAR, "Omar", "Haddad", "10713989", [BILLING]), "status": "DISABLED"},
        ],
        "mailReplyAddresses": [
            {"id": "1", "address": "support@zylkercorp.zohodesk.com", "departmentId": SUPPORT, "isActive": True},
            {"id": "2", "address": "billing@zylkercorp.zohodesk.com", "departmentId": BILLING, "isActive": True},
            {"id": "3", "address": "old@zylkercorp.zohodesk.com", "departmentId": SUPPORT, "isActive": False},
        ],
        "openTickets": {JADE: 4, "lucas.carol@zylkercorp.com": 20},
    }


def _agent(ident: str, first: str, last: str, zuid: str | None, departments: list[str]) -> dict[str, Any]:
    return {
        "id": ident,
        "firstName": first,
        "lastName": last,
        "emailId": f"{first}.{last}@zylkercorp.com".lower(),
        "zuid": zuid,
        "status": "ACTIVE",
        "isConfirmed": True,
        "associatedDepartmentIds": departments,
    }


def run(
    rule_set: RuleSet,
    kind: str = "ticket.updated",
    the_ticket: dict | None = None,
    previous: dict | None = None,
    *,
    now: str = NOW,
    changes: dict | None = None,
    by_deskpilot: bool = False,
    with_directory: bool = True,
    **options: Any,
) -> Evaluation:
    the_ticket = the_ticket if the_ticket is not None else ticket()
    event = Event(kind, the_ticket.get("id", ""), changes, by_deskpilot, "event-1")
    return evaluate(rule_set, event, the_ticket, previous, directory() if with_directory else None, now, **options)
