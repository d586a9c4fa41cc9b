"""Broken SLA policies: every problem reported as file:line:col: message, like broken rules; and the lints."""

from __future__ import annotations

from tests.unit.engine.helpers import problems
from tests.unit.engine.sla.support import one_policy, policies
from worker.engine.schema import ACTION_TYPES
from worker.engine.sla.policy import CompiledPolicy

SHAPES = """\
rules:
  - id: dup
    on: ticket.created
    then: [{update: {priority: High}}]
sla_policies:
  - id: dup
    metrics: {first_response: {targets: {default: 1h}}}
  - id: bad one
    pause_statuses: On Hold
    metrics:
      resolution:
        start: creatd
        stop: [closed, agent_reply, {field: status, equal: Solved}]
        targets: {default: 0m, Low: soon}
        escalations:
          - {at: 30 min, then: [{comment: {text: x}}]}
          - {at: 0, then: []}
          - {at: +1h, then: [{notifyy: x}]}
      next_response:
        targets: {default: 2h}
        mode: strict
  - id: ok
    iff: {field: priority, equals: High}
    metrics: {}
"""
OPERATORS = (
    "equals, not_equals, in, not_in, contains, starts_with, ends_with, matches, contains_any, matches_any, exists, "
    "is_empty, gt, gte, lt, lte, changed, changed_to, changed_from, not_changed, older_than, newer_than"
)
ACTIONS = ", ".join(ACTION_TYPES)


def test_shape_problems_are_reported_where_they_are() -> None:
    assert problems(SHAPES, "rules/sla.yaml") == [
        "rules/sla.yaml:6:9: duplicate id 'dup'; first defined at rule rules/sla.yaml:2; ids must be unique among "
        "rules and SLA policies, across files",
        "rules/sla.yaml:8:9: invalid policy id 'bad one': expected letters, digits, '-', '_' and '.', starting with a "
        "letter or digit",
        "rules/sla.yaml:9:21: expected a list, got a string",
        "rules/sla.yaml:12:16: unknown clock start 'creatd'; expected created, reopened, customer_message, "
        "customer_reply or {field: PATH} (a time field)",
        "rules/sla.yaml:13:24: unknown clock stop 'agent_reply'; expected agent_response, closed or a condition like "
        "{field: status, equals: Resolved}",
        f"rules/sla.yaml:13:53: unknown operator 'equal'; expected one of {OPERATORS}",
        "rules/sla.yaml:14:28: expected a positive duration like 30m, 4h or 2d, got '0m'",
        "rules/sla.yaml:14:37: invalid duration 'soon': expected a duration like 30m, 4h, 2d or 1h30m",
        "rules/sla.yaml:16:18: invalid offset '30 min': expected a signed duration like -30m (before the breach), "
        "0 (at it) or +2h (after it)",
        "rules/sla.yaml:17:27: expected at least 1 item",
        f"rules/sla.yaml:18:30: unknown action 'notifyy'; expected one of {ACTIONS}",
        "rules/sla.yaml:21:9: unknown key 'mode'; expected one of start, stop, targets, pause_statuses, escalations",
        "rules/sla.yaml:23:5: unknown key 'iff'; expected one of id, name, description, if, calendar, pause_statuses, "
        "closed_statuses, metrics, enabled, dry_run",
        "rules/sla.yaml:24:14: expected at least 1 item",
    ]


MEANING = """\
sla_policies:
  - id: catch-all
    calendar: berln
    metrics:
      first_responce:
        targets: {default: 1h}
      Resolution-Time:
        start: created
        stop: closed
        targets: {default: 1h}
      resolution:
        targets: {Hgh: 4h, default: 8h, urgent: 1h}
        escalations:
          - {at: 0, then: [{comment: {text: x}}]}
          - {at: -30m, then: [{comment: {text: "{{ sla.level }} {{ slaa }}"}}]}
          - {at: -2h, then: [{task: {subject: x, due_in: 1h, calendar: nope}}]}
  - id: never
    if: {any: [{field: priorty, equals: High}, {field: createdTime, older_than: 1h}]}
    metrics: {first_response: {targets: {default: 1h}, start: {field: foo}, stop: {field: cf.y, changed: true}}}
"""


