"""Every activity anchor, counter, text and thread field as a rule condition, at a fixed clock (calendar and
business time), and the load-time checks around them."""

from __future__ import annotations

import pytest

from worker.engine.errors import RuleLoadError
from worker.engine.evaluate import Event, evaluate
from worker.engine.loader import load_rules_text

NOW = "2026-12-02T15:00:00Z"  # a Wednesday; 16:00 in Berlin
TICKET = {
    "id": "1",
    "status": "Open",
    "assigned_at": "2026-12-02T13:00:00Z",  # 2 h ago
    "status_changed_at": "2026-12-01T15:00:00Z",  # 1 day ago
    "last_agent_reply_at": "2026-12-02T14:30:00Z",  # 30 min ago
    "last_customer_reply_at": "2026-12-02T09:00:00Z",  # 6 h ago
    "first_response_at": "2026-12-02T10:00:00Z",  # 5 h ago
    "reopened_at": "2026-11-30T15:00:00Z",  # 2 days ago (Mon 16:00 Berlin)
    "agent_reply_count": 2,
    "customer_reply_count": 3,
    "reopen_count": 1,
    "last_reply_by": "agent",
    "latest_reply_text": "Please power-cycle the printer",
    "latest_customer_reply_text": "It still shows E42",
    "latest_comment_text": "Vendor asked about firmware",
    "thread": {"direction": "out", "channel": "EMAIL", "author_type": "AGENT", "visibility": "public"},
}
CALENDAR = """
calendars:
  support:
    timezone: Europe/Berlin
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"]}
"""


def holds(condition: str, ticket: dict | None = None) -> bool:
    rules = load_rules_text(
        CALENDAR
        + f"rules:\n  - id: r\n    on: ticket.agent_replied\n    if: {condition}\n"
        + "    then:\n      - update: {priority: High}\n"
    )
    evaluation = evaluate(rules, Event("ticket.agent_replied", "1", {}), ticket or TICKET, now=NOW)
    return evaluation.fired_ids == ["r"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("{field: assigned_at, older_than: 1h}", True),
        ("{field: assigned_at, older_than: 3h}", False),
        ("{field: status_changed_at, older_than: 23h}", True),
        ("{field: last_agent_reply_at, newer_than: 1h}", True),
        ("{field: last_agent_reply_at, older_than: 1h}", False),
        ("{field: last_customer_reply_at, older_than: 6h}", True),
        ("{field: first_response_at, newer_than: 5h}", False),
        ("{field: reopened_at, older_than: 2d}", True),
        # business time: Mon 16:00 -> Wed 16:00 Berlin is 1 + 8 + 7 = 16 business hours, 2 business days
        ("{field: reopened_at, older_than: 16h, calendar: support}", True),
        ("{field: reopened_at, older_than: 17h, calendar: support}", False),
        ("{field: reopened_at, older_than: 2d, calendar: support}", True),
        ("{field: last_customer_reply_at, newer_than: 7h, calendar: support}", True),
    ],
)
def test_anchors_compare_with_elapsed_time(condition, expected):
    assert holds(condition) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("{field: agent_reply_count, gte: 2}", True),
        ("{field: agent_reply_count, gt: 2}", False),
        ("{field: customer_reply_count, equals: 3}", True),
        ("{field: reopen_count, lt: 1}", False),
        ("{field: reopen_count, lte: 1}", True),
    ],
)
def test_counters_compare_as_numbers(condition, expected):
    assert holds(condition) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("{field: last_reply_by, equals: agent}", True),
        ("{field: latest_reply_text, contains: power-cycle}", True),
        ("{field: latest_customer_reply_text, matches: 'E4[0-9]'}", True),
        ("{field: latest_comment_text, contains: firmware}", True),
        ("{field: latest_comment_text, contains: refund}", False),
        ("{field: thread.direction, equals: out}", True),
        ("{field: thread.channel, in: [EMAIL, WEB]}", True),
        ("{field: thread.author_type, equals: END_USER}", False),
    ],
)
def test_texts_and_thread_fields_compare_as_strings(condition, expected):
    assert holds(condition) is expected


def test_a_ticket_without_activity_matches_no_anchor_or_count():
    bare = {"id": "1", "status": "Open"}
    assert not holds("{field: last_customer_reply_at, older_than: 1m}", bare)
    assert not holds("{field: agent_reply_count, equals: 0}", bare)
    assert holds("{field: agent_reply_count, exists: false}", bare)


def test_a_misspelt_activity_field_is_a_load_error_with_a_suggestion():
    with pytest.raises(RuleLoadError, match=r"last_agent_reply_at"):
        holds("{field: last_agent_replied_at, older_than: 1h}")


def test_sla_policies_cannot_read_the_activity():
    policy = """
sla_policies:
  - id: p
    calendar: support
    if: {field: reopen_count, gte: 1}
    metrics:
      first_response: {targets: {default: 4h}}
"""
    with pytest.raises(RuleLoadError, match=r"rules.yaml:10:17: .reopen_count. is not available to SLA policies"):
        load_rules_text(CALENDAR + policy)
