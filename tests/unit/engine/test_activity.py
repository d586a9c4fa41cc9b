"""Time anchors, counters and latest texts folded from observed changes (engine/activity.py), fixed times only."""

from __future__ import annotations

from worker.engine.activity import Activity, ThreadFact, advance, first_sight, iso, thread_from_ticket

CREATED = "2026-11-02T09:00:00Z"
TICKET = {
    "id": "1",
    "status": "Open",
    "assigneeId": None,
    "createdTime": CREATED,
    "modifiedTime": CREATED,
    "customerResponseTime": CREATED,
    "threadCount": "1",
    "description": "My printer is on fire",
}


def thread(at: str, direction: str, text: str = "hi", **extra) -> ThreadFact:
    data = {
        "id": at,
        "createdTime": at,
        "direction": direction,
        "channel": "EMAIL",
        "status": "SUCCESS",
        "visibility": "public",
        "summary": text,
        "author": {"type": "AGENT" if direction == "out" else "END_USER", "email": "a@x.test"},
        **extra,
    }
    fact = ThreadFact.from_desk(data)
    assert fact is not None
    return fact


def changed(previous: dict, at: str, **fields) -> dict:
    return {**previous, "modifiedTime": at, **fields}


def test_a_new_ticket_opens_with_the_customer_message():
    activity = advance(None, None, TICKET)
    assert activity.customer_reply_count == 1
    assert activity.last_customer_reply_at == CREATED
    assert activity.last_reply_by == "customer"
    assert activity.status_changed_at == CREATED
    assert activity.latest_customer_reply_text == "My printer is on fire"
    assert activity.agent_reply_count == 0 and activity.first_response_at is None


def test_an_agent_reply_sets_first_response_and_counts_once():
    start = advance(None, None, TICKET)
    later = changed(TICKET, "2026-11-02T10:00:00Z", threadCount="2")
    reply = thread("2026-11-02T09:59:00Z", "out", "On our way")
    once = advance(start, TICKET, later, [reply])
    assert once.agent_reply_count == 1
    assert once.first_response_at == once.last_agent_reply_at == "2026-11-02T09:59:00Z"
    assert once.last_reply_by == "agent" and once.latest_reply_text == "On our way"
    # the same change folded again (a re-read, a replay after a crash) changes nothing
    assert advance(once, TICKET, later, [reply]) == once
    # a later reply moves the last, not the first response
    third = changed(later, "2026-11-02T11:00:00Z", threadCount="3")
    twice = advance(once, later, third, [thread("2026-11-02T10:59:00Z", "out"), reply])
    assert twice.agent_reply_count == 2
    assert twice.first_response_at == "2026-11-02T09:59:00Z"
    assert twice.last_agent_reply_at == "2026-11-02T10:59:00Z"


def test_drafts_private_and_failed_replies_are_not_agent_replies():
    start = advance(None, None, TICKET)
    later = changed(TICKET, "2026-11-02T10:00:00Z")
    draft = {"createdTime": "2026-11-02T09:10:00Z", "direction": "out", "status": "DRAFT"}
    assert ThreadFact.from_desk(draft) is None
    threads = [
        thread("2026-11-02T09:20:00Z", "out", status="FAILED"),
        thread("2026-11-02T09:30:00Z", "out", visibility="private"),
    ]
    assert advance(start, TICKET, later, threads).agent_reply_count == 0


def test_a_customer_reply_after_an_agent_makes_the_customer_the_last():
    start = advance(None, None, TICKET)
    agent = advance(start, TICKET, changed(TICKET, "2026-11-02T10:00:00Z"), [thread("2026-11-02T09:59:00Z", "out")])
    customer = advance(
        agent,
        TICKET,
        changed(TICKET, "2026-11-02T12:00:00Z"),
        [thread("2026-11-02T11:58:00Z", "in", "still broken")],
    )
    assert customer.customer_reply_count == 2 and customer.agent_reply_count == 1
    assert customer.last_reply_by == "customer"
    assert customer.last_customer_reply_at == "2026-11-02T11:58:00Z"
    assert customer.latest_customer_reply_text == "still broken" == customer.latest_reply_text