def test_problems_of_meaning_are_reported_at_the_key_or_value_and_the_lints_warn() -> None:
    assert problems(MEANING, "rules/sla.yaml") == [
        "rules/sla.yaml:3:15: unknown calendar 'berln'; expected one of: none defined",
        "rules/sla.yaml:5:7: unknown metric 'first_responce'; expected first_response, next_response, resolution, "
        "or a custom metric with both start: and stop:",
        "rules/sla.yaml:7:7: invalid metric name 'Resolution-Time': expected lower-case letters, digits, '_' and '-', "
        "starting with a letter",
        "rules/sla.yaml:12:19: unknown priority 'Hgh' in targets; expected one of Urgent, High, Medium, Low or default",
        "rules/sla.yaml:15:18: escalation offsets must increase down the list: -30m comes after 0 (levels are "
        "numbered by position and fire once each)",
        "rules/sla.yaml:15:48: unknown template variable 'slaa'; expected one of ticket, previous, event, rule, now, "
        "ticket_url, sla, mention, duration, format_duration, desk_time",
        "rules/sla.yaml:16:18: escalation offsets must increase down the list: -2h comes after -30m (levels are "
        "numbered by position and fire once each)",
        "rules/sla.yaml:16:72: unknown calendar 'nope'; expected one of: none defined",
        "rules/sla.yaml:17:5: warning: policy 'never' never governs a ticket: policy 'catch-all' (rules/sla.yaml:2) "
        "has no condition and comes first",
        "rules/sla.yaml:18:24: no ticket has the field 'priorty' (did you mean 'priority'?); custom fields "
        "are customFields.NAME or cf.NAME",
        "rules/sla.yaml:18:69: time condition older_than is not allowed inside any; put it at the top level or under "
        "all",
        "rules/sla.yaml:19:71: no ticket has the field 'foo'; custom fields are customFields.NAME or cf.NAME",
        "rules/sla.yaml:19:91: warning: 'cf.y': cf. takes a custom field's API name, which starts with cf_ (e.g. "
        "cf.cf_y); for the field's label write customFields.y",
        "rules/sla.yaml:19:97: warning: changed never matches in an SLA policy: a sweep carries no change",
    ]


def test_the_sla_variable_is_for_policies_only() -> None:
    text = "rules:\n  - id: r\n    on: ticket.created\n    then: [{comment: {text: '{{ sla.level }}'}}]\n"
    assert problems(text) == [
        "rules.yaml:4:29: unknown template variable 'sla'; expected one of ticket, previous, event, rule, now, "
        "ticket_url, mention, duration, format_duration, desk_time"
    ]


def test_a_level_before_the_clocks_start_is_a_warning_and_ids_are_unique_across_files() -> None:
    early = """\
sla_policies:
  - id: p
    metrics:
      first_response:
        targets: {Urgent: 30m, default: 4h}
        escalations: [{at: -1h, then: [{comment: {text: x}}]}]
"""
    assert problems(early) == [
        "rules.yaml:6:28: warning: level 1 at -1h is before the clock starts for a 30m target: it is due at once"
    ]
    from worker.engine.loader import check_sources

    _, found = check_sources([("a.yaml", early), ("b.yaml", early)])
    assert [str(problem) for problem in found if problem.is_error] == [
        "b.yaml:2:9: duplicate id 'p'; first defined at a.yaml:2:9; ids must be unique among rules and SLA "
        "policies, across files"
    ]


def test_policies_load_compiled_in_file_order_and_change_the_rule_sets_version() -> None:
    rule_set = policies("""\
        - id: b
          metrics: {first_response: {targets: {default: 1h}}}
        - id: a
          name: A
          calendar: berlin
          pause_statuses: [On Hold, Waiting]
          metrics:
            resolution: {targets: {default: 8h}}
            approval: {start: {field: customFields.asked}, stop: agent_response, targets: {high: 1h}}
        """)
    assert [policy.id for policy in rule_set.sla_policies] == ["b", "a"]
    policy = rule_set.policy("a")
    assert isinstance(policy, CompiledPolicy) and policy.calendar.name == "berlin"
    assert policy.pause_statuses == {"on hold", "waiting"} and policy.closed_statuses == {"closed"}
    assert [metric.name for metric in policy.metrics] == ["resolution", "approval"]
    resolution, approval = policy.metrics
    assert resolution.start_kinds == {"created", "reopened"} and resolution.stop_kinds == {"closed"}
    assert [path for path, _ in approval.start_fields] == ["customFields.asked"]
    assert policy.describe() == {
        "id": "a",
        "version": policy.version,
        "source": "rules.yaml:20",
        "metrics": ["resolution", "approval"],
    }
    assert rule_set.policy("zzz") is None
    assert (
        one_policy("first_response: {targets: {default: 1h}}").version
        != one_policy("first_response: {targets: {default: 2h}}").version
    )
