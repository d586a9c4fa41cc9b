"""Timeline: built from the Desk's threads, kept as JSON in Redis, updated as the poller learns things."""

from __future__ import annotations

import json

import pytest

from tests.unit.engine.sla.support import at, sla_ticket
from worker.engine.sla import Timeline

OPENING = {
    "id": "1",
    "direction": "in",
    "createdTime": "2026-12-01T09:00:00.000Z",
    "status": "SUCCESS",
    "visibility": "public",
    "author": {"type": "END_USER"},
    "channel": "EMAIL",
}


def _out(time: str, **fields) -> dict:
    return {
        "direction": "out",
        "createdTime": time,
        "status": "SUCCESS",
        "visibility": "public",
        "author": {"type": "AGENT"},
        **fields,
    }


def test_threads_become_customer_messages_and_agent_responses_drafts_failures_and_private_ones_aside() -> None:
    # given the thread list as the Desk returns it, newest first, with a draft, a failed send and a private one
    threads = [
        {**OPENING, "createdTime": "2026-12-01T13:00:00.000Z", "id": "6"},  # a customer reply
        _out("2026-12-01T12:30:00.000Z", status="PENDING"),  # being sent: counts
        _out("2026-12-01T12:00:00.000Z", visibility="private"),
        _out("2026-12-01T11:00:00.000Z", status="FAILED"),
        _out("2026-12-01T10:00:00.000Z", status="DRAFT"),
        {**OPENING, "createdTime": "2026-12-01T09:30:00.000Z", "status": "DRAFT"},
        _out("2026-12-01T09:45:00.000Z", isDraft=True),
        OPENING,
    ]
    # when the timeline is built
    timeline = Timeline.from_threads(sla_ticket(), threads)
    # then only sent public replies answer, and customer drafts are not messages; oldest first
    assert timeline.created == at("2026-12-01T09:00")
    assert timeline.customer_messages == (at("2026-12-01T09:00"), at("2026-12-01T13:00"))
    assert timeline.agent_responses == (at("2026-12-01T12:30"),)
    assert timeline.statuses == ((at("2026-12-01T09:00"), "Open"),)
    assert timeline.first_agent_response == at("2026-12-01T12:30")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"status": "Open"}, [("2026-12-01T09:00", "Open")]),
        ({"status": "Escalated", "statusType": "Open"}, [("2026-12-01T09:00", "Escalated")]),
        (
            {"status": "On Hold", "statusType": "On Hold", "onholdTime": "2026-12-01T10:00:00.000Z"},
            [("2026-12-01T09:00", "Open"), ("2026-12-01T10:00", "On Hold")],
        ),
        (
            {"status": "Closed", "statusType": "Closed", "closedTime": "2026-12-01T11:00:00.000Z"},
            [("2026-12-01T09:00", "Open"), ("2026-12-01T11:00", "Closed")],
        ),
        (
            {"status": "Waiting", "statusType": "On Hold", "modifiedTime": "2026-12-01T12:00:00.000Z"},
            [("2026-12-01T09:00", "Open"), ("2026-12-01T12:00", "Waiting")],
        ),
    ],
)
def test_without_a_status_history_it_is_inferred_from_the_ticket(fields, expected) -> None:
    timeline = Timeline.from_threads(sla_ticket(**fields), [OPENING])
    assert timeline.statuses == tuple((at(moment), status) for moment, status in expected)


def test_a_given_status_history_is_sorted_and_repeats_are_merged() -> None:
    statuses = [
        {"time": "2026-12-01T12:00:00Z", "status": "Open"},
        ["2026-12-01T09:00:00Z", "Open"],
        {"at": "2026-12-01T10:00:00Z", "status": "On Hold"},
        ["2026-12-01T11:00:00Z", "On Hold"],
    ]
    timeline = Timeline.from_threads(sla_ticket(), [OPENING], statuses)
    assert timeline.statuses == (
        (at("2026-12-01T09:00"), "Open"),
        (at("2026-12-01T10:00"), "On Hold"),
        (at("2026-12-01T12:00"), "Open"),
    )


def test_the_json_form_round_trips_and_is_what_redis_keeps() -> None:
    # given a timeline with every kind of entry
    timeline = Timeline.from_threads(
        sla_ticket(),
        [OPENING, _out("2026-12-01T10:00:00.000Z")],
        [["2026-12-01T09:00:00Z", "Open"], ["2026-12-01T11:00:00Z", "Closed"]],
    )
    # when it goes through JSON
    data = json.loads(json.dumps(timeline.to_dict()))
    # then it reads back equal, in a plain shape
    assert data == {
        "created": "2026-12-01T09:00:00Z",
        "customer_messages": ["2026-12-01T09:00:00Z"],
        "agent_responses": ["2026-12-01T10:00:00Z"],
        "statuses": [["2026-12-01T09:00:00Z", "Open"], ["2026-12-01T11:00:00Z", "Closed"]],
    }
    assert Timeline.from_dict(data) == timeline


def test_updates_return_new_timelines_in_order_and_ignore_what_is_known() -> None:
    # given the timeline of a new ticket
    first = Timeline.from_threads(sla_ticket(), [OPENING])
    # when the poller learns of a reply, a customer message, status changes (one out of order, one repeated)
    later = (
        first.with_agent_response("2026-12-01T10:00:00Z")
        .with_customer_message(at("2026-12-01T12:00"))
        .with_customer_message("2026-12-01T09:00:00.000Z")
        .with_status("2026-12-01T13:00:00Z", "Closed")
        .with_status("2026-12-01T11:00:00Z", "On Hold")
        .with_status("2026-12-01T11:30:00Z", "On Hold")
    )
    # then the original is unchanged and the new one is sorted, without duplicates
    assert first.agent_responses == () and len(first.statuses) == 1
    assert later.agent_responses == (at("2026-12-01T10:00"),)
    assert later.customer_messages == (at("2026-12-01T09:00"), at("2026-12-01T12:00"))
    assert [status for _, status in later.statuses] == ["Open", "On Hold", "Closed"]
    assert later.status_at(at("2026-12-01T11:59")) == "On Hold"
    assert later.status_at(at("2026-12-01T08:00")) is None


def test_bad_input_is_a_value_error_that_names_it() -> None:
    with pytest.raises(ValueError, match="created: expected an ISO time"):
        Timeline.from_dict({"created": "yesterday"})
    with pytest.raises(ValueError, match="statuses: expected"):
        Timeline.from_dict({"created": "2026-12-01T09:00:00Z", "statuses": ["Open"]})
    with pytest.raises(ValueError, match="no createdTime and no threads"):
        Timeline.from_threads({"id": "7"}, [])
    undated = Timeline.from_threads({"id": "7", "status": "Open"}, [OPENING])
    assert undated.created == at("2026-12-01T09:00")
