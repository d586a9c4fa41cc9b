"""The pure parts of the webhook path: the poll's pace, the subscriptions rules need, fitting a delivered ticket
to the mirror's shape."""

from __future__ import annotations

import pytest

from worker.app.poll_pace import pace
from worker.app.subscriptions import needs, subscriptions_body
from worker.engine.loader import load_rules_text
from worker.ingest.webhook_translate import BadDelivery, as_snapshot, parse_body, usable_as_is
from worker.store.webhooks import DeliveryStatus

NOW = 1_000_000_000


@pytest.mark.parametrize(
    ("installed", "status", "expected"),
    [
        (False, DeliveryStatus(), "poll"),
        (True, DeliveryStatus(), "webhook"),  # nothing delivered yet, nothing missed: the desk is quiet
        (True, DeliveryStatus(last_missed_ms=NOW - 1_000), "fallback"),  # changes, never a delivery
        (True, DeliveryStatus(last_delivery_ms=NOW - 10_000, last_missed_ms=NOW - 1_000), "webhook"),  # not silent yet
        (True, DeliveryStatus(last_delivery_ms=NOW - 200_000, last_missed_ms=NOW - 1_000), "fallback"),
        (True, DeliveryStatus(last_delivery_ms=NOW - 1_000, last_missed_ms=NOW - 200_000), "webhook"),  # back
    ],
)
def test_the_pace_falls_back_only_when_polls_find_changes_and_deliveries_stopped(installed, status, expected):
    assert pace(installed, status, NOW, silence_s=120) == expected


def rules(text: str):
    return load_rules_text(text)


def test_subscriptions_cover_the_kinds_rules_listen_to_and_the_departments_they_pin():
    need = needs(
        rules(
            """
rules:
  - id: a
    on: [ticket.created]
    if: {all: [{field: department.name, equals: Billing}, {field: priority, equals: High}]}
    then: [{comment: {text: hi}}]
  - id: b
    on: ticket.replied
    if: {field: departmentId, in: ["9001"]}
    then: [{comment: {text: hi}}]
"""
        )
    )
    assert need.events == ("Ticket_Add", "Ticket_Thread_Add")
    assert need.departments == (("id", "9001"), ("name", "Billing"))
    assert subscriptions_body(need, ["1", "2"]) == {
        "Ticket_Add": {"departmentIds": ["1", "2"]},
        "Ticket_Thread_Add": {"departmentIds": ["1", "2"], "direction": "in"},
    }


def test_a_rule_without_a_department_or_a_time_rule_subscribes_to_every_department():
    unpinned = needs(rules("rules:\n  - {id: a, on: ticket.updated, then: [{comment: {text: hi}}]}\n"))
    assert (unpinned.events, unpinned.departments) == (("Ticket_Update",), None)
    timed = needs(
        rules(
            """
rules:
  - {id: a, on: ticket.commented, if: {field: departmentId, equals: "1"}, then: [{comment: {text: hi}}]}
  - id: t
    on: {schedule: {cron: "0 * * * *"}}
    once: per_ticket
    if: {field: status, equals: Open}
    then: [{comment: {text: x}}]
"""
        )
    )
    assert timed.events == ("Ticket_Add", "Ticket_Comment_Add", "Ticket_Update") and timed.departments is None
    assert subscriptions_body(timed, None) == {"Ticket_Add": None, "Ticket_Comment_Add": None, "Ticket_Update": None}


SNAPSHOT = {
    "id": "1",
    "modifiedTime": "2026-12-02T10:00:00.000Z",
    "priority": "Low",
    "departmentId": "9",
    "department": {"id": "9", "name": "Support"},
    "threadCount": "1",
    "commentCount": "0",
    "customFields": {"ModelName": "F3"},
}


def test_a_delivered_ticket_is_fitted_to_the_snapshots_shape():
    delivered = {**SNAPSHOT, "priority": "High", "statusType": "Open", "customFields": {"ModelName": "F4", "x": 1}}
    del delivered["department"]  # a delivery carries ids, not cards
    fitted = as_snapshot(delivered, SNAPSHOT)
    assert fitted == {**SNAPSHOT, "priority": "High", "customFields": {"ModelName": "F4"}}
    assert usable_as_is(delivered, SNAPSHOT)
    assert not usable_as_is({**delivered, "departmentId": "10"}, SNAPSHOT)  # moved: the card must be read
    assert not usable_as_is({**delivered, "threadCount": "2"}, SNAPSHOT)  # a thread: the Desk must be read
    assert not usable_as_is(delivered, None)


@pytest.mark.parametrize(
    "raw",
    [b"", b"[]", b'[{"orgId": "1", "payload": {}}]', b'[{"eventType": "Ticket_Add", "orgId": "1", "payload": []}]'],
)
def test_a_body_that_is_not_a_delivery_is_refused(raw):
    with pytest.raises(BadDelivery):
        parse_body(raw)


def test_a_card_read_with_include_takes_the_search_items_keys():
    read = {
        "id": "2",
        "modifiedTime": "2026-12-02T10:00:00.000Z",
        "assigneeId": "7",
        "assignee": {"id": "7", "firstName": "Ana", "lastName": "Ng", "email": "a@x", "photoURL": None, "zuid": "9"},
        "contact": {"id": "5", "firstName": "Bo", "phone": "1", "type": None, "email": "b@x", "lastName": "K",
                    "account": {"id": "3", "accountName": "Zylker", "website": "z.example"}},
    }  # fmt: skip
    fitted = as_snapshot(read, None)
    assert fitted["assignee"] == {
        "firstName": "Ana", "lastName": "Ng", "photoURL": None, "emailId": "a@x", "id": "7", "zuid": "9"
    }  # fmt: skip
    assert fitted["contact"] == {
        "firstName": "Bo", "lastName": "K", "accountId": "3", "id": "5", "email": "b@x",
        "account": {"accountName": "Zylker", "id": "3", "website": "z.example"}, "mobile": None, "phone": "1",
        "type": None,
    }  # fmt: skip
    # the same card later keeps the snapshot's own copy; another one takes the search's keys
    assert as_snapshot({**read, "assignee": {"id": "7"}}, fitted)["assignee"] == fitted["assignee"]
    assert as_snapshot({**read, "assignee": {"id": "8", "email": "c@x"}}, fitted)["assignee"]["emailId"] == "c@x"
