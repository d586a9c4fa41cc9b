"""`rules test`: running rule test cases and saying readably what differs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from worker.engine.ruletests import find_test_files, partial_diff, run_rule_tests

RULES = """
rules:
  - id: vip
    on: ticket.created
    if: {field: contact.account.accountName, in: [Zylker]}
    then:
      - move: {department: Tier 2}
      - comment: {text: "VIP #{{ ticket.ticketNumber }}"}
  - id: reopen
    on: ticket.updated
    if: {field: status, changed_to: Open}
    then: [{update: {priority: High}}]
  - id: bounce
    on: ticket.updated
    retrigger: true
    then: [{update: {category: x}}]
"""
TESTS = """
fixtures:
  ticket: &ticket {id: "7", ticketNumber: "42", status: Open, modifiedTime: "2026-12-01T10:00:00.000Z",
                   contact: {account: {accountName: Zylker}}}
cases:
  - name: VIP goes to Tier 2
    event: ticket.created
    ticket: *ticket
    expect:
      fired: [vip]
      actions:
        - {rule: vip, move: {department: Tier 2}}
        - {rule: vip, comment: {text: "VIP #42", public: false}}
  - name: Reopened tickets get High priority
    now: "2026-12-01T11:00:00Z"
    ticket: *ticket
    previous: {<<: *ticket, status: Closed}
    expect: {fired: [reopen, bounce]}
  - name: The poller's changes, ours, and the loop cap
    event: ticket.updated
    ticket: *ticket
    changes: {status: [Closed, Open]}
    by_deskpilot: true
    history: {fires_last_hour: {bounce: 3}}
    expect:
      fired: []
      status: {reopen: skipped, bounce: skipped, vip: not_triggered}
