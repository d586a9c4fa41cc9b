"""notify and email: targets declared once across files, checked at load (file:line), planned per ticket."""

from __future__ import annotations

import textwrap
from typing import Any

from tests.unit.engine.helpers import JADE, errors, run, ticket
from tests.unit.engine.test_names import problems as name_problems_of
from worker.engine.loader import check_sources, load_rules_text
from worker.engine.notify_targets import needs
from worker.engine.ruleset import RuleSet

TARGETS = """
notify_targets:
  ops: {url: "https://hooks.example.com/deskpilot", secret_env: OPS_HOOK_SECRET}
  slack: {url_env: SLACK_WEBHOOK_URL, format: slack}
"""


def _rules(then: str, targets: str = TARGETS) -> RuleSet:
    body = textwrap.indent(textwrap.dedent(then).strip(), " " * 6)
    text = textwrap.dedent(targets) + f"rules:\n  - id: r\n    on: ticket.updated\n    then:\n{body}\n"
    return load_rules_text(text)


def _plan(then: str, the_ticket: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    verdict = run(_rules(then), the_ticket=the_ticket).verdict("r")
    assert verdict.status == "fired", verdict.reason
    return [action.as_dict() for action in verdict.actions]


def test_notify_plans_its_targets_declaration_and_rendered_texts() -> None:
    planned = _plan(
        """
        - notify:
            target: ops
            text: "#{{ ticket.ticketNumber }} {{ ticket.subject }}"
            fields: {n: 2, p: "{{ ticket.priority }}"}
        - notify: {target: slack, text: "hello"}
        """
    )
    assert planned[0]["notify"] == {
        "target": "ops",
        "format": "json",
        "url": "https://hooks.example.com/deskpilot",
        "secret_env": "OPS_HOOK_SECRET",
        "text": "#1042 Order 48213 has not shipped yet",
        "fields": {"n": 2, "p": "Medium"},
    }
    assert planned[1]["notify"] == {
        "target": "slack",
        "format": "slack",
        "url_env": "SLACK_WEBHOOK_URL",
        "text": "hello",
    }


def test_targets_are_checked_at_load_with_their_place() -> None:
    text = TARGETS + textwrap.dedent(
        """
        rules:
          - id: r
            on: ticket.updated
            then:
              - notify: {target: opps, text: hi}
              - notify: {target: slack, text: hi, fields: {a: 1}}
        """
    )
    assert errors(text) == [
        "rules.yaml:10:26: unknown notify target 'opps'; expected one of: ops, slack",
        "rules.yaml:11:51: fields go to json targets; 'slack' is slack",
    ]


def test_a_target_takes_a_url_or_its_variable_and_never_a_secret() -> None:
    found = errors(
        """
        notify_targets:
          a: {secret_env: S}
          b: {url: "ftp://x", format: teams}
          c: {url: "https://x.example", secret: hunter2}
          "bad name": {url: "https://x.example"}
        """
    )
    assert any("a: " not in line and "either url or url_env" in line for line in found)
    assert any("expected an http(s) URL" in line for line in found)
    assert any(":5:" in line and "secret" in line for line in found)
    assert any("invalid target name 'bad name'" in line for line in found)
    assert "secret_env" not in repr(_rules("- notify: {target: ops, text: hi}").notify_targets["ops"].where)


def test_a_target_name_is_declared_once_across_files() -> None:
    _, found = check_sources([("a.yaml", TARGETS), ("b.yaml", "notify_targets: {ops: {url: 'https://y.example'}}\n")])
    assert [str(problem) for problem in found] == ["b.yaml:1:18: notify target 'ops' is already declared at a.yaml:3:3"]


def test_email_recipients_are_resolved_as_far_as_planning_can() -> None:
    assigned = ticket(assigneeId=JADE, assignee={"id": JADE, "email": "jade.tywin@zylkercorp.com"})
    planned = _plan(
        """
        - email:
            to: [assignee, ops@example.com, {agent: lucas.carol@zylkercorp.com}, {team: Tier 2}, "{{ ticket.email }}"]
            subject: "Ticket #{{ ticket.ticketNumber }}\\ninjected: header"
            body: "{{ ticket.subject }}"
        """,
        assigned,
    )
    assert planned[0]["email"] == {
        "to": [
            {"assignee": True, "agentId": JADE, "address": "jade.tywin@zylkercorp.com"},
            {"address": "ops@example.com"},
            {
                "agent": "lucas.carol@zylkercorp.com",
                "agentId": "1892000000056007",
                "address": "lucas.carol@zylkercorp.com",
            },
            {"team": "Tier 2"},
            {"address": "hugh.jack@globex.com"},
        ],
        "subject": "Ticket #1042 injected: header",
        "body": "Order 48213 has not shipped yet",
    }


def test_an_email_with_no_recipient_left_fails_its_rule_alone() -> None:
    rules = _rules("- email: {to: assignee, subject: s, body: b}")
    verdict = run(rules, the_ticket=ticket(assigneeId=None, assignee=None)).verdict("r")
    assert verdict.status == "failed"
    assert "email: no recipient (assignee: the ticket is unassigned)" in verdict.reason
    rules = _rules("- email: {to: ['{{ ticket.subject }}'], subject: s, body: b}")
    assert "not one email address" in run(rules).verdict("r").reason


def test_an_unassigned_assignee_is_left_out_when_others_remain() -> None:
    planned = _plan("- email: {to: [assignee, ops@example.com], subject: s, body: b}", ticket(assigneeId=None))
    assert planned[0]["email"]["to"] == [{"address": "ops@example.com"}]
    assert planned[0]["email"]["unresolved"] == ["assignee: the ticket is unassigned"]


def test_recipients_are_validated_at_load() -> None:
    found = errors(
        "rules:\n  - id: r\n    on: ticket.updated\n    then:\n      - email: {to: [bob], subject: s, body: b}\n"
    )
    assert found == [
        "rules.yaml:5:22: expected 'assignee', an email address (may be a template), {agent: ...} or {team: ...}, "
        "got 'bob'"
    ]


def test_needs_lists_the_variables_and_email_rules_a_deployment_must_provide() -> None:
    rules = _rules(
        """
        - notify: {target: ops, text: hi}
        - email: {to: ops@example.com, subject: s, body: b}
        """
    )
    found = needs(rules)
    assert found.env == {"OPS_HOOK_SECRET": "notify target 'ops' (rules.yaml:3:3)"}  # slack is declared, unused
    assert found.email_at == ["rules.yaml:6"]


def test_the_assignee_a_strategy_will_pick_is_filled_in_by_the_worker() -> None:
    planned = _plan(
        """
        - assign: {strategy: round_robin, department: Tier 2}
        - email: {to: assignee, subject: s, body: b}
        """,
        ticket(assigneeId=None, assignee=None),
    )
    assert planned[1]["email"]["to"] == [{"assignee": True, "agentId": "{assignee.id}"}]
    assert planned[1]["pending"] == ["assignee"]


def test_agents_teams_and_mentions_an_email_names_are_checked_against_the_desk() -> None:
    text = textwrap.dedent(
        """
        rules:
          - id: r
            on: ticket.updated
            then:
              - email:
                  to: [{agent: jade.tywin@zylkercorp.com}, {agent: nobody@zylkercorp.com}, {team: Suport Team}]
                  subject: s
                  body: '{{ mention("ghost@zylkercorp.com") }} look'
        """
    )
    found = name_problems_of(text)
    assert [line.split(": ", 1)[0] for line in found] == ["rules.yaml:7:60", "rules.yaml:7:91", "rules.yaml:9:17"]
    assert "nobody@zylkercorp.com" in found[0] and "Support Team" in found[1] and "ghost" in found[2]


def test_a_shadow_or_disabled_rule_needs_nothing_of_the_deployment() -> None:
    for control in ("dry_run: true", "enabled: false"):
        text = TARGETS + f"rules:\n  - id: r\n    on: ticket.updated\n    {control}\n    then:\n"
        text += "      - notify: {target: ops, text: hi}\n      - email: {to: a@example.com, subject: s, body: b}\n"
        found = needs(load_rules_text(text))
        assert (found.env, found.email_at) == ({}, [])
