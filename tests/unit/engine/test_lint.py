"""Lints at load: time rules that would act on every sweep, time tests inside any, unknown fields, dead rules."""

from __future__ import annotations

import pytest

from tests.unit.engine.helpers import errors, problems

SWEEP = "{schedule: {cron: '*/5 * * * *'}}"


def _time_rule(condition: str, then: str, extra: str = "") -> str:
    return f"""
        rules:
          - id: sweep
            on: {SWEEP}
            if: {condition}
            then: {then}
            {extra}
        """


def test_a_time_rule_without_once_or_a_nullifying_condition_is_refused() -> None:
    # given a sweep that escalates open tickets and leaves them open / when loaded / then refused, at `on`
    found = errors(_time_rule("{field: status, equals: Open}", "[{update: {priority: High}}]"))
    assert found == [
        "rules.yaml:4:9: time rule 'sweep' would act on every sweep: add once: per_ticket, once: {per_anchor: "
        "FIELD}, or a condition its own actions make false (e.g. set status On Hold and require status not_in "
        "[On Hold])"
    ]


@pytest.mark.parametrize(
    ("condition", "then", "extra"),
    [
        ("{field: status, equals: Open}", "[{update: {priority: High}}]", "once: per_ticket"),
        ("{field: status, equals: Open}", "[{update: {priority: High}}]", "once: {per_anchor: customerResponseTime}"),
        (
            "{all: [{field: priority, in: [High]}, {field: status, not_in: [On Hold]}]}",
            "[{update: {status: On Hold}}]",
            "",
        ),
        ("{not: {field: status, equals: Escalated}}", "[{update: {status: Escalated}}]", ""),
        ("{field: assigneeId, exists: false}", "[{assign: {strategy: round_robin}}]", ""),
        ("{field: department.name, is_empty: true}", "[{move: {department: Support}}]", ""),
        ("{field: customFields.Escalated, not_equals: 'yes'}", "[{update: {customFields: {Escalated: 'yes'}}}]", ""),
        ("{field: priority, not_in: [Urgent]}", "[{comment: {text: hi}}, {update: {priority: Urgent}}]", ""),
    ],
)
def test_a_time_rule_with_once_or_a_condition_its_actions_make_false_loads(
    condition: str, then: str, extra: str
) -> None:
    assert errors(_time_rule(condition, then, extra)) == []


@pytest.mark.parametrize(
    ("condition", "then"),
    [
        # the test sits inside any: the other alternative can keep the rule matching
        (
            "{any: [{field: status, not_in: [On Hold]}, {field: priority, equals: High}]}",
            "[{update: {status: On Hold}}]",
        ),
        # a template value is not known at load
        ("{field: status, not_in: [On Hold]}", "[{update: {status: '{{ ticket.category }}'}}]"),
        # setting another value that still passes the test
        ("{field: status, not_in: [On Hold]}", "[{update: {status: Escalated}}]"),
        # an assignment makes exists: false false, but not equals: someone
        ("{field: assigneeId, not_equals: '1'}", "[{assign: {strategy: round_robin}}]"),
    ],
)
def test_conditions_the_actions_do_not_surely_make_false_do_not_count(condition: str, then: str) -> None:
    assert len(errors(_time_rule(condition, then))) == 1


@pytest.mark.parametrize(
    "condition",
    [
        "{any: [{field: createdTime, older_than: 4h}, {field: priority, equals: High}]}",
        "{any: [{not: {field: createdTime, newer_than: 4h}}, {field: priority, equals: High}]}",
        "{all: [{field: status, equals: Open}, {any: [{all: [{field: dueDate, older_than: 1h}]}]}]}",
    ],
)
def test_time_conditions_inside_any_are_refused(condition: str) -> None:
    found = errors(f"""
        rules:
          - id: r
            on: ticket.replied
            if: {condition}
            then: [{{mark_spam: true}}]
        """)
    assert len(found) == 1
    assert found[0].startswith("rules.yaml:5:")
    assert "is not allowed inside any; put it at the top level or under all" in found[0]


def test_unknown_field_paths_are_errors_with_a_suggestion_and_custom_fields_are_free() -> None:
    found = problems("""
        rules:
          - id: r
            on: ticket.updated
            if:
              all:
                - {field: priorty, equals: High}
                - {field: flavour, equals: vanilla}
                - {field: customFields.Anything Goes, exists: true}
                - {field: cf.cf_model, exists: true}
                - {field: contact.account.accountName, exists: true}
                - {field: contact.cf.cf_tier, exists: true}
            once: {per_anchor: customerResponseTim}
            then: [{mark_spam: true}]
        """)
    assert found == [
        "rules.yaml:7:19: no ticket has the field 'priorty' (did you mean 'priority'?); custom fields are "
        "customFields.NAME or cf.NAME",
        "rules.yaml:8:19: no ticket has the field 'flavour'; custom fields are customFields.NAME or cf.NAME",
        "rules.yaml:13:24: no ticket has the field 'customerResponseTim' (did you mean "
        "'customerResponseTime'?); custom fields are customFields.NAME or cf.NAME",
    ]


def test_a_cf_key_that_is_no_api_name_is_a_warning_in_conditions_and_updates() -> None:
    found = problems("""
        rules:
          - id: r
            on: ticket.updated
            if: {field: cf.plna, equals: gold}
            then: [{update: {cf: {cf_plan: gold, Plan: gold}}}]
        """)
    assert found == [
        "rules.yaml:5:17: warning: 'cf.plna': cf. takes a custom field's API name, which starts with cf_ (e.g. "
        "cf.cf_plna); for the field's label write customFields.plna",
        "rules.yaml:6:42: warning: 'cf.Plan': cf. takes a custom field's API name, which starts with cf_ (e.g. "
        "cf.cf_plan); for the field's label write customFields.Plan",
    ]


def test_change_operators_in_a_time_rule_are_a_warning() -> None:
    found = problems(_time_rule("{field: priority, changed_to: High}", "[{mark_spam: true}]", "once: per_ticket"))
    assert found == ["rules.yaml:5:27: warning: changed_to never matches in a time rule: a sweep carries no change"]


def test_a_rule_after_an_unconditional_stop_on_the_same_events_is_a_warning() -> None:
    found = problems("""
        rules:
          - id: catch-all
            on: [ticket.created, ticket.updated]
            then: [{update: {category: general}}]
            stop: true
          - id: never
            on: ticket.created
            then: [{mark_spam: true}]
          - id: sometimes
            on: [ticket.created, ticket.replied]
            then: [{mark_spam: true}]
        """)
    assert found == [
        "rules.yaml:7:5: warning: rule 'never' never runs: rule 'catch-all' (rules.yaml:3) has stop: true and no "
        "condition, so it stops every ticket.created event first"
    ]


@pytest.mark.parametrize("stopper", ["if: {field: status, equals: Open}", "dry_run: true", "enabled: false"])
def test_a_conditional_shadow_or_disabled_stop_hides_no_rule(stopper: str) -> None:
    found = problems(f"""
        rules:
          - id: first
            on: ticket.created
            then: [{{update: {{category: general}}}}]
            stop: true
            {stopper}
          - id: second
            on: ticket.created
            then: [{{mark_spam: true}}]
        """)
    assert found == []
