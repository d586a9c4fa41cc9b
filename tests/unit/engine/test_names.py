"""Names a rule set uses, checked against a hand-built Desk catalogue (worker/engine/names.py)."""

from __future__ import annotations

from worker.engine.loader import load_rules_text
from worker.engine.names import Catalogue, name_problems

CATALOGUE = Catalogue(
    departments=[{"id": "11", "name": "Support"}, {"id": "12", "name": "Billing"}, {"id": "13", "name": "Tier 2"}],
    agents=[
        {"id": "21", "emailId": "jade.tywin@zylkercorp.com"},
        {"id": "22", "emailId": "omar.haddad@zylkercorp.com"},
    ],
    teams=[{"id": "31", "name": "Support Team"}],
    fields=[
        {"apiName": "status", "allowedValues": ["Open", "On Hold", "Escalated", "Closed"]},
        {"apiName": "priority", "allowedValues": ["Low", "Medium", "High", "Urgent"]},
        {"apiName": "channel", "allowedValues": ["Email", "Phone"]},
        {"apiName": "subject"},
        {
            "apiName": "cf_model_name",
            "displayLabel": "ModelName",
            "isCustomField": True,
            "allowedValues": ["X1 Pro", "X1 Lite"],
        },
        {"apiName": "cf_plan", "displayLabel": "Plan", "isCustomField": True},
    ],
    layouts=[{"id": "41", "layoutName": "Support Layout"}],
    mail_reply_addresses=[{"id": "51", "address": "support@zylker.zohodesk.com"}],
)


def problems(text: str, catalogue: Catalogue = CATALOGUE) -> list[str]:
    rules = load_rules_text(text, "rules.yaml")
    return [str(problem) for problem in name_problems(rules, {"1": catalogue}, lambda _: text)]


def rule(condition: str, actions: str = "[{comment: {text: hi}}]") -> str:
    return f"rules:\n  - id: r1\n    on: ticket.updated\n    if: {condition}\n    then: {actions}\n"


def test_known_names_pass() -> None:
    # given a rule naming only what the Desk has
    text = rule(
        "{all: [{field: department.name, equals: Billing}, {field: status, in: [Open, On Hold]}, "
        "{field: cf.cf_model_name, equals: X1 Pro}, {field: team.name, equals: Support Team}]}",
        "[{move: {department: tier 2}}, {assign: {agent: Jade.Tywin@zylkercorp.com}}, "
        "{update: {priority: High, cf: {cf_plan: gold}}}]",
    )
    # then nothing is reported
    assert problems(text) == []


def test_unknown_department_in_a_condition_and_a_move_with_suggestions() -> None:
    text = rule("{field: department.name, equals: Biling}", "[{move: {department: Biling}}]")
    assert problems(text) == [
        "rules.yaml:4:42: unknown department 'Biling' (did you mean 'Billing'?); the Desk has: Billing, Support, "
        "Tier 2",
        "rules.yaml:5:32: unknown department 'Biling' (did you mean 'Billing'?); the Desk has: Billing, Support, "
        "Tier 2",
    ]


def test_status_in_a_list_is_reported_at_its_item_and_case_matters_in_conditions() -> None:
    text = rule("{field: status, in: [Open, On hold, Pending]}")
    found = problems(text)
    assert found[0].startswith("rules.yaml:4:36: status 'On hold' is written 'On Hold' in the Desk")
    assert "ignore_case" in found[0]
    assert found[1].startswith("rules.yaml:4:45: unknown status 'Pending'")
    assert len(found) == 2


def test_ignore_case_accepts_a_value_that_differs_only_in_case() -> None:
    assert problems(rule("{field: status, equals: on hold, ignore_case: true}")) == []


def test_priority_in_an_update_and_an_unknown_agent_email() -> None:
    text = rule(
        "{field: priority, changed_to: Hgh}", "[{update: {priority: Hgh}}, {assign: {agent: jade.tywn@zylkercorp.com}}]"
    )
    found = problems(text)
    assert len(found) == 3
    assert "unknown priority 'Hgh' (did you mean 'High'?)" in found[0] and found[0].startswith("rules.yaml:4:")
    assert found[1].startswith("rules.yaml:5:") and "unknown priority 'Hgh'" in found[1]
    assert "unknown agent 'jade.tywn@zylkercorp.com' (did you mean 'jade.tywin@zylkercorp.com'?)" in found[2]
    assert "the Desk has" not in found[2]  # agents' emails are not listed


def test_unknown_custom_fields_in_conditions_and_updates() -> None:
    text = rule(
        "{field: cf.cf_plna, equals: gold}", "[{update: {customFields: {ModelNam: X1 Pro}, cf: {cf_model_name: X2}}}]"
    )
    found = problems(text)
    assert found[0] == (
        "rules.yaml:4:17: no custom field cf.cf_plna: unknown custom field (API name) 'cf_plna' "
        "(did you mean 'cf_plan'?); the Desk has: cf_model_name, cf_plan"
    )
    assert "customFields.ModelNam" in found[1] and "did you mean 'ModelName'?" in found[1]
    assert "unknown cf.cf_model_name value 'X2'" in found[2]


def test_mentions_in_a_multiline_template_point_at_their_line() -> None:
    text = (
        "rules:\n  - id: r1\n    on: ticket.updated\n    then:\n      - comment:\n          text: |\n"
        '            hello\n            {{ mention("nobody@zylkercorp.com") }} look\n'
    )
    assert problems(text) == ["rules.yaml:8:17: mention(): unknown agent 'nobody@zylkercorp.com'"]


def test_templates_ids_and_reply_addresses() -> None:
    text = rule(
        "{field: departmentId, in: ['11', '99']}",
        "[{update: {status: '{{ previous.status }}'}}, "
        "{reply: {from: helpdesk@zylker.zohodesk.com, text: hi}}, {reply: {from: department, text: hi}}]",
    )
    found = problems(text)
    assert len(found) == 2
    assert "unknown department '99'" in found[0]
    assert "unknown reply address 'helpdesk@zylker.zohodesk.com'" in found[1]


def test_sla_policy_statuses_priorities_and_escalation_actions() -> None:
    text = (
        "sla_policies:\n  - id: p1\n    pause_statuses: [Waiting]\n    metrics:\n      first_response:\n"
        "        targets: {Urgent: 1h, default: 8h}\n        escalations:\n"
        "          - {at: 0, then: [{move: {department: Tier 3}}]}\n"
    )
    found = problems(text)
    assert found[0].startswith("rules.yaml:3:22: unknown status 'Waiting'")
    assert found[1].startswith("rules.yaml:8:48: unknown department 'Tier 3' (did you mean 'Tier 2'?)")
    assert len(found) == 2


def test_lists_the_catalogue_lacks_are_not_checked() -> None:
    text = rule("{field: status, equals: Anything}", "[{move: {department: Nowhere}}]")
    assert problems(text, Catalogue()) == []


def test_a_name_only_some_orgs_lack_is_a_warning_naming_them_and_one_no_org_has_is_an_error() -> None:
    text = rule("{field: team.name, equals: Ops}")
    rules = load_rules_text(text, "rules.yaml")
    [partial] = name_problems(
        rules, {"2389290": CATALOGUE, "1": Catalogue.from_data({"teams": [{"name": "Ops"}]})}, lambda _: text
    )
    assert not partial.is_error and "[org 2389290; the other orgs have it]" in partial.message
    [everywhere] = name_problems(rules, {"2389290": CATALOGUE, "1": CATALOGUE}, lambda _: text)
    assert everywhere.is_error and "[org" not in everywhere.message
