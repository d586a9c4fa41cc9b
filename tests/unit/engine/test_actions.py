"""Actions: validated at load, planned per ticket with names resolved through the directory."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.engine.helpers import BILLING, JADE, LUCAS, PRIYA, SUPPORT, TIER2, errors, one_rule, run, ticket
from worker.engine.schema import ACTION_TYPES


def _plan(then: str, *, on: str = "ticket.updated", kind: str | None = None, **kwargs: Any):
    verdict = run(one_rule(then=then, on=on, extra=kwargs.pop("extra", "")), kind or on, **kwargs).verdict("r")
    assert verdict.status == "fired", verdict.reason
    return [action.as_dict() for action in verdict.actions]


def _failure(then: str, **kwargs: Any) -> str:
    verdict = run(one_rule(then=then), **kwargs).verdict("r")
    assert verdict.status == "failed" and verdict.matched
    return verdict.reason


VALID = {
    "update": [
        "{priority: High}",
        "{status: On Hold, customFields: {Severity: S1}, cf: {cf_sev: '1'}}",
        "{dueDate: '{{ desk_time(now) }}', category: null}",
    ],
    "assign": [
        "{agent: jade.tywin@zylkercorp.com}",
        f"{{agent: '{JADE}'}}",
        "{strategy: round_robin}",
        "{strategy: least_loaded, department: Tier 2, max_open_tickets: 10}",
        "{agent: previous}",
        "{agent: '{{ previous.assigneeId }}'}",
        "{team: Tier 2 Team}",
        "{strategy: round_robin, team: Tier 2 Team, skills: [billing], online_only: false, fallback: team}",
    ],
    "add_tags": ["[vip]", "[vip, '{{ ticket.channel }}-queue']"],
    "remove_tags": ["[triage]"],
    "move": ["{department: Tier 2}", f"{{department: {TIER2}}}"],
    "comment": ["{text: hello}", "{text: '{{ mention(ticket.assignee) }} hi', public: true}"],
    "time_entry": [
        "{duration: 15m}",
        "{duration: 1h30m, description: d, owner: a@b.co, billable: true, charge_type: Customer Service}",
    ],
    "task": [
        "{subject: Call back}",
        "{subject: Call back, due_in: 4h, calendar: support, owner: a@b.co, "
        "priority: High, status: Not Started, category: Call, description: '{{ ticket.subject }}'}",
    ],
    "reply": [
        "{from: support@zylkercorp.zohodesk.com, text: Thanks}",
        "{from: department, to: '{{ ticket.contact.email }}', text: '<b>Hi</b>', content_type: html}",
    ],
    "mark_spam": ["true"],
    "notify": [
        "{target: hook, text: hello}",
        "{target: hook, text: '#{{ ticket.ticketNumber }}', fields: {subject: '{{ ticket.subject }}', n: 1}}",
    ],
    "email": [
        "{to: assignee, subject: s, body: b}",
        "{to: [ops@example.com, {agent: a@b.co}, {team: Tier 2}, '{{ ticket.email }}'], subject: s, body: b}",
    ],
}
CALENDAR = (
    "calendars: {support: {timezone: Europe/Berlin, hours: {mon: ['09:00-17:00']}}}\n"
    "notify_targets: {hook: {url: 'http://127.0.0.1:9/hook'}}\n"
)


def test_every_action_type_has_valid_examples() -> None:
    assert sorted(VALID) == sorted(ACTION_TYPES)


@pytest.mark.parametrize(("kind", "params"), [(kind, params) for kind, forms in VALID.items() for params in forms])
def test_valid_actions_load(kind: str, params: str) -> None:
    text = f"{CALENDAR}rules:\n  - id: r\n    on: ticket.updated\n    then:\n      - {kind}: {params}\n"
    assert errors(text) == []


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("update: {priority: [High]}", "5:28: expected a string, number, true/false or null, got a list"),
        ("update: {customFields: {A: {b: 1}}}", "5:36: expected a string, number, true/false or null, got a mapping"),
        ("update: {assigneeId: '1'}", "5:17: update cannot set assigneeId; use the assign action"),
        (
            "assign: {}",
            "5:17: assign takes agent (an id, email or 'previous'), team, or strategy (round_robin or least_loaded)",
        ),
        ("assign: {agent: a@b.co, strategy: round_robin}", "5:17: assign takes agent or strategy, not both"),
        ("assign: {team: T, fallback: team}", "5:17: fallback: only with a strategy"),
        ("assign: {strategy: round_robin, fallback: team}", "5:17: fallback: team needs the team to fall back to"),
        (
            "assign: {agent: jane}",
            "5:25: expected an agent id (digits), an email address, 'previous' (the ticket's assignee before this "
            "change) or a template like '{{ previous.assigneeId }}', got 'jane'",
        ),
        (
            "add_tags: [ab]",
            "5:20: invalid tag 'ab': the Desk takes 3 to 50 characters: letters, digits, spaces and _ . - + % "
            "(or a template)",
        ),
        ("remove_tags: []", "5:22: expected at least 1 item"),
        ("assign: {strategy: fastest}", "5:28: unexpected value 'fastest'; expected 'round_robin' or 'least_loaded'"),
        (
            "assign: {agent: a@b.co, department: Billing}",
            "5:17: department: only with a strategy",
        ),
        ("assign: {strategy: round_robin, max_open_tickets: 0}", "5:59: expected a number >= 1, got 0"),
        ("move: {}", "5:15: missing required key 'department'"),
        ("move: {department: ''}", "5:28: expected a non-empty string"),
        ("comment: {text: ''}", "5:25: expected a non-empty string"),
        ("comment: {text: hi, public: sometimes}", "5:37: expected true or false, got 'sometimes'"),
        (
            "time_entry: {duration: 1.5h}",
            "5:32: invalid duration '1.5h': expected a duration like 30m, 4h, 2d or 1h30m",
        ),
        ("time_entry: {duration: 15m, owner: me}", "5:44: expected an agent id (digits) or email address, got 'me'"),
        ("task: {due_in: 1h}", "5:15: missing required key 'subject'"),
        ("task: {subject: x, due_in: -1h}", "5:36: expected a positive duration like 30m, 4h or 2d, got '-1h'"),
        ("reply: {from: a@b.co}", "5:16: missing required key 'text'"),
        (
            "reply: {from: a@b.co, text: hi, content_type: markdown}",
            "5:55: unexpected value 'markdown'; expected 'plainText' or 'html'",
        ),
        ("mark_spam: {}", "5:20: expected true or false, got a mapping"),
    ],
)
def test_invalid_actions_are_refused_with_what_was_expected(action: str, message: str) -> None:
    text = f"rules:\n  - id: r\n    on: ticket.updated\n    then:\n      - {action}\n"
    assert errors(text) == [f"rules.yaml:{message}"]


# --------------------------------------------------------------------------------------------------- update
def test_update_plans_fields_and_custom_fields_with_templates_rendered() -> None:
    plan = _plan(
        "- update: {priority: High, customFields: {Severity: 'S{{ ticket.customFields.numberOfItems }}'}, "
        "category: null}"
    )
    assert plan == [
        {
            "rule": "r",
            "version": plan[0]["version"],
            "index": 0,
            "type": "update",
            "ticket": "1892000000143237",
            "update": {"priority": "High", "category": None, "customFields": {"Severity": "S2"}},
            "batchable": False,
            "dry_run": False,
        }
    ]
    assert len(plan[0]["version"]) == 12


def test_a_constant_update_in_a_time_rule_is_batchable_and_a_templated_one_is_not() -> None:
    sweep = "{schedule: {cron: '0 * * * *'}}"
    constant = _plan("- update: {priority: High}", on=sweep, kind="schedule", extra="once: per_ticket")
    templated = _plan(
        "- update: {subject: '{{ ticket.subject }}!'}", on=sweep, kind="schedule", extra="once: per_ticket"
    )
    assert constant[0]["batchable"] is True
    assert templated[0]["batchable"] is False
    assert _plan("- update: {priority: High}")[0]["batchable"] is False  # not a sweep


# --------------------------------------------------------------------------------------------------- assign
def test_assign_to_an_agent_by_email_or_id_resolves_the_id() -> None:
    assert _plan("- assign: {agent: Lucas.Carol@zylkercorp.com}")[0]["assign"] == {
        "agent": "Lucas.Carol@zylkercorp.com",
        "agentId": LUCAS,
    }
    assert _plan(f"- assign: {{agent: '{JADE}'}}")[0]["assign"] == {"agent": JADE, "agentId": JADE}


def test_assign_to_an_agent_the_directory_lacks_is_a_failed_verdict() -> None:
    assert _failure("- assign: {agent: nobody@zylkercorp.com}") == (
        "failed: no agent 'nobody@zylkercorp.com' in the directory (5 agents known)"
    )


def test_without_a_directory_names_stay_unresolved() -> None:
    assert _plan("- assign: {agent: a@b.co}", with_directory=False)[0]["assign"] == {"agent": "a@b.co"}
    assert _plan("- move: {department: Billing}", with_directory=False)[0]["move"] == {"department": "Billing"}
    assert _plan(f"- move: {{department: '{BILLING}'}}", with_directory=False)[0]["move"] == {
        "department": BILLING,
        "departmentId": BILLING,
    }
    assert _plan("- assign: {strategy: round_robin}", with_directory=False)[0]["assign"] == {
        "strategy": "round_robin",
        "department": SUPPORT,
        "departmentId": SUPPORT,
    }


def test_round_robin_lists_the_eligible_agents_of_the_tickets_department_in_id_order() -> None:
    # given Support: Jade (4 open), Lucas (20 open), Steve (not confirmed) / when round robin without a cap
    assign = _plan("- assign: {strategy: round_robin}")[0]["assign"]
    # then the department is the ticket's, Jade and Lucas are candidates, Steve is skipped with the reason
    assert assign["department"] == "Support" and assign["departmentId"] == SUPPORT
    assert [agent["id"] for agent in assign["candidates"]] == [JADE, LUCAS]
    assert assign["candidates"][0] == {
        "id": JADE,
        "email": "jade.tywin@zylkercorp.com",
        "name": "Jade Tywin",
        "zuid": "10657727",
        "openTickets": 4,
    }
    assert [(agent["email"], agent["reason"]) for agent in assign["skipped"]] == [
        ("steve.waugh@zylkercorp.com", "not confirmed")
    ]


def test_least_loaded_with_a_cap_leaves_out_agents_at_the_cap_and_disabled_agents() -> None:
    support = _plan("- assign: {strategy: least_loaded, max_open_tickets: 20}")[0]["assign"]
    assert [agent["id"] for agent in support["candidates"]] == [JADE]
    assert ("lucas.carol@zylkercorp.com", "at cap (20 open, cap 20)") in [
        (agent["email"], agent["reason"]) for agent in support["skipped"]
    ]
    billing = _plan("- assign: {strategy: least_loaded, department: billing}")[0]["assign"]
    assert billing["department"] == "billing" and billing["departmentId"] == BILLING
    assert [agent["id"] for agent in billing["candidates"]] == [PRIYA]
    assert [agent["reason"] for agent in billing["skipped"]] == ["status DISABLED"]


def test_assign_by_strategy_in_an_unknown_department_fails() -> None:
    assert _failure("- assign: {strategy: round_robin, department: Tier 3}") == (
        "failed: no department 'Tier 3' in the directory; known: Billing, Support, Tier 2"
    )


# ----------------------------------------------------------------------------------------------------- move
@pytest.mark.parametrize("department", ["Tier 2", "tier 2", "Expert Help", TIER2])
def test_move_resolves_a_department_by_name_portal_name_or_id(department: str) -> None:
    move = _plan(f"- move: {{department: '{department}'}}")[0]["move"]
    assert move["departmentId"] == TIER2
    assert move["department"] == ("Tier 2" if department == TIER2 else department)


# --------------------------------------------------------------------------------- comment, time entry, task
def test_comment_is_private_unless_public() -> None:
    assert _plan("- comment: {text: note}")[0]["comment"] == {"text": "note", "public": False}
    assert _plan("- comment: {text: hi, public: true}")[0]["comment"] == {"text": "hi", "public": True}


def test_time_entry_splits_the_duration_and_resolves_the_owner() -> None:
    entry = _plan(
        "- time_entry: {duration: 1h30m, description: 'Triage of #{{ ticket.ticketNumber }}', "
        "owner: jade.tywin@zylkercorp.com, billable: false, charge_type: Customer Service}"
    )[0]
    assert entry["time_entry"] == {
        "duration": "1h30m",
        "hoursSpent": "1",
        "minutesSpent": "30",
        "secondsSpent": "0",
        "executedTime": "2026-12-01T10:00:00.000Z",
        "description": "Triage of #1042",
        "owner": "jade.tywin@zylkercorp.com",
        "ownerId": JADE,
        "billable": False,
        "charge_type": "Customer Service",
    }


def test_task_due_in_business_time_of_a_calendar() -> None:
    # given Tuesday 16:30 in Berlin and a calendar open 09-17 on weekdays
    rule_set_text = (
        CALENDAR.replace("mon: ['09:00-17:00']", "tue: ['09:00-17:00'], wed: ['09:00-17:00']")
        + "rules:\n  - id: r\n    on: ticket.updated\n    then:\n"
        "      - task: {subject: 'Call {{ ticket.contact.firstName }}', due_in: 2h, calendar: support,"
        " owner: jade.tywin@zylkercorp.com, priority: High}\n"
        "      - task: {subject: Plain, due_in: 2h}\n"
    )
    from tests.unit.engine.helpers import rules

    verdict = run(rules(rule_set_text), now="2026-12-01T15:30:00Z").verdict("r")
    business, plain = (action.params for action in verdict.actions)
    # then 30 minutes today and 1.5 hours tomorrow: Wednesday 10:30 Berlin; plain time is just now + 2h
    assert business == {
        "subject": "Call Hugh",
        "dueDate": "2026-12-02T09:30:00.000Z",
        "due_in": "2h",
        "owner": "jade.tywin@zylkercorp.com",
        "ownerId": JADE,
        "priority": "High",
        "departmentId": SUPPORT,
        "ticketId": "1892000000143237",
    }
    assert plain["dueDate"] == "2026-12-01T17:30:00.000Z"


# ---------------------------------------------------------------------------------------------------- reply
def test_reply_from_the_departments_address_to_the_ticket_email() -> None:
    assert _plan("- reply: {from: department, text: 'Hello {{ ticket.contact.firstName }}'}")[0]["reply"] == {
        "from": "support@zylkercorp.zohodesk.com",
        "to": "hugh.jack@globex.com",
        "text": "Hello Hugh",
        "content_type": "plainText",
        "channel": "EMAIL",
    }


def test_reply_falls_back_to_the_contact_email_and_takes_an_explicit_to() -> None:
    no_email = ticket(email=None)
    assert _plan("- reply: {from: department, text: hi}", the_ticket=no_email)[0]["reply"]["to"] == (
        "hugh.jack@globex.com"
    )
    assert (
        _plan("- reply: {from: department, to: 'ops+{{ ticket.ticketNumber }}@globex.com', text: hi}")[0]["reply"]["to"]
        == "ops+1042@globex.com"
    )


@pytest.mark.parametrize(
    ("sender", "the_ticket", "reason"),
    [
        (
            "old@zylkercorp.zohodesk.com",
            ticket(),
            "failed: 'old@zylkercorp.zohodesk.com' is not an active mail reply address in the directory",
        ),
        (
            "someone@else.com",
            ticket(),
            "failed: 'someone@else.com' is not an active mail reply address in the directory",
        ),
        (
            "department",
            ticket(departmentId=TIER2),
            f"failed: reply: no active mail reply address for department '{TIER2}'",
        ),
        (
            "department",
            ticket(email=None, contact=None),
            "failed: reply: the ticket has no email address and the action gives no 'to'",
        ),
    ],
)
def test_reply_that_cannot_be_sent_fails(sender: str, the_ticket: dict, reason: str) -> None:
    assert _failure(f"- reply: {{from: '{sender}', text: hi}}", the_ticket=the_ticket) == reason


def test_mark_spam_plans_the_flag() -> None:
    assert _plan("- mark_spam: true")[0]["mark_spam"] == {"isSpam": True}


def test_actions_are_planned_in_order_with_their_index_and_a_deterministic_id() -> None:
    plan = run(
        one_rule(
            then="- move: {department: Billing}\n- assign: {strategy: round_robin, department: Billing}"
            "\n- comment: {text: moved}"
        )
    ).actions
    assert [(action.index, action.type) for action in plan] == [(0, "move"), (1, "assign"), (2, "comment")]
    ids = [action.action_id("event-1") for action in plan]
    assert len(set(ids)) == 3 and ids == [action.action_id("event-1") for action in plan]
    assert plan[0].action_id("event-2") != ids[0]


# ------------------------------------------------------------------------------- effects on later actions
def test_later_actions_see_the_ticket_as_earlier_actions_left_it() -> None:
    # given a rule that moves to Billing, assigns Priya, sets a field, then comments about all of it
    plan = run(
        one_rule(
            then="- move: {department: Billing}\n- assign: {agent: priya.raman@zylkercorp.com}\n"
            "- update: {priority: High, customFields: {Severity: S1}}\n"
            "- comment: {text: '{{ mention(ticket.assignee) }} {{ ticket.department.name }} "
            "{{ ticket.priority }} {{ ticket.customFields.Severity }}/"
            "{{ ticket.customFields.ModelName }}'}\n"
            "- assign: {strategy: round_robin}\n"
            "- task: {subject: 'For {{ ticket.assigneeId }}'}"
        )
    ).actions
    # then the comment sees the new department, assignee, priority and custom field (old ones kept)
    assert plan[3].params["text"] == "zsu[@user:10713988]zsu Billing High S1/X1 Pro"
    # and a strategy without a department picks in the department the ticket was moved to
    assert plan[4].params["departmentId"] == BILLING
    # and the task, after a strategy assignment, names the pending assignee for the pipeline to fill in
    assert plan[5].params["subject"] == "For {assignee.id}"
    assert plan[5].pending == ("assignee",) and plan[5].params["departmentId"] == BILLING
    assert plan[5].as_dict()["pending"] == ["assignee"] and "pending" not in plan[3].as_dict()


def test_mentioning_the_assignee_picked_by_a_strategy_leaves_a_placeholder_for_the_pipeline() -> None:
    # given the DESIGN example: move to Tier 2, round robin there, then mention the assignee
    plan = run(
        one_rule(
            then="- move: {department: Tier 2}\n- assign: {strategy: round_robin, department: Tier 2}\n"
            "- comment: {text: '{{ mention(ticket.assignee) }} VIP ticket #{{ ticket.ticketNumber }}"
            " is yours'}",
            on="ticket.created",
        ),
        "ticket.created",
    ).actions
    assert plan[2].params == {"text": "zsu[@user:{assignee.zuid}]zsu VIP ticket #1042 is yours", "public": False}
    assert plan[2].pending == ("assignee",)


def test_task_due_in_days_with_a_calendar_counts_working_days() -> None:
    # given Tuesday 16:30 in Berlin, a calendar open 09-17 on Tuesdays and Wednesdays only, and a task due in 1d
    rule_set_text = (
        CALENDAR.replace("mon: ['09:00-17:00']", "tue: ['09:00-17:00'], wed: ['09:00-17:00']")
        + "rules:\n  - id: r\n    on: ticket.updated\n    then:\n"
        "      - task: {subject: Follow up, due_in: 1d, calendar: support}\n"
    )
    from tests.unit.engine.helpers import rules

    verdict = run(rules(rule_set_text), now="2026-12-01T15:30:00Z").verdict("r")
    # then it is due at the same local time the next working day (Wednesday 16:30), not 24 business hours later
    assert verdict.actions[0].params["dueDate"] == "2026-12-02T15:30:00.000Z"