def test_status_assignment_and_reopen_anchors_come_from_the_diff():
    start = advance(None, None, TICKET)
    assigned = changed(TICKET, "2026-11-02T10:00:00Z", assigneeId="7")
    step = advance(start, TICKET, assigned)
    assert step.assigned_at == "2026-11-02T10:00:00Z" and step.status_changed_at == CREATED
    closed = changed(assigned, "2026-11-02T11:00:00Z", status="Closed", closedTime="2026-11-02T11:00:00Z")
    step = advance(step, assigned, closed)
    assert step.status_changed_at == "2026-11-02T11:00:00Z" and step.reopen_count == 0
    reopened = changed(closed, "2026-11-03T08:00:00Z", status="Open", closedTime=None)
    step = advance(step, closed, reopened)
    assert step.reopened_at == "2026-11-03T08:00:00Z" and step.reopen_count == 1
    assert advance(step, closed, reopened).reopen_count == 1  # replayed: not counted twice
    unassigned = changed(reopened, "2026-11-03T09:00:00Z", assigneeId=None)
    assert advance(step, reopened, unassigned).assigned_at is None


def test_latest_comment_text_is_the_newest_comment():
    start = advance(None, None, TICKET)
    comments = [
        {"content": "older", "commentedTime": "2026-11-02T09:30:00Z"},
        {"content": "newest", "commentedTime": "2026-11-02T09:40:00Z"},
    ]
    assert advance(start, TICKET, changed(TICKET, "2026-11-02T10:00:00Z"), None, comments).latest_comment_text == (
        "newest"
    )


def test_a_ticket_known_before_counts_from_its_threads_when_read():
    later = changed(TICKET, "2026-11-05T10:00:00Z", threadCount="3")
    threads = [
        thread(CREATED, "in"),
        thread("2026-11-03T09:00:00Z", "out"),
        thread("2026-11-05T09:59:00Z", "in"),
    ]
    activity = advance(None, TICKET, later, threads)
    assert (activity.customer_reply_count, activity.agent_reply_count) == (2, 1)
    assert activity.first_response_at == "2026-11-03T09:00:00Z"
    # without its threads nothing before this change is counted, and anchors start from here
    blind = advance(None, TICKET, later)
    assert (blind.customer_reply_count, blind.agent_reply_count, blind.last_reply_by) == (0, 0, None)


def test_round_trip_through_a_dict():
    activity = first_sight(TICKET, None)
    assert Activity.from_dict({**activity.to_dict(), "unknown_key": 1}) == activity
    assert set(activity.fields()) >= {"assigned_at", "reopen_count", "latest_comment_text", "last_reply_by"}


def test_one_new_thread_is_told_by_the_ticket_alone_when_it_can_be():
    before = {**TICKET, "threadCount": "1"}
    customer = changed(before, "2026-11-02T10:00:00Z", threadCount="2", customerResponseTime="2026-11-02T09:59:00Z")
    fact = thread_from_ticket(before, customer, 1)
    assert fact is not None and (fact.direction, iso(fact.at), fact.text) == ("in", "2026-11-02T09:59:00Z", None)
    agent = changed(
        before, "2026-11-02T10:00:00Z", threadCount="2", lastThread={"direction": "out", "channel": "EMAIL"}
    )
    fact = thread_from_ticket(before, agent, 1)
    assert fact is not None and (fact.direction, fact.channel, iso(fact.at)) == ("out", "EMAIL", "2026-11-02T10:00:00Z")
    activity = advance(advance(None, None, TICKET), before, agent, [fact])
    assert activity.agent_reply_count == 1 and activity.latest_reply_text is None
    # several threads, or an outgoing one that moved customerResponseTime: only the threads tell
    assert thread_from_ticket(before, agent, 2) is None
    assert thread_from_ticket(before, {**agent, "customerResponseTime": "2026-11-02T09:59:00Z"}, 1) is None
    assert thread_from_ticket(before, {**agent, "lastThread": None}, 1) is None
