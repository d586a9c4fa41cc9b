"""Who made a change (engine/changed_by.py) and the `changed_by` condition, with fixed times."""

from __future__ import annotations

from dataclasses import replace

import pytest

from worker.engine.activity import ThreadFact
from worker.engine.changed_by import derive, matches
from worker.engine.errors import RuleLoadError
from worker.engine.evaluate import Event, evaluate
from worker.engine.loader import load_rules_text

AGENTS = {"7": {"email": "jane@x.test", "name": "Jane", "teams": ["Tier 2"]}}
TICKET = {"id": "1", "modifiedTime": "2026-11-02T10:00:00Z"}


def fact(direction: str, **extra) -> ThreadFact:
    data = {
        "id": "t1",
        "createdTime": "2026-11-02T09:59:00Z",
        "direction": direction,
        "status": "SUCCESS",
        "author": {"type": "AGENT" if direction == "out" else "END_USER", "email": extra.pop("email", None)},
        **extra,
    }
    made = ThreadFact.from_desk(data)
    assert made is not None
    return made


def test_deskpilot_wins_over_everything():
    assert derive("ticket.updated", True, {**TICKET, "modifiedBy": "7"})["kind"] == "deskpilot"


def test_replies_name_their_authors():
    customer = derive("ticket.replied", False, TICKET, [fact("in", email="c@y.test")])
    assert (customer["kind"], customer["email"]) == ("customer", "c@y.test")
    agent = derive("ticket.agent_replied", False, TICKET, [fact("out", responderId="7")], agents=AGENTS)
    assert (agent["kind"], agent["id"], agent["email"], agent["teams"]) == ("agent", "7", "jane@x.test", ["Tier 2"])
    by_email = derive("ticket.agent_replied", False, TICKET, [fact("out", email="JANE@x.test")], agents=AGENTS)
    assert by_email["id"] == "7" and by_email["teams"] == ["Tier 2"]


def test_an_outgoing_thread_not_written_by_an_agent_is_automation():
    auto = replace(fact("out"), author_type="SYSTEM", author_name="Auto-acknowledgement")
    made = derive("ticket.agent_replied", False, TICKET, [auto])
    assert (made["kind"], made["name"]) == ("automation", "Auto-acknowledgement")


def test_history_tells_agents_contacts_and_automation_apart():
    def entry(kind: str, at: str = "2026-11-02T10:00:00Z") -> dict:
        return {"eventTime": at, "eventName": "TicketUpdated", "actor": {"id": "7", "name": "x", "type": kind}}

    assert derive("ticket.updated", False, TICKET, history=[entry("Agent")], agents=AGENTS)["email"] == "jane@x.test"
    assert derive("ticket.updated", False, TICKET, history=[entry("Contact")])["kind"] == "customer"
    for automatic in ("Workflow", "Macro", "Supervise", "Blueprint", "SLA", "RoundRobinAssignment", "System"):
        assert derive("ticket.updated", False, TICKET, history=[entry(automatic)])["kind"] == "automation"
    # the newest entry at the change wins; one stamped after the change (a later change's) does not count
    history = [entry("Agent", "2026-11-02T09:00:00Z"), entry("Workflow"), entry("Contact", "2026-11-02T11:00:00Z")]
    assert derive("ticket.updated", False, TICKET, history=history)["kind"] == "automation"


def test_without_history_modified_by_names_the_agent_and_else_unknown():
    assert derive("ticket.updated", False, {**TICKET, "modifiedBy": "7"}, agents=AGENTS)["email"] == "jane@x.test"
    assert derive("ticket.updated", False, TICKET)["kind"] == "unknown"
    created = {**TICKET, "customerResponseTime": "2026-11-02T10:00:00Z"}
    assert derive("ticket.created", False, created)["kind"] == "customer"


def test_matching_values():
    jane = {"kind": "agent", "id": "7", "email": "jane@x.test", "teams": ["Tier 2"]}
    assert matches(jane, "agent") and matches(jane, "agent:JANE@x.test") and matches(jane, "agent:7")
    assert matches(jane, "team:tier 2") and not matches(jane, "team:Tier 1")
    assert not matches(jane, "customer") and not matches(jane, "agent:8")
    assert matches(None, "unknown") and matches({"kind": "automation"}, "automation")


RULE = """
rules:
  - id: waiting-on-customer
    on: ticket.agent_replied
    if:
      changed_by: [agent]
    then:
      - update: {status: "On Hold"}
"""


def test_the_condition_in_a_rule():
    rules = load_rules_text(RULE)
    ticket = {"id": "1", "status": "Open", "changed_by": {"kind": "agent", "id": "7"}}
    fired = evaluate(rules, Event("ticket.agent_replied", "1", {}), ticket, now="2026-11-02T10:00:00Z")
    assert fired.fired_ids == ["waiting-on-customer"]
    ticket["changed_by"] = {"kind": "automation"}
    missed = evaluate(rules, Event("ticket.agent_replied", "1", {}), ticket, now="2026-11-02T10:00:00Z")
    assert missed.verdicts[0].reason == "changed_by is 'agent': actual 'automation'"


@pytest.mark.parametrize("value", ["bogus", "agent:", "team: "])
def test_unknown_values_are_load_errors_with_their_place(value):
    with pytest.raises(RuleLoadError, match=r"rules.yaml:6:\d+: .*changed_by"):
        load_rules_text(RULE.replace("[agent]", f"['{value}']"))


def test_an_update_or_reopen_that_came_with_a_customer_message_is_the_customer_s():
    customer = [fact("in", email="c@y.test")]
    assert derive("ticket.reopened", False, TICKET, customer)["kind"] == "customer"
    assert derive("ticket.reopened", False, TICKET, [*customer, fact("out")])["kind"] == "unknown"
