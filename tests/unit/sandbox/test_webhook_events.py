"""Which webhook events the sandbox's own writes make (the observer on Org), and which webhooks want them."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from sandbox.records import new_comment
from sandbox.seed import seed_desk
from sandbox.state import Desk, Org, Record
from sandbox.story import agent_reply, customer_reply, open_ticket
from sandbox.webhooks.changes import Event, Marks, changed_fields
from sandbox.webhooks.matching import judge
from sandbox.webhooks.observe import ChangeObserver
from sandbox.webhooks.subscriptions import EventFilter, Webhook
from tests.unit.sandbox.helpers import FrozenClock

ANCHOR = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
SOURCE = "49ad222a-f812-11e7-8c3f-9a214cf093ae"


def watched_org() -> tuple[Org, list[Event]]:
    desk = Desk(clock=FrozenClock(ANCHOR))
    seed_desk(desk, seed=3, orgs=1, tickets=10, anchor=ANCHOR)
    org = next(iter(desk.orgs.values()))
    events: list[Event] = []
    ChangeObserver(events.append).watch(org)
    desk.clock.advance(timedelta(seconds=5))
    return org, events


def a_ticket(org: Org) -> Record:
    return next(ticket for ticket in org.tickets.values() if ticket["statusType"] == "Open")


def test_a_field_change_is_one_ticket_update_with_the_version_before() -> None:
    # given a watched org
    org, events = watched_org()
    ticket = a_ticket(org)
    old_priority = ticket["priority"]
    # when a ticket's priority changes
    ticket["priority"] = "Urgent" if old_priority != "Urgent" else "Low"
    org.touch(ticket)
    # then one Ticket_Update tells the field, the ticket now and the ticket before
    [event] = events
    assert (event.event_type, event.ticket_id, event.changed_fields) == ("Ticket_Update", ticket["id"], {"priority"})
    assert event.payload["priority"] == ticket["priority"] and event.prev_state is not None
    assert event.prev_state["priority"] == old_priority
    assert event.event_time_ms == int(org.now().timestamp() * 1000)


def test_a_touch_that_changes_no_field_makes_no_event() -> None:
    org, events = watched_org()
    org.touch(a_ticket(org))
    assert events == []


def test_replies_are_thread_adds_with_their_direction_and_a_customer_reply_also_updates_the_ticket() -> None:
    # given a watched org and an agent
    org, events = watched_org()
    ticket = a_ticket(org)
    agent = next(iter(org.agents.values()))
    # when an agent replies, then the customer does
    agent_reply(org, ticket, agent, random.Random(1))
    customer_reply(org, ticket, random.Random(2))
    # then each reply is one thread add with its direction; the customer's also moved customerResponseTime
    kinds = [(event.event_type, event.direction) for event in events]
    assert kinds == [("Ticket_Thread_Add", "out"), ("Ticket_Thread_Add", "in"), ("Ticket_Update", None)]
    assert "customerResponseTime" in events[2].changed_fields
    assert events[1].payload["ticketId"] == ticket["id"] and events[1].payload["direction"] == "in"


def test_comments_added_and_edited() -> None:
    org, events = watched_org()
    ticket = a_ticket(org)
    comment = new_comment(org, ticket["id"], content="first", commenterId="1", commenter={}, isPublic=False)
    org.add_child("comments", ticket["id"], comment)
    org.touch(ticket)
    comment["content"], comment["modifiedTime"] = "edited", org.now_text()
    org.touch(ticket)
    assert [event.event_type for event in events] == ["Ticket_Comment_Add", "Ticket_Comment_Update"]
    assert [event.payload["content"] for event in events] == ["first", "edited"]
    assert events[0].payload["ticketId"] == ticket["id"]


def test_a_new_ticket_is_one_add_and_a_removed_one_a_delete() -> None:
    org, events = watched_org()
    ticket = open_ticket(org, random.Random(5))
    org.add_ticket(ticket)
    org.remove_ticket(ticket["id"])
    assert [(event.event_type, event.ticket_id) for event in events] == [
        ("Ticket_Add", ticket["id"]),
        ("Ticket_Delete", ticket["id"]),
    ]


def test_payloads_are_copies_taken_at_the_change() -> None:
    org, events = watched_org()
    ticket = a_ticket(org)
    ticket["subject"] = "new subject"
    org.touch(ticket)
    ticket["customFields"]["ModelName"] = "changed later"
    assert events[0].payload["customFields"]["ModelName"] != "changed later"


def test_an_unwatched_org_makes_no_events() -> None:
    org, events = watched_org()
    assert org.observer is not None
    org.observer.unwatch(org)
    ticket = a_ticket(org)
    ticket["priority"] = "Urgent"
    org.touch(ticket)
    assert events == [] and org.observer is None


def test_marks_skip_drafts_until_sent() -> None:
    marks = Marks.of([{"id": "1", "status": "SUCCESS"}, {"id": "2", "status": "DRAFT"}], [])
    assert marks.new_threads([{"id": "1", "status": "SUCCESS"}, {"id": "2", "status": "DRAFT"}]) == []
    assert marks.new_threads([{"id": "2", "status": "SENT"}]) == [{"id": "2", "status": "SENT"}]


def test_changed_fields_leave_out_side_effects_and_name_custom_fields() -> None:
    before = {"status": "Open", "modifiedTime": "a", "threadCount": "1", "customFields": {"ModelName": "x"}}
    after = {"status": "Open", "modifiedTime": "b", "threadCount": "2", "customFields": {"ModelName": "y"}}
    assert changed_fields(before, after) == {"customFields", "ModelName", "cf", "cf_model_name"}


def webhook(subscriptions: dict[str, EventFilter | None], **details: object) -> Webhook:
    return Webhook(
        "9", "1", "http://127.0.0.1/", subscriptions, created_by="1", created_time="", modified_time="", **details
    )


def event(event_type: str, **details: object) -> Event:
    base = {"department_id": "10", "changed_fields": frozenset({"status"}), "direction": "in"}
    return Event(event_type, "1", "5", event_time_ms=0, payload={}, **{**base, **details})


def test_judge_applies_each_filter() -> None:
    everything = webhook({"Ticket_Update": None})
    assert judge(everything, event("Ticket_Update")).wanted
    assert not judge(everything, event("Ticket_Add")).wanted
    departments = webhook({"Ticket_Update": EventFilter(department_ids=frozenset({"11"}))})
    assert not judge(departments, event("Ticket_Update")).wanted
    assert judge(departments, event("Ticket_Update", department_id="11")).wanted
    fields = webhook({"Ticket_Update": EventFilter(fields=("priority",), include_prev_state=True)})
    assert not judge(fields, event("Ticket_Update")).wanted
    verdict = judge(fields, event("Ticket_Update", changed_fields=frozenset({"priority"})))
    assert verdict.wanted and verdict.with_prev_state
    outgoing = webhook({"Ticket_Thread_Add": EventFilter(direction="out")})
    assert not judge(outgoing, event("Ticket_Thread_Add")).wanted
    assert judge(outgoing, event("Ticket_Thread_Add", direction="out")).wanted


def test_judge_ignores_its_own_source_and_disabled_webhooks() -> None:
    own = webhook({"Ticket_Update": None}, ignore_source_id=SOURCE)
    assert not judge(own, event("Ticket_Update", source_id=SOURCE.upper())).wanted
    assert judge(own, event("Ticket_Update", source_id=None)).wanted
    assert not judge(webhook({"Ticket_Update": None}, is_enabled=False), event("Ticket_Update")).wanted


def test_a_failing_observer_never_breaks_the_write() -> None:
    org, _ = watched_org()

    def broken(_: Event) -> None:
        raise RuntimeError("a receiver-side bug")

    ChangeObserver(broken).watch(org)
    ticket = a_ticket(org)
    ticket["priority"] = "Urgent" if ticket["priority"] != "Urgent" else "Low"
    org.touch(ticket)
    assert org.tickets[ticket["id"]]["modifiedTime"] == org.now_text()