"""


def _project(tmp_path: Path, tests: str = TESTS, rules: str = RULES, name: str = "cases.yaml") -> Path:
    (tmp_path / "rules" / "tests").mkdir(parents=True, exist_ok=True)
    (tmp_path / "rules" / "main.yaml").write_text(textwrap.dedent(rules))
    (tmp_path / "rules" / "tests" / name).write_text(textwrap.dedent(tests))
    return tmp_path / "rules"


def test_passing_cases_pass(tmp_path: Path) -> None:
    report = run_rule_tests(_project(tmp_path))
    assert report.passed, report.text()
    assert [result.name for result in report.results] == [
        "VIP goes to Tier 2",
        "Reopened tickets get High priority",
        "The poller's changes, ours, and the loop cap",
    ]
    assert report.text().endswith("3 cases: 3 passed, 0 failed")


def test_a_failing_case_shows_a_readable_diff(tmp_path: Path) -> None:
    tests = """
        cases:
          - name: Wrong expectations
            now: "2026-12-01T10:00:00Z"
            event: ticket.created
            ticket: {id: "7", ticketNumber: "42", contact: {account: {accountName: Acme}}}
            expect:
              fired: [vip]
          - name: Wrong actions
            now: "2026-12-01T10:00:00Z"
            event: ticket.created
            ticket: {id: "7", ticketNumber: "42", contact: {account: {accountName: Zylker}}}
            expect:
              fired: [vip]
              status: {reopen: fired}
              actions:
                - {rule: vip, move: {department: Tier 3}}
                - {rule: vip, comment: {text: "VIP #43", internal: true}}
                - {rule: vip, mark_spam: {isSpam: true}}
        """
    report = run_rule_tests(_project(tmp_path, tests))
    assert not report.passed
    file = str(tmp_path / "rules" / "tests" / "cases.yaml")
    assert report.text().splitlines() == [
        file,
        f"  FAIL  Wrong expectations  ({file}:3)",
        "        fired: expected [vip], got []",
        "          vip did not fire: contact.account.accountName in ['Zylker']: actual 'Acme'",
        f"  FAIL  Wrong actions  ({file}:9)",
        "        status of reopen: expected fired, got not_triggered (listens to ticket.updated, not ticket.created)",
        "        actions: expected 3, planned 2: vip move, vip comment",
        "        actions[0] (vip move).move.department: expected 'Tier 3', got 'Tier 2'",
        "        actions[1] (vip comment).comment.text: expected 'VIP #43', got 'VIP #42'",
        "        actions[1] (vip comment).comment.internal: expected True, but the planned action has no 'internal'",
        "2 cases: 0 passed, 2 failed",
    ]


def test_rules_may_be_named_relative_to_the_test_file(tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "one.yaml").write_text(textwrap.dedent(RULES))
    (folder / "cases.yaml").write_text("rules: one.yaml\n" + textwrap.dedent(TESTS))
    report = run_rule_tests(folder / "cases.yaml")
    assert report.passed, report.text()
    (folder / "list.yaml").write_text("rules: [one.yaml]\n" + textwrap.dedent(TESTS))
    assert run_rule_tests(folder / "list.yaml").passed


def test_a_case_without_a_time_is_reported(tmp_path: Path) -> None:
    tests = "cases:\n  - name: timeless\n    ticket: {id: '1'}\n    expect: {fired: []}\n"
    report = run_rule_tests(_project(tmp_path, tests))
    assert report.results[0].diffs == ["now: expected an ISO time like 2026-11-28T10:00:00Z, got None"]


def test_problems_in_test_files_and_rule_files_are_reported_at_their_lines(tmp_path: Path) -> None:
    tests = "cases:\n  - name: typo\n    ticket: {id: '1'}\n    expectt: {fired: []}\n"
    report = run_rule_tests(_project(tmp_path, tests))
    file = tmp_path / "rules" / "tests" / "cases.yaml"
    assert [str(p) for p in report.problems] == [
        f"{file}:2:5: missing required key 'expect'",
        f"{file}:4:5: unknown key 'expectt'; expected one of name, now, event, ticket, previous, changes, "
        "by_deskpilot, directory, contact, account, history, threads, statuses, timeline, sla_fired, activity, "
        "changed_by, expect",
    ]
    assert not report.passed
    broken = run_rule_tests(_project(tmp_path / "b", rules="rules: [{id: x}]\n"))
    assert not broken.passed and broken.results == []
    assert any("missing required key 'on'" in str(p) for p in broken.problems)


def test_where_test_files_are_found(tmp_path: Path) -> None:
    rules_folder = _project(tmp_path)
    (rules_folder / "tests" / "more.yml").write_text("cases: []\n")
    assert [path.name for path in find_test_files(rules_folder)] == ["cases.yaml", "more.yml"]
    assert [path.name for path in find_test_files(rules_folder / "tests")] == ["cases.yaml", "more.yml"]
    assert run_rule_tests(tmp_path / "missing").problems[0].message == "no such file or folder"
    (tmp_path / "empty").mkdir()
    assert run_rule_tests(tmp_path / "empty").problems[0].message.startswith("no rule test files found")


@pytest.mark.parametrize(
    ("expected", "actual", "diffs"),
    [
        ({"move": {"department": "Tier 2"}}, {"move": {"department": "Tier 2", "departmentId": "1"}}, []),
        ({"a": {"b": 1}}, {"a": {"b": "1"}}, []),  # the Desk's "1" is the YAML 1
        ({"a": [{"id": "1"}]}, {"a": [{"id": "1", "x": 2}]}, []),
        ({"a": [1, 2]}, {"a": [1]}, [(".a", "expected [1, 2], got [1]")]),
        ({"a": None}, {"a": "x"}, [(".a", "expected None, got 'x'")]),
        ({"a": {"b": 1}}, {"a": 5}, [(".a", "expected a mapping, got 5")]),
    ],
)
def test_expected_actions_compare_the_listed_keys_only(expected, actual, diffs) -> None:
    assert partial_diff(expected, actual) == diffs
