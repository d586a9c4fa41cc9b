"""`rules test` cases for SLA policies: threads or a timeline, fired levels, and the clock expectations."""

from __future__ import annotations

import textwrap
from pathlib import Path

from worker.engine.ruletests import run_rule_tests

RULES = """
calendars:
  berlin:
    timezone: Europe/Berlin
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"],
            fri: ["09:00-17:00"]}
rules:
  - id: triage
    on: ticket.created
    then: [{update: {category: general}}]
sla_policies:
  - id: support
    calendar: berlin
    metrics:
      first_response:
        targets: {High: 4h, default: 8h}
        escalations:
          - at: -30m
            name: warning
            then: [{comment: {text: "#{{ ticket.ticketNumber }} due {{ desk_time(sla.breach_at) }}"}}]
          - {at: 0, name: breach, then: [{update: {status: Escalated}}]}
"""
HEAD = """
fixtures:
  ticket: &ticket {id: "7", ticketNumber: "42", status: Open, priority: High, createdTime: "2026-12-01T09:00:00.000Z",
                   modifiedTime: "2026-12-01T09:00:00.000Z"}
cases:
"""


def _run(tmp_path: Path, cases: str):
    (tmp_path / "rules" / "tests").mkdir(parents=True, exist_ok=True)
    (tmp_path / "rules" / "main.yaml").write_text(textwrap.dedent(RULES))
    (tmp_path / "rules" / "tests" / "sla.yaml").write_text(textwrap.dedent(HEAD) + textwrap.dedent(cases))
    return run_rule_tests(tmp_path / "rules"), str(tmp_path / "rules" / "tests" / "sla.yaml")


def test_sla_cases_check_the_policy_clocks_levels_and_what_comes_next(tmp_path: Path) -> None:
    report, _ = _run(
        tmp_path,
        """\
  - name: warning due, threads as the Desk gives them, times in any ISO form
    now: "2026-12-01T12:30:00Z"
    ticket: *ticket
    threads: [{direction: in, createdTime: "2026-12-01T09:00:00.000Z", status: SUCCESS}]
    expect:
      policy: support
      sla: [{metric: first_response, state: running, elapsed: 210m, due_at: "2026-12-01T14:00:00+01:00"}]
      escalations:
        - {metric: first_response, level: 1, offset: -30m, due_at: "2026-12-01T12:30:00.000Z",
           actions: [{comment: {text: "#42 due 2026-12-01T13:00:00.000Z"}}]}
      next_level: {level: 2, name: breach, due_at: "2026-12-01T13:00:00Z"}
  - name: the warning fired (a key, or metric and level), the breach due; rules checked in the same case
    now: "2026-12-01T13:00:00Z"
    ticket: *ticket
    event: ticket.created
    timeline: {created: "2026-12-01T09:00:00Z", statuses: [["2026-12-01T09:00:00Z", Open]]}
    sla_fired: [{metric: first_response, level: 1, policy: support, cycle: "2026-12-01T10:00:00+01:00"}]
    expect:
      fired: [triage]
      escalations: [{key: "support|first_response|2026-12-01T09:00:00Z|2", actions: [{update: {status: Escalated},
                     batchable: true}]}]
      next_level: null
  - name: nothing due once both fired
    now: "2026-12-01T13:00:00Z"
    ticket: *ticket
    sla_fired: ["support|first_response|2026-12-01T09:00:00Z|1", {metric: first_response, level: 2}]
    expect: {escalations: [], next_level: null}
""",
    )
    assert report.passed, report.text()
    assert report.text().endswith("3 cases: 3 passed, 0 failed")


def test_a_failing_sla_case_says_what_differs(tmp_path: Path) -> None:
    report, file = _run(
        tmp_path,
        """\
  - name: wrong
    now: "2026-12-01T13:00:00Z"
    ticket: *ticket
    expect:
      policy: vip
      sla: [{metric: first_response, state: paused, due_at: "2026-12-01T13:30:00Z", target: 240m}, {metric: x}]
      escalations: [{level: 2}]
      next_level: {level: 3}
  - name: conflicting history
    ticket: *ticket
    threads: []
    timeline: {created: "2026-12-01T09:00:00Z"}
    expect: {escalations: []}
  - name: no next level expected, one comes
    now: "2026-12-01T10:00:00Z"
    ticket: *ticket
    expect: {next_level: null}
""",
    )
    assert report.text().splitlines() == [
        file,
        f"  FAIL  wrong  ({file}:6)",
        "        policy: expected vip, got support",
        "        sla: expected 2, got 1: support first_response",
        "        sla[0] (support first_response).state: expected 'paused', got 'running'",
        "        sla[0] (support first_response).due_at: expected '2026-12-01T13:30:00Z', got '2026-12-01T13:00:00Z'",
        "        escalations: expected 1, got 2: first_response level 1, first_response level 2",
        "        escalations[0] (first_response level 1).level: expected 2, got 1",
        "        next_level: expected {'level': 3}, got none",
        f"  FAIL  conflicting history  ({file}:14)",
        "        timeline: give either timeline or threads (with statuses), not both",
        f"  FAIL  no next level expected, one comes  ({file}:19)",
        "        next_level: expected None, got first_response level 1 at 2026-12-01T12:30:00Z",
        "3 cases: 0 passed, 3 failed",
    ]


def test_a_case_must_expect_something(tmp_path: Path) -> None:
    report, file = _run(
        tmp_path,
        """\
  - name: nothing
    ticket: *ticket
    expect: {}
""",
    )
    assert [str(problem) for problem in report.problems] == [
        f"{file}:8:11: expect nothing? give fired (rules) and/or policy, sla, escalations, next_level (SLA)"
    ]
