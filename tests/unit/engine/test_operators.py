"""Every condition operator, with the Desk's habits (numeric strings, "false", ISO times with milliseconds)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from tests.unit.engine.helpers import one_rule, problems, run, ticket
from worker.engine.operators import value_test

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("operator", "expected", "actual", "result"),
    [
        ("equals", "High", "High", True),
        ("equals", "High", "high", False),
        ("equals", "High", None, False),
        ("equals", 101, "101", True),
        ("equals", 1892000000082069, "1892000000082069", True),
        ("equals", 9007199254740993, "9007199254740992", False),  # ids compare exactly, not as floats
        ("equals", "101", 101, True),
        ("equals", 1.5, "1.50", True),
        ("equals", False, "false", True),
        ("equals", True, "false", False),
        ("equals", True, 1, False),
        ("equals", "vip", ["beta", "vip"], True),
        ("not_equals", "High", "Low", True),
        ("not_equals", "High", "High", False),
        ("not_equals", "High", None, True),
        ("not_equals", "vip", ["beta", "vip"], False),
        ("in", ["High", "Urgent"], "Urgent", True),
        ("in", ["High", "Urgent"], "Low", False),
        ("in", ["High", "Urgent"], None, False),
        ("in", [1, 2], "2", True),
        ("in", ["2"], 2, True),
        ("in", ["vip", "gold"], ["beta", "gold"], True),
        ("in", ["vip", "gold"], ["beta"], False),
        ("not_in", ["Closed"], "Open", True),
        ("not_in", ["Closed"], "Closed", False),
        ("not_in", ["Closed"], None, True),
        ("not_in", ["vip"], ["beta", "vip"], False),
        ("contains", "voice", "Invoice 42", True),
        ("contains", "VOICE", "Invoice 42", False),
        ("contains", "40", 404, True),
        ("contains", "vip", ["beta", "vip"], True),
        ("contains", "vip", ["vipers"], False),
        ("contains", "x", None, False),
        ("starts_with", "Inv", "Invoice 42", True),
        ("starts_with", "inv", "Invoice 42", False),
        ("starts_with", "Inv", None, False),
        ("ends_with", "@spam.example", "win@spam.example", True),
        ("ends_with", "@spam.example", "win@spam.example.org", False),
        ("ends_with", "x", {"a": 1}, False),
        ("matches", r"\binvoice \d+", "Re: invoice 42", True),
        ("matches", r"\binvoice \d+", "Re: Invoice 42", False),
        ("matches", r"^\d+$", 121, True),
        ("matches", r".*", None, False),
        ("exists", True, "", True),
        ("exists", True, None, False),
        ("exists", False, None, True),
        ("exists", False, "x", False),
        ("is_empty", True, None, True),
        ("is_empty", True, "", True),
        ("is_empty", True, "   ", True),
        ("is_empty", True, [], True),
        ("is_empty", True, {}, True),
        ("is_empty", True, 0, False),
        ("is_empty", False, "x", True),
        ("gt", 5, "121", True),
        ("gt", 5, "5", False),
        ("gte", 5, "5", True),
        ("lt", 5, 4, True),
        ("lte", 5, "5.0", True),
        ("gt", 5, "many", False),
        ("gt", 5, None, False),
        ("gt", 0, True, False),
        ("lt", "2026-12-01T10:00:00Z", "2026-12-01T09:59:59.999Z", True),
        ("lt", "2026-12-01T10:00:00Z", "2026-12-01T10:00:00.000Z", False),
        ("gte", "2026-12-01T10:00:00Z", "2026-12-01T11:00:00+01:00", True),
        ("gt", "2026-12-01T10:00:00Z", "2026-12-01T10:00:01", True),
        ("lt", "2026-12-01T10:00:00Z", "not a time", False),
        ("lt", "now", "2026-12-01T09:59:00.000Z", True),
        ("lt", "now", "2026-12-01T10:01:00.000Z", False),
        ("gt", "now - 1h", "2026-12-01T09:30:00.000Z", True),
        ("gt", "now - 1h", "2026-12-01T08:30:00.000Z", False),
        ("lt", "now + 2h", "2026-12-01T11:00:00.000Z", True),
        ("lte", "now+30m", "2026-12-01T10:30:00.000Z", True),
    ],
)
def test_value_operators(operator: str, expected: Any, actual: Any, result: bool) -> None:
    # given an operator compiled with its expected value / when the ticket's value is tested / then
    assert value_test(operator, expected)(actual, NOW) is result


@pytest.mark.parametrize(
    ("operator", "expected", "actual", "result"),
    [
        ("equals", "HIGH", "high", True),
        ("not_equals", "HIGH", "high", False),
        ("in", ["HIGH", "URGENT"], "urgent", True),
        ("not_in", ["HIGH"], "high", False),
        ("contains", "VOICE", "Invoice 42", True),
        ("starts_with", "inv", "Invoice 42", True),
        ("ends_with", "@SPAM.EXAMPLE", "win@spam.example", True),
        ("matches", r"\binvoice \d+", "Re: Invoice 42", True),
    ],
)
def test_string_operators_ignore_case_when_asked(operator: str, expected: Any, actual: Any, result: bool) -> None:
    # given ignore_case / when the values differ only in case / then they match
    assert value_test(operator, expected, ignore_case=True)(actual, NOW) is result


def test_operators_read_nested_paths_and_custom_fields_through_the_rule() -> None:
    # given a rule on an embedded account name and a custom field
    rule_set = one_rule(
        "{all: [{field: contact.account.accountName, in: [Globex]}, "
        "{field: customFields.ModelName, starts_with: X1}, {field: cf.cf_missing, exists: false}]}"
    )
    # when a Globex ticket about an X1 is evaluated / then the rule fires
    assert run(rule_set).fired_ids == ["r"]
    # and a number in a path steps into a list
    listed = one_rule("{field: sharedDepartments.1.name, equals: Billing}")
    shared = ticket(sharedDepartments=[{"name": "Sales"}, {"name": "Billing"}])
    assert run(listed, the_ticket=shared).fired_ids == ["r"]
    assert run(listed, the_ticket=ticket(sharedDepartments=[{"name": "Sales"}])).fired_ids == []
    # and when the account is missing altogether / then the first failing test says so
    verdict = run(rule_set, the_ticket=ticket(contact=None)).verdict("r")
    assert verdict.failure[:4] == ("contact.account.accountName", "in", ["Globex"], None)


@pytest.mark.parametrize("bound", ["soon", "now - forever", "2026-13-01T00:00:00Z", "[1]"])
def test_an_ordering_bound_that_is_neither_number_time_nor_now_is_a_load_error(bound: str) -> None:
    # given gt with a bad bound / when the rule loads / then the error says what a bound may be
    found = problems(f"""
        rules:
          - id: r
            on: ticket.updated
            if: {{field: dueDate, gt: "{bound}"}}
            then: [{{update: {{priority: High}}}}]
        """)
    assert len(found) == 1
    assert found[0].startswith("rules.yaml:5:30: ")
    assert "expected a number, an ISO time or now[+/-duration]" in found[0] or "invalid duration" in found[0]


# ------------------------------------------------------------------------------------------ changed family
@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        ("Low", "High", True),
        ("High", "High", False),
        (None, "High", True),  # a first value set from empty counts as a change (Zendesk)
        ("", "High", True),
        ("High", None, True),  # clearing a field is a change too
        (None, "", False),  # blank to blank is no change
        ("5", 5, False),  # the Desk's "5" and a YAML 5 are the same value
        ("false", False, False),
    ],
)
def test_changed_compares_previous_and_current_values(old: Any, new: Any, changed: bool) -> None:
    # given a rule on `changed: true` / when the ticket moved from old to new / then it fires only on a change
    rule_set = one_rule("{field: priority, changed: true}")
    evaluation = run(rule_set, the_ticket=ticket(priority=new), previous=ticket(priority=old))
    assert (evaluation.fired_ids == ["r"]) is changed
    # and not_changed / changed: false are its exact opposite
    for condition in ("{field: priority, not_changed: true}", "{field: priority, changed: false}"):
        opposite = run(one_rule(condition), the_ticket=ticket(priority=new), previous=ticket(priority=old))
        assert (opposite.fired_ids == ["r"]) is not changed


def test_changed_to_and_changed_from_need_a_change() -> None:
    # given rules on changed_to High and changed_from Low
    to_high = one_rule("{field: priority, changed_to: High}")
    from_low = one_rule("{field: priority, changed_from: Low}")
    # when Low -> High / then both fire
    assert run(to_high, the_ticket=ticket(priority="High"), previous=ticket(priority="Low")).fired_ids == ["r"]
    assert run(from_low, the_ticket=ticket(priority="High"), previous=ticket(priority="Low")).fired_ids == ["r"]
    # when the ticket was High before and still is / then changed_to does not fire (no change)
    unchanged = run(to_high, the_ticket=ticket(priority="High"), previous=ticket(priority="High"))
    assert unchanged.fired_ids == []
    assert unchanged.verdict("r").failure.actual == "unchanged"
    # when Low -> Medium / then changed_to High does not fire and the failure shows the change
    other = run(to_high, the_ticket=ticket(priority="Medium"), previous=ticket(priority="Low")).verdict("r")
    assert other.failure[:4] == ("priority", "changed_to", "High", {"from": "Low", "to": "Medium"})


def test_changed_to_null_means_cleared_and_changed_from_null_means_first_set() -> None:
    # given rules on a field cleared / set for the first time
    cleared = one_rule("{field: assigneeId, changed_to: null}")
    first_set = one_rule("{field: assigneeId, changed_from: null}")
    assigned, unassigned = ticket(assigneeId="1"), ticket(assigneeId=None)
    # when the assignee is removed / then only "cleared" fires; when set from nothing / then only "first set"
    assert run(cleared, the_ticket=unassigned, previous=assigned).fired_ids == ["r"]
    assert run(first_set, the_ticket=unassigned, previous=assigned).fired_ids == []
    assert run(first_set, the_ticket=assigned, previous=unassigned).fired_ids == ["r"]
    assert run(cleared, the_ticket=assigned, previous=unassigned).fired_ids == []


def test_changed_to_honours_ignore_case() -> None:
    rule_set = one_rule("{field: status, changed_to: ON HOLD, ignore_case: true}")
    assert run(rule_set, the_ticket=ticket(status="On Hold"), previous=ticket()).fired_ids == ["r"]


def test_on_ticket_created_every_non_empty_field_counts_as_changed_from_empty() -> None:
    # given rules on changed priority / changed assignee, listening to ticket.created
    priority = one_rule("{field: priority, changed_from: null}", on="ticket.created")
    assignee = one_rule("{field: assigneeId, changed: true}", on="ticket.created")
    # when a ticket is created with a priority but no assignee / then priority changed, assignee did not
    assert run(priority, "ticket.created").fired_ids == ["r"]
    assert run(assignee, "ticket.created").fired_ids == []


def test_without_previous_or_changes_an_update_changed_nothing() -> None:
    # given an update event that carries neither a previous ticket nor changes
    # when changed / not_changed are tested / then nothing changed
    assert run(one_rule("{field: priority, changed: true}")).fired_ids == []
    assert run(one_rule("{field: priority, not_changed: true}")).fired_ids == ["r"]


def test_the_pollers_changes_are_used_and_win_over_previous() -> None:
    # given the poller's change list {priority: [Low, High]} and a previous ticket that disagrees
    rule_set = one_rule("{field: priority, changed_from: Low}")
    changes = {"priority": ["Low", "High"]}
    # when evaluated / then the change list decides
    assert run(rule_set, the_ticket=ticket(priority="High"), changes=changes).fired_ids == ["r"]
    assert run(
        rule_set, the_ticket=ticket(priority="High"), previous=ticket(priority="Medium"), changes=changes
    ).fired_ids == ["r"]
    # and a field absent from the change list did not change, whatever previous says
    assert (
        run(one_rule("{field: status, changed: true}"), previous=ticket(status="Closed"), changes=changes).fired_ids
        == []
    )


def test_a_nested_path_is_found_in_the_change_of_its_top_level_field() -> None:
    # given changes of the whole customFields mapping, and of one custom field by its path
    rule_set = one_rule("{field: customFields.ModelName, changed_to: X1 Lite}")
    whole = {"customFields": [{"ModelName": "X1 Pro"}, {"ModelName": "X1 Lite"}]}
    by_path = {"customFields.ModelName": ["X1 Pro", "X1 Lite"]}
    # when evaluated / then both forms are understood
    assert run(rule_set, changes=whole).fired_ids == ["r"]
    assert run(rule_set, changes=by_path).fired_ids == ["r"]
    # and a change of another custom field is not a change of this one
    other = {"customFields": [{"ModelName": "X1 Pro", "numberOfItems": "1"}, {"ModelName": "X1 Pro"}]}
    assert run(rule_set, changes=other).fired_ids == []
