"""Broken rule files: every problem is reported, each as file:line:col: message saying what was expected.

Each case is a whole file; the expected lines are exact (positions are 1-based line and column).
"""

from __future__ import annotations

import pytest

from tests.unit.engine.helpers import problems
from worker.engine.schema import ACTION_TYPES, RuleFileEnvelope

OPERATORS = (
    "equals, not_equals, in, not_in, contains, starts_with, ends_with, matches, contains_any, matches_any, exists, "
    "is_empty, gt, gte, lt, lte, changed, changed_to, changed_from, not_changed, older_than, newer_than"
)
ACTIONS = ", ".join(ACTION_TYPES)
TOP_KEYS = ", ".join(RuleFileEnvelope.model_fields)
UPDATE_FIELDS = (
    "subject, status, priority, category, subCategory, classification, channel, language, dueDate, "
    "responseDueDate, email, phone, description, resolution, productId, contactId, customFields, cf"
)

CASES = {
    "operator": (
        """\
rules:
  - id: triage
    on: ticket.created
    if:
      all:
        - {field: priority, equal: High}
        - field: subject
          contians: invoice
    then:
      - move: {department: Billing}
""",
        [
            "rules/operator.yaml:6:29: unknown operator 'equal'; expected one of " + OPERATORS,
            "rules/operator.yaml:8:11: unknown operator 'contians'; expected one of " + OPERATORS,
        ],
    ),
    "actions": (
        """\
rules:
  - id: a
    on: ticket.created
    then:
      - mov: {department: Billing}
      - {move: {department: Billing}, assign: {agent: jane@zylker.com}}
      - assign: {agent: jane}
      - assign: {agent: "1", strategy: round_robin}
      - update: {prio: High}
      - update: {departmentId: "1"}
      - update: {}
      - comment: {public: true}
      - time_entry: {duration: 0m}
      - task: {subject: Follow up, calendar: support}
      - reply: {from: support, text: Hi}
      - mark_spam: false
      - "escalate"
""",
        [
            "rules/actions.yaml:5:9: unknown action 'mov'; expected one of " + ACTIONS,
            "rules/actions.yaml:6:9: expected an action: a mapping with one key, the action type (" + ACTIONS + ")",
            "rules/actions.yaml:7:25: expected an agent id (digits), an email address, 'previous' (the ticket's "
            "assignee before this change) or a template like '{{ previous.assigneeId }}', got 'jane'",
            "rules/actions.yaml:8:17: assign takes agent or strategy, not both",
            "rules/actions.yaml:9:18: unknown key 'prio'; expected one of " + UPDATE_FIELDS,
            "rules/actions.yaml:10:17: update cannot set departmentId; use the move action",
            "rules/actions.yaml:11:17: update sets no field; expected one or more of " + UPDATE_FIELDS,
            "rules/actions.yaml:12:18: missing required key 'text'",
            "rules/actions.yaml:13:32: expected a positive duration like 30m, 4h or 2d, got '0m'",
            "rules/actions.yaml:14:15: calendar applies to due_in; give due_in too",
            (
                "rules/actions.yaml:15:23: expected the email address of a mail reply address, or 'department', "
                "got 'support'"
            ),
            (
                "rules/actions.yaml:16:20: mark_spam takes true (marks the ticket as spam); leave the action out "
                "otherwise"
            ),
            "rules/actions.yaml:17:9: expected an action: a mapping with one key, the action type (" + ACTIONS + ")",
        ],
    ),
    "rule_keys": (
        """\
rules:
  - id: VIP routing
    on: [ticket.create, {schedule: {cron: "61 * * * *", timezone: Mars/Olympus}}]
    iff: {field: priority, equals: High}
    then: move
    enabled: maybe
    max_fires_per_ticket_per_hour: 0
    once: per_tick
  - name: no id, no trigger, no actions
""",
        [
            (
                "rules/rule_keys.yaml:2:9: invalid rule id 'VIP routing': expected letters, digits, '-', '_' and "
                "'.', starting with a letter or digit"
            ),
            (
                "rules/rule_keys.yaml:3:10: unknown event kind 'ticket.create'; expected one of ticket.created, "
                "ticket.updated, ticket.replied, ticket.agent_replied, ticket.reopened, ticket.commented or "
                "{schedule: ...}"
            ),
            "rules/rule_keys.yaml:3:43: invalid cron expression '61 * * * *': minute 61 is out of 0-59",
            "rules/rule_keys.yaml:3:67: unknown timezone 'Mars/Olympus': expected an IANA name like Europe/Berlin",
            (
                "rules/rule_keys.yaml:4:5: unknown key 'iff'; expected one of id, name, description, on, if, then, "
                "order, stop, enabled, dry_run, on_action_failure, retrigger, max_fires_per_ticket_per_hour, once"
            ),
            "rules/rule_keys.yaml:5:11: expected a list, got a string",
            "rules/rule_keys.yaml:6:14: expected true or false, got 'maybe'",
            "rules/rule_keys.yaml:7:36: expected a number >= 1, got 0",
            "rules/rule_keys.yaml:8:11: unexpected value 'per_tick'; expected per_ticket or {per_anchor: FIELD}",
            "rules/rule_keys.yaml:9:5: missing required key 'id'",
            "rules/rule_keys.yaml:9:5: missing required key 'on'",
            "rules/rule_keys.yaml:9:5: missing required key 'then'",
        ],
    ),
    "conditions": (
        """\
rules:
  - id: c
    on: ticket.updated
    if:
      any:
        - priority == High
        - {all: [], field: x}
        - {field: priority, equals: High, in: [Urgent]}
        - {field: priority}
        - {field: threadCount, gt: 3, ignore_case: true}
        - {field: priority, equals: High, calendar: support}
        - {field: subject, matches: "(unclosed"}
        - {field: createdTime, older_than: soon}
        - {field: createdTime, newer_than: -1h}
        - {field: createdTime, older_than: 4h}
    then: [{mark_spam: true}]
""",
        [
            (
                "rules/conditions.yaml:6:11: expected a condition: {all: [...]}, {any: [...]}, {not: {...}}, "
                "{business_hours: {calendar: NAME}} or {field: PATH, OPERATOR: VALUE}"
            ),
            (
                "rules/conditions.yaml:7:11: expected a condition: {all: [...]}, {any: [...]}, {not: {...}}, "
                "{business_hours: {calendar: NAME}} or {field: PATH, OPERATOR: VALUE}"
            ),
            (
                "rules/conditions.yaml:8:11: condition on 'priority' has 2 operators (equals, in); give one per "
                "condition and combine conditions with all/any"
            ),
            "rules/conditions.yaml:9:11: condition on 'priority' has no operator; expected one of " + OPERATORS,
            (
                "rules/conditions.yaml:10:11: ignore_case applies to string operators (changed_from, changed_to, "
                "contains, contains_any, ends_with, equals, in, matches, matches_any, not_equals, not_in, "
                "starts_with), not to gt"
            ),
            "rules/conditions.yaml:11:11: calendar applies to older_than/newer_than, not to equals",
            "rules/conditions.yaml:12:37: invalid regular expression '(unclosed': missing ) at '(unclosed'",
            "rules/conditions.yaml:13:44: invalid duration 'soon': expected a duration like 30m, 4h, 2d or 1h30m",
            "rules/conditions.yaml:14:44: expected a positive duration like 30m, 4h or 2d, got '-1h'",
        ],
    ),
    "templates": (
        """\
rules:
  - id: t
    on: ticket.created
    then:
      - comment:
          text: "Hello {{ ticket.contact.firstName }"
      - comment:
          text: |
            Dear customer,
            your ticket {{ tiket.ticketNumber }} is in the queue.
      - reply:
          from: support@zylker.com
          text: "{% if ticket.priority %}urgent"
      - task:
          subject: "Call {{ ticket.contact.firstName }}"
          calendar: suport
          due_in: 2h
""",
        [
            "rules/templates.yaml:6:17: invalid template: unexpected '}'",
            (
                "rules/templates.yaml:10:17: unknown template variable 'tiket'; expected one of ticket, previous, "
                "event, rule, now, ticket_url, mention, duration, format_duration, desk_time"
            ),
            (
                "rules/templates.yaml:13:17: invalid template: Unexpected end of template. Jinja was looking for "
                "the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is "
                "'if'."
            ),
            "rules/templates.yaml:16:21: unknown calendar 'suport'; expected one of: none defined",
        ],
    ),
    "calendars": (
        """\
calendars:
  support:
    timezone: Europe/Berlinn
    hours: {monday: ["09:00-17:00"], tue: ["9-5"], wed: ["09:00-12:00", "11:00-13:00"]}
    holidays: [{date: 2026-13-01}, {date: 2026-12-25, hours: ["10:00-09:00"]}]
    workdays: 5
  empty:
    timezone: UTC
    hours: {}
""",
        [
            "rules/calendars.yaml:3:15: unknown timezone 'Europe/Berlinn': expected an IANA name like Europe/Berlin",
            (
                "rules/calendars.yaml:4:13: unknown key 'monday'; expected 'mon', 'tue', 'wed', 'thu', 'fri', "
                "'sat' or 'sun'"
            ),
            "rules/calendars.yaml:4:43: invalid range '9-5': expected HH:MM-HH:MM like 09:00-17:00",
            "rules/calendars.yaml:4:57: ranges '09:00-12:00' and '11:00-13:00' overlap",
            "rules/calendars.yaml:5:23: expected a date like 2026-12-25, got '2026-13-01'",
            "rules/calendars.yaml:5:62: invalid range '10:00-09:00': the start must come before the end",
            "rules/calendars.yaml:6:5: unknown key 'workdays'; expected one of timezone, hours, holidays",
            (
                "rules/calendars.yaml:9:12: no business hours on any weekday: give at least one range, e.g. mon: "
                "[09:00-17:00]"
            ),
        ],
    ),
    "yaml_syntax": (
        """\
rules:
  - id: a
    on: [ticket.created
    then: []
""",
        [
            (
                "rules/yaml_syntax.yaml:4:9: the list opened with `[` at line 3 column 9 is not closed: expected `,` "
                "or `]` before this"
            ),
        ],
    ),
    "yaml_dupkey": (
        """\
rules:
  - id: a
    on: ticket.created
    on: ticket.updated
    then: [{mark_spam: true}]
""",
        [
            "rules/yaml_dupkey.yaml:4:5: duplicate key 'on'; each key may appear once",
        ],
    ),
    "top": (
        """\
- id: a
""",
        [
            "rules/top.yaml:1:1: expected a mapping with rules: and calendars: at the top level",
        ],
    ),
    "top_keys": (
        """\
rule:
  - id: a
calendars: [support]
""",
        [
            f"rules/top_keys.yaml:1:1: unknown key 'rule'; expected one of {TOP_KEYS}",
            "rules/top_keys.yaml:3:12: expected a mapping, got a list",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_problem_of_a_broken_file_is_reported_at_its_line_and_column(name: str) -> None:
    # given a broken rule file / when it is checked / then each problem reads file:line:col: message, all of them
    text, expected = CASES[name]
    assert problems(text, f"rules/{name}.yaml") == expected
