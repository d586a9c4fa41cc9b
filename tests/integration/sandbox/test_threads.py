"""A ticket's threads over real HTTP: read, list, sendReply, draftReply, draft edits, draft attachment removal."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.sandbox.desk_support import seeded_tickets, ticket
from tests.integration.sandbox.helpers import advance, last_write
from tests.integration.sandbox.ticket_support import AUTHOR_KEYS, REPLY_KEYS, make_ticket, reply_addresses
from tests.integration.sandbox.vendor_keys import (
    AUTHOR_VENDOR_KEYS,
    EMAIL_THREAD_VENDOR_KEYS,
    THREAD_READ_ONLY_KEYS,
    THREAD_VENDOR_KEYS,
    TICKET_READ_ONLY_KEYS,
    less,
)

# The GET thread example (an incoming EMAIL thread with an attachment).
EMAIL_THREAD_KEYS = THREAD_VENDOR_KEYS | EMAIL_THREAD_VENDOR_KEYS  # the vendor's keys an EMAIL list item adds
# one thread (GET, the reply answers) has the vendor's single-thread keys: not these list-only ones
ONE_EMAIL_THREAD_KEYS = EMAIL_THREAD_KEYS - {"lastRatingIconURL", "respondedIn", "attachmentIds"}
ONE_EMAIL_REPLY_KEYS = ONE_EMAIL_THREAD_KEYS - THREAD_READ_ONLY_KEYS  # a reply's or a draft's answer
THREAD_KEYS = {
    "cc",
    "summary",
    "attachments",
    "bcc",
    "visibility",
    "author",
    "channel",
    "content",
    "isForward",
    "hasAttach",
    "createdTime",
    "to",
    "id",
    "fromEmailAddress",
    "actions",
    "status",
    "direction",
}
# The list example's outgoing EMAIL item: no content, no attachments.
LIST_REPLY_KEYS = REPLY_KEYS - {"content", "attachments"}
SEND_EXAMPLE = {
    "channel": "EMAIL",
    "to": "carol@zylker.com",
    "contentType": "plainText",
    "content": "We have identified the root cause and fixed it.",
    "isForward": "true",
}
DRAFT_EXAMPLE = {**SEND_EXAMPLE, "content": "We have escaled the issue.Will update you regarding the progress."}
DRAFT_UPDATE_EXAMPLE = {
    "channel": "EMAIL",
    "to": "carol@zylker.com",
    "contentType": "plainText",
    "content": "We are analysing the issue currently , will update you with a solution as early as possible",
}


@pytest.fixture(scope="module")
def sender(client: httpx.Client) -> str:
    return reply_addresses(client)[0]


def upload_id(client: httpx.Client) -> str:
    answer = client.post("/uploads", files={"file": ("atach.png", b"\x89PNG picture", "image/png")})
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


def save_draft(client: httpx.Client, ticket_id: str, sender: str) -> dict:
    return client.post(f"/tickets/{ticket_id}/draftReply", json={**DRAFT_EXAMPLE, "fromEmailAddress": sender}).json()


def threads_of(client: httpx.Client, ticket_id: str, **params: object) -> list[dict]:
    return client.get(f"/tickets/{ticket_id}/threads", params={"limit": 100, **params}).json()["data"]


# GET one, GET list ------------------------------------------------------------------------------------
def test_get_thread_replays_the_example(client):
    # given a seeded ticket with an incoming EMAIL thread
    for seeded in seeded_tickets(client):
        emails = [t for t in threads_of(client, seeded["id"]) if t["channel"] == "EMAIL" and t["direction"] == "in"]
        if emails:
            break
    # when read as the seed's curl example does
    answer = client.get(f"/tickets/{seeded['id']}/threads/{emails[0]['id']}")
    # then the example's fields (attachments empty: it has none) with the full content
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == THREAD_KEYS | ONE_EMAIL_THREAD_KEYS and body["attachments"] == []
    assert set(body["author"]) == AUTHOR_KEYS | AUTHOR_VENDOR_KEYS and body["author"]["type"] == "END_USER"
    assert body["content"].startswith(body["summary"][:20]) and body["direction"] == "in"


def test_get_thread_unknown_or_of_another_ticket_is_404(client):
    first, second = make_ticket(client), make_ticket(client)
    thread_id = threads_of(client, first["id"])[0]["id"]
    assert client.get(f"/tickets/{second['id']}/threads/{thread_id}").status_code == 404
    assert client.get(f"/tickets/{first['id']}/threads/1").status_code == 404
    assert client.get(f"/tickets/1/threads/{thread_id}").status_code == 404


def test_list_replays_the_example_newest_first_without_content(client, sender):
    # given a ticket with its description thread, a reply and a draft
    created = make_ticket(client)
    client.post(f"/tickets/{created['id']}/sendReply", json={**SEND_EXAMPLE, "fromEmailAddress": sender})
    client.post(f"/tickets/{created['id']}/draftReply", json={**DRAFT_EXAMPLE, "fromEmailAddress": sender})
    # when listed as the seed's curl example does
    answer = client.get(f"/tickets/{created['id']}/threads")
    # then newest first, drafts included, no content
    assert answer.status_code == 200
    items = answer.json()["data"]
    assert [(t["direction"], t["status"]) for t in items] == [("out", "DRAFT"), ("out", "SUCCESS"), ("in", "SUCCESS")]
    assert all(set(item) == LIST_REPLY_KEYS | EMAIL_THREAD_KEYS for item in items[:2])
    assert all("content" not in item and "attachments" not in item for item in items)
    oldest_first = threads_of(client, created["id"], sortBy="sendDateTime")
    assert [t["id"] for t in oldest_first] == [t["id"] for t in reversed(items)]


def test_list_pages(client, sender):
    created = make_ticket(client)
    for number in range(3):
        client.post(f"/tickets/{created['id']}/sendReply", json={"channel": "FACEBOOK", "content": f"reply {number}"})
    everything = threads_of(client, created["id"])
    page = client.get(f"/tickets/{created['id']}/threads", params={"from": 1, "limit": 2}).json()["data"]
    assert [t["id"] for t in page] == [t["id"] for t in everything[1:3]]
    assert client.get(f"/tickets/{created['id']}/threads", params={"limit": 0}).status_code == 422
    assert client.get(f"/tickets/{created['id']}/threads", params={"from": 9}).status_code == 204


# sendReply ----------------------------------------------------------------------------------------------
def test_send_reply_replays_the_example(desk, client, sender):
    # given a fresh ticket and an upload, a moment later
    created = make_ticket(client)
    attachment = upload_id(client)
    advance(desk, 2)
    # when replied to as the seed's curl example does
    body = {**SEND_EXAMPLE, "attachmentIds": [attachment], "fromEmailAddress": sender}
    answer = client.post(f"/tickets/{created['id']}/sendReply", json=body)
    # then the example's fields, queued; read back it has been sent
    assert answer.status_code == 200
    reply = answer.json()
    assert set(reply) == REPLY_KEYS | ONE_EMAIL_REPLY_KEYS
    assert (reply["status"], reply["direction"]) == ("PENDING", "out")
    assert (reply["isForward"], reply["hasAttach"]) == (True, True)
    assert reply["attachments"][0]["id"] == attachment and reply["attachments"][0]["name"] == "atach.png"
    assert reply["author"]["type"] == "AGENT" and reply["responderId"].isdigit()
    stored = client.get(f"/tickets/{created['id']}/threads/{reply['id']}").json()
    assert less(stored, THREAD_READ_ONLY_KEYS) == {**reply, "status": "SUCCESS"}
    # and the ticket counts it and moved, its status unchanged
    after = ticket(client, created["id"])
    assert after["threadCount"] == "2" and after["modifiedTime"] > created["modifiedTime"]
    assert after["status"] == created["status"]
    write = last_write(desk)
    assert (write["path"], write["status"]) == (f"/api/v1/tickets/{created['id']}/sendReply", 200)


def test_send_reply_refuses_a_sender_that_is_no_active_reply_address(client):
    created = make_ticket(client)
    retired = reply_addresses(client)[1]
    for address in (retired, "someone@example.com"):
        answer = client.post(f"/tickets/{created['id']}/sendReply", json={**SEND_EXAMPLE, "fromEmailAddress": address})
        assert answer.status_code == 422
        assert answer.json()["errors"] == [{"fieldName": "/fromEmailAddress", "errorType": "invalid"}]
    missing = client.post(f"/tickets/{created['id']}/sendReply", json=SEND_EXAMPLE)
    assert missing.json()["errors"] == [{"fieldName": "/fromEmailAddress", "errorType": "missing"}]
    assert ticket(client, created["id"])["threadCount"] == "1"


@pytest.mark.parametrize(
    "change, field, kind",
    [
        ({"content": None}, "/content", "missing"),
        ({"channel": "CARRIER_PIGEON"}, "/channel", "invalid"),
        ({"attachmentIds": ["1"]}, "/attachmentIds", "invalid"),
        ({"colour": "red"}, "/colour", "invalid"),
        ({"ticketStatus": "Done"}, "/ticketStatus", "invalid"),
        ({"inReplyToThreadId": "1"}, "/inReplyToThreadId", "invalid"),
    ],
)
def test_send_reply_refuses_bad_fields(client, sender, change, field, kind):
    created = make_ticket(client)
    body = {**SEND_EXAMPLE, "fromEmailAddress": sender, **change}
    answer = client.post(f"/tickets/{created['id']}/sendReply", json={k: v for k, v in body.items() if v is not None})
    assert answer.status_code == 422 and answer.json()["errors"] == [{"fieldName": field, "errorType": kind}]


def test_send_reply_can_set_the_ticket_status_and_is_404_for_an_unknown_ticket(client, sender):
    created = make_ticket(client)
    body = {**SEND_EXAMPLE, "fromEmailAddress": sender, "ticketStatus": "On Hold"}
    assert client.post(f"/tickets/{created['id']}/sendReply", json=body).status_code == 200
    assert ticket(client, created["id"])["statusType"] == "On Hold"
    assert client.post("/tickets/1/sendReply", json=body).status_code == 404


# drafts -------------------------------------------------------------------------------------------------
def test_draft_reply_replays_the_example_and_leaves_the_ticket_alone(desk, client, sender):
    # given a fresh ticket, a moment later
    created = make_ticket(client)
    advance(desk, 2)
    # when a draft is saved as the seed's curl example does
    body = {**DRAFT_EXAMPLE, "attachmentIds": [upload_id(client)], "fromEmailAddress": sender}
    answer = client.post(f"/tickets/{created['id']}/draftReply", json=body)
    # then a DRAFT with send/delete links, and the ticket unchanged
    assert answer.status_code == 200
    draft = answer.json()
    assert set(draft) == REPLY_KEYS | ONE_EMAIL_REPLY_KEYS and draft["status"] == "DRAFT"
    assert [(a["method"], a["rel"]) for a in draft["actions"]] == [("POST", "send"), ("DELETE", "delete")]
    assert less(ticket(client, created["id"]), TICKET_READ_ONLY_KEYS) == created
    assert less(client.get(f"/tickets/{created['id']}/threads/{draft['id']}").json(), THREAD_READ_ONLY_KEYS) == draft


def test_draft_reply_checks_the_sender_too(client):
    created = make_ticket(client)
    answer = client.post(
        f"/tickets/{created['id']}/draftReply", json={**DRAFT_EXAMPLE, "fromEmailAddress": reply_addresses(client)[1]}
    )
    assert answer.status_code == 422 and answer.json()["errors"][0]["fieldName"] == "/fromEmailAddress"


def test_update_draft_replays_the_example(desk, client, sender):
    # given a draft
    created = make_ticket(client)
    draft = save_draft(client, created["id"], sender)
    # when updated as the seed's curl example does
    body = {**DRAFT_UPDATE_EXAMPLE, "fromEmailAddress": sender}
    answer = client.patch(f"/tickets/{created['id']}/draftReply/{draft['id']}", json=body)
    # then
    assert answer.status_code == 200
    updated = answer.json()
    assert set(updated) == REPLY_KEYS | ONE_EMAIL_REPLY_KEYS
    assert updated["content"] == updated["summary"] == DRAFT_UPDATE_EXAMPLE["content"]
    assert (updated["id"], updated["status"], updated["createdTime"]) == (draft["id"], "DRAFT", draft["createdTime"])
    assert less(client.get(f"/tickets/{created['id']}/threads/{draft['id']}").json(), THREAD_READ_ONLY_KEYS) == updated
    assert last_write(desk)["method"] == "PATCH"


def test_update_draft_refuses_sent_threads_other_channels_and_bad_senders(client, sender):
    created = make_ticket(client)
    sent = client.post(f"/tickets/{created['id']}/sendReply", json={**SEND_EXAMPLE, "fromEmailAddress": sender}).json()
    assert client.patch(f"/tickets/{created['id']}/draftReply/{sent['id']}", json={"content": "x"}).status_code == 422
    draft = save_draft(client, created["id"], sender)
    path = f"/tickets/{created['id']}/draftReply/{draft['id']}"
    assert client.patch(path, json={"channel": "FACEBOOK"}).json()["errors"][0]["fieldName"] == "/channel"
    bad = client.patch(path, json={"fromEmailAddress": reply_addresses(client)[1]})
    assert bad.json()["errors"][0]["fieldName"] == "/fromEmailAddress"
    assert client.patch(f"/tickets/{created['id']}/draftReply/1", json={"content": "x"}).status_code == 404


# DELETE a draft's attachment ----------------------------------------------------------------------------
def test_delete_draft_attachment_replays_the_example(desk, client, sender):
    # given a draft with two attachments
    created = make_ticket(client)
    first, second = upload_id(client), upload_id(client)
    body = {**DRAFT_EXAMPLE, "fromEmailAddress": sender, "attachmentIds": [first, second]}
    draft = client.post(f"/tickets/{created['id']}/draftReply", json=body).json()
    path = f"/tickets/{created['id']}/threads/{draft['id']}/attachments"
    # when one is deleted as the seed's curl example does
    answer = client.delete(f"{path}/{first}")
    # then 200, empty; the other stays; deleting it again is 404
    assert (answer.status_code, answer.content) == (200, b"")
    stored = client.get(f"/tickets/{created['id']}/threads/{draft['id']}").json()
    assert [a["id"] for a in stored["attachments"]] == [second] and stored["hasAttach"] is True
    assert client.delete(f"{path}/{first}").status_code == 404
    assert client.delete(f"{path}/{second}").status_code == 200
    assert client.get(f"/tickets/{created['id']}/threads/{draft['id']}").json()["hasAttach"] is False
    assert last_write(desk)["method"] == "DELETE"


def test_delete_attachment_of_a_sent_thread_is_refused(client, sender):
    created = make_ticket(client)
    attachment = upload_id(client)
    body = {**SEND_EXAMPLE, "fromEmailAddress": sender, "attachmentIds": [attachment]}
    sent = client.post(f"/tickets/{created['id']}/sendReply", json=body).json()
    answer = client.delete(f"/tickets/{created['id']}/threads/{sent['id']}/attachments/{attachment}")
    assert answer.status_code == 422
