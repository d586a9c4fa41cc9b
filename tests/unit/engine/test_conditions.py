"""all / any / not nesting, and the first failing condition every verdict reports."""

from __future__ import annotations

from tests.unit.engine.helpers import one_rule, run, ticket
from worker.engine.conditions import Failure


def test_a_rule_without_conditions_always_matches() -> None:
    assert run(one_rule()).fired_ids == ["r"]


def test_all_reports_its_first_failing_condition_in_order() -> None:
    # given all of three tests, the second and third failing
    rule_set = one_rule(
        "{all: [{field: status, equals: Open}, {field: priority, equals: High}, {field: channel, equals: Phone}]}"
    )
    # when evaluated / then the verdict names the second test, with what the ticket had
    verdict = run(rule_set).verdict("r")
    assert verdict.status == "not_matched"
    assert verdict.failure == Failure("priority", "equals", "High", "Medium")
    assert verdict.reason == "priority equals 'High': actual 'Medium'"
    assert verdict.as_dict()["failure"] == {
        "path": "priority",
        "operator": "equals",
        "expected": "High",
        "actual": "Medium",
    }


def test_any_matches_when_one_alternative_does_and_otherwise_lists_every_failure() -> None:
    rule_set = one_rule("{any: [{field: priority, equals: High}, {field: channel, in: [Phone, Chat]}]}")
    assert run(rule_set, the_ticket=ticket(channel="Chat")).fired_ids == ["r"]
    verdict = run(rule_set).verdict("r")
    assert verdict.failure.operator == "any"
    assert [child[:4] for child in verdict.failure.children] == [
        ("priority", "equals", "High", "Medium"),
        ("channel", "in", ["Phone", "Chat"], "Email"),
    ]
    assert verdict.reason == (
        "none of: (priority equals 'High': actual 'Medium'); (channel in ['Phone', 'Chat']: actual 'Email')"
    )


def test_not_of_a_test_fails_with_the_test_that_held() -> None:
    rule_set = one_rule("{not: {field: status, in: [Closed, On Hold]}}")
    assert run(rule_set).fired_ids == ["r"]
    verdict = run(rule_set, the_ticket=ticket(status="Closed")).verdict("r")
    assert verdict.failure == Failure("status", "not in", ["Closed", "On Hold"], "Closed")


def test_not_of_a_group_fails_saying_the_group_held() -> None:
    rule_set = one_rule("{not: {all: [{field: status, equals: Open}, {field: priority, equals: Medium}]}}")
    verdict = run(rule_set).verdict("r")
    assert verdict.failure == Failure("", "not", None, "the negated condition held")
    assert run(rule_set, the_ticket=ticket(priority="High")).fired_ids == ["r"]


def test_deep_nesting_evaluates_as_written() -> None:
    # given (VIP or Urgent) and not (Closed) and (channel Email or (Phone and High))
    rule_set = one_rule(
        "{all: [{any: [{field: contact.account.accountName, in: [Zylker]}, {field: priority, equals: Urgent}]},"
        " {not: {field: status, equals: Closed}},"
        " {any: [{field: channel, equals: Email}, {all: [{field: channel, equals: Phone}, "
        "{field: priority, in: [High, Urgent]}]}]}]}"
    )
    urgent_phone = ticket(priority="Urgent", channel="Phone")
    assert run(rule_set, the_ticket=urgent_phone).fired_ids == ["r"]
    assert run(rule_set, the_ticket=ticket(priority="Urgent", channel="Chat")).fired_ids == []
    assert run(rule_set, the_ticket=dict(urgent_phone, status="Closed")).fired_ids == []
    assert run(rule_set).verdict("r").failure.operator == "any"  # the first group failed


def test_long_all_lists_report_the_first_failure_too() -> None:
    tests = ", ".join(f"{{field: threadCount, gt: {n}}}" for n in range(6))
    verdict = run(one_rule(f"{{all: [{tests}]}}"), the_ticket=ticket(threadCount="3")).verdict("r")
    assert verdict.failure == Failure("threadCount", "gt", 3, "3")
