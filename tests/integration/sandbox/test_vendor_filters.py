"""Query parameters the vendor's spec documents beyond the seed: accepted and applied, not refused as unknown."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.integration.sandbox.helpers import api


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def all_tickets(client, **params) -> list[dict]:
    found, start = [], 0
    while True:
        answer = client.get("/tickets", params={"from": start, "limit": 100, **params})
        if answer.status_code == 204:
            return found
        found += answer.json()["data"]
        start += 100


def test_ticket_list_filters_by_closing_and_due_periods(shared_sandbox):
    with api(shared_sandbox) as client:
        everything = all_tickets(client)
        closed = all_tickets(client, closedTime="last30days")
        overdue = all_tickets(client, dueDate="overdue")
        teams = client.get("/tickets", params={"teamIds": "1"})
        bad = client.get("/tickets", params={"closedTime": "lastYear"})
    now = datetime.now(timezone.utc)
    assert closed and all(
        t["closedTime"] and now - when(t["closedTime"]) <= timedelta(days=30, minutes=5) for t in closed
    )
    assert len(closed) < len(everything)
    assert overdue and all(t["dueDate"] and when(t["dueDate"]) < now and t["status"] != "Closed" for t in overdue)
    assert teams.status_code == 204  # the sandbox has no teams
    assert bad.status_code == 422 and "closedTime" in bad.json()["message"]


def test_a_contacts_tickets_take_is_spam_and_attachments_take_include_creator(shared_sandbox):
    with api(shared_sandbox) as client:
        ticket = client.get("/tickets", params={"limit": 1}).json()["data"][0]
        spam = client.get(f"/contacts/{ticket['contactId']}/tickets", params={"isSpam": "true"})
        plain = client.get(f"/contacts/{ticket['contactId']}/tickets", params={"isSpam": "false"})
        attachments = client.get(f"/tickets/{ticket['id']}/attachments", params={"include": "creator"})
    assert spam.status_code == 204 and plain.status_code == 200
    assert attachments.status_code in (200, 204)
    if attachments.status_code == 200:
        assert all("creator" in item for item in attachments.json()["data"])


def test_searches_take_all_fields_and_tags(shared_sandbox):
    with api(shared_sandbox) as client:
        ticket = client.get("/tickets", params={"limit": 1}).json()["data"][0]
        word = ticket["subject"].split()[0]
        everywhere = client.get("/tickets/search", params={"_all": f"{word}*", "limit": 100})
        by_subject = client.get("/tickets/search", params={"subject": f"{word}*", "limit": 100})
        untagged = client.get("/tickets/search", params={"tag": "${empty}", "limit": 1})
        tagged = client.get("/tickets/search", params={"tag": "urgent"})
        contacts = client.get("/contacts/search", params={"_all": "*@*", "limit": 1})
    assert {t["id"] for t in by_subject.json()["data"]} <= {t["id"] for t in everywhere.json()["data"]}
    assert untagged.status_code == 200 and tagged.status_code == 204
    assert contacts.status_code == 200
