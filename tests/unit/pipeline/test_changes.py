"""Change detection: what a fetched ticket and its snapshot become (pure)."""

from __future__ import annotations

from datetime import datetime, timezone

from worker.ingest.diff import compact, field_changes, observe

WINDOW_START = datetime(2026, 11, 28, 10, 0, tzinfo=timezone.utc)
BASE = {
    "id": "1",
    "status": "Open",
    "priority": "Low",
    "threadCount": "2",
    "commentCount": "0",
    "customerResponseTime": "2026-11-28T09:00:00.000Z",
    "modifiedTime": "2026-11-28T09:00:00.000Z",
    "customFields": {"ModelName": "F3"},
}


def test_a_ticket_never_seen_and_created_in_the_window_is_created():
    created = datetime(2026, 11, 28, 10, 0, 5, tzinfo=timezone.utc)
    assert observe(None, BASE, WINDOW_START, created).kinds == ("ticket.created",)


def test_an_old_ticket_never_seen_is_an_update():
    created = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert observe(None, BASE, WINDOW_START, created).kinds == ("ticket.updated",)


def test_field_and_custom_field_changes_ignore_bookkeeping():
    current = {
        **BASE,
        "priority": "High",
        "modifiedTime": "later",
        "threadCount": "3",
        "customFields": {"ModelName": "F4"},
    }
    assert field_changes(BASE, current) == {"priority": ("Low", "High"), "customFields.ModelName": ("F3", "F4")}


def test_a_customer_reply_is_replied_and_a_reopen_is_also_an_update():
    current = {**BASE, "threadCount": "3", "customerResponseTime": "2026-11-28T10:01:00.000Z", "status": "Open"}
    previous = {**BASE, "status": "Closed"}
    observation = observe(previous, current, WINDOW_START, None)
    assert observation.kinds == ("ticket.replied", "ticket.reopened", "ticket.updated")
    assert observation.new_threads == 1


def test_an_agent_reply_alone_is_agent_replied():
    current = {**BASE, "threadCount": "3", "modifiedTime": "later"}
    assert observe(BASE, current, WINDOW_START, None).kinds == ("ticket.agent_replied",)


def test_a_new_comment_is_commented():
    current = {**BASE, "commentCount": "2"}
    observation = observe(BASE, current, WINDOW_START, None)
    assert observation.kinds == ("ticket.commented",)
    assert observation.new_comments == 2


def test_a_compact_snapshot_keeps_what_diffing_needs_and_leaves_texts_out():
    ticket = {**BASE, "statusType": "Closed", "subject": "s" * 200, "description": "d" * 2000, "lastThread": {"x": 1}}
    kept = compact(ticket)
    assert kept["status"] == "Open" and kept["threadCount"] == "2" and kept["customFields"] == {"ModelName": "F3"}
    assert "subject" not in kept and "description" not in kept and "lastThread" not in kept


def test_a_reply_reopening_a_ticket_known_only_compactly_is_replied_with_the_status_change_only():
    closed = compact({**BASE, "status": "Closed", "statusType": "Closed", "closedTime": "2026-06-01T00:00:00.000Z"})
    current = {
        **BASE,
        "status": "Open",
        "statusType": "Open",
        "closedTime": None,
        "threadCount": "3",
        "customerResponseTime": "2026-11-28T10:01:00.000Z",
        "subject": "never compared",
        "description": "long",
    }
    observation = observe(closed, current, WINDOW_START, None)
    assert observation.kinds == ("ticket.replied", "ticket.reopened", "ticket.updated")
    assert observation.changes == {
        "status": ("Closed", "Open"),
        "statusType": ("Closed", "Open"),
        "closedTime": ("2026-06-01T00:00:00.000Z", None),
    }


def test_a_compact_snapshot_survives_its_packing_and_drops_only_empty_custom_fields():
    from worker.store.closed import pack, unpack

    kept = compact({**BASE, "closedTime": None, "customFields": {"ModelName": "F3", "url": None}})
    assert kept["customFields"] == {"ModelName": "F3"}
    assert unpack(pack(kept)) == kept and "closedTime" in unpack(pack(kept))


def test_a_field_or_card_key_only_one_shape_has_is_not_a_change():
    snapshot = {"id": "1", "status": "Open", "contact": {"id": "5", "email": "b@x"}}
    search_item = {**snapshot, "cf": {"cf_tier": None}, "contact": {"id": "5", "email": "b@x", "mobile": None}}
    assert field_changes(snapshot, search_item) == {}
    moved = {**search_item, "contact": {"id": "6", "email": "b@x", "mobile": None}}
    assert field_changes(snapshot, moved) == {"contact": (snapshot["contact"], moved["contact"])}
