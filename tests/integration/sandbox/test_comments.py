"""Ticket comments over real HTTP: the seed's examples replayed, derived counts, mentions, paging, errors."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.sandbox.desk_support import seeded_tickets, ticket
from tests.integration.sandbox.helpers import advance, last_write

# The seed's examples: the create answer (with attachments) and the list's comment without attachments, plus the
# keys the vendor's commentResponse requires beyond them.
SEED_COMMENT_KEYS = {"modifiedTime", "attachments", "commentedTime", "isPublic", "id", "content", "commenterId"}
COMMENT_KEYS = SEED_COMMENT_KEYS | {"commenter", "contentType", "encodedContent", "impersonatedUser"}
PLAIN_COMMENT_KEYS = COMMENT_KEYS - {"attachments"}
COMMENTER_KEYS = {"photoURL", "name", "type", "email"} | {"firstName", "lastName", "id", "roleName"}
FILE_KEYS = {"size", "name", "id", "href"}


@pytest.fixture(scope="module")
def assigned(client: httpx.Client) -> dict:
    """A seeded ticket with an assignee, whose zuid the mentions use (from the agent's record: the ticket's assignee
    card has none)."""
    first = next(item for item in seeded_tickets(client) if item["assigneeId"])
    found = ticket(client, first["id"], include="assignee")
    found["assignee"]["zuid"] = client.get(f"/agents/{found['assigneeId']}").json()["zuid"]
    return found


def upload(client: httpx.Client, name: str) -> str:
    return client.post("/uploads", files={"file": (name, b"png bytes", "image/png")}).json()["id"]


def comment(client: httpx.Client, ticket_id: str, **body) -> dict:
    answer = client.post(f"/tickets/{ticket_id}/comments", json={"content": "note", **body})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_create_replays_the_seed_example(desk, client, assigned):
    # given the ticket as it is, and an upload
    before = ticket(client, assigned["id"])
    text = f"zsu[@user:{assigned['assignee']['zuid']}]zsu Please fix this ASAP"
    body = {"isPublic": "true", "attachmentIds": [upload(client, "Attachment.png")], "content": text}
    # when the seed's curl example is replayed
    answer = client.post(f"/tickets/{assigned['id']}/comments", json=body)
    # then the answer has the example's fields, the mention kept as written
    assert answer.status_code == 200
    created = answer.json()
    assert set(created) == COMMENT_KEYS and set(created["commenter"]) == COMMENTER_KEYS
    assert set(created["attachments"][0]) == FILE_KEYS and created["attachments"][0]["name"] == "Attachment.png"
    assert created["content"] == text and created["isPublic"] is True and created["modifiedTime"] is None
    assert created["commenter"]["type"] == "AGENT" and created["commenterId"].isdigit()
    # and the ticket counts it and moved
    after = ticket(client, assigned["id"])
    assert int(after["commentCount"]) == int(before["commentCount"]) + 1
    assert after["modifiedTime"] >= before["modifiedTime"] and after["modifiedTime"] >= created["commentedTime"]
    write = last_write(desk)
    assert (write["method"], write["path"]) == ("POST", f"/api/v1/tickets/{assigned['id']}/comments")
    assert write["status"] == 200
    assert write["body"] == body


def test_get_one_and_list_show_the_example_fields(client, assigned):
    created = comment(client, assigned["id"], content="plain")
    one = client.get(f"/tickets/{assigned['id']}/comments/{created['id']}")
    listed = client.get(f"/tickets/{assigned['id']}/comments", params={"from": 0, "limit": 100})
    assert one.status_code == 200 and one.json() == created
    assert set(one.json()) == PLAIN_COMMENT_KEYS and created["isPublic"] is False
    assert listed.status_code == 200 and created in listed.json()["data"]
    assert all(PLAIN_COMMENT_KEYS <= set(item) <= COMMENT_KEYS for item in listed.json()["data"])


def test_list_sorts_by_commented_time_and_pages(desk, client):
    # given three new comments on one ticket, a second apart
    ticket_id = seeded_tickets(client)[1]["id"]
    ids = []
    for n in range(3):
        advance(desk, 1)
        ids.append(comment(client, ticket_id, content=f"c{n}")["id"])
    # when listed in both orders, and one page of one
    url = f"/tickets/{ticket_id}/comments"
    ascending = client.get(url, params={"limit": 100}).json()["data"]
    descending = client.get(url, params={"sortBy": "-commentedTime", "limit": 100}).json()["data"]
    second = client.get(url, params={"sortBy": "-commentedTime", "from": 1, "limit": 1}).json()["data"]
    # then
    times = [item["commentedTime"] for item in ascending]
    assert times == sorted(times) and [item["id"] for item in ascending][-3:] == ids
    assert [item["id"] for item in descending][:3] == ids[::-1]
    assert [item["id"] for item in second] == [ids[1]]


def test_include_mentions_resolves_the_agent(client, assigned):
    zuid = assigned["assignee"]["zuid"]
    created = comment(client, assigned["id"], content=f"hi zsu[@user:{zuid}]zsu")
    answer = client.get(f"/tickets/{assigned['id']}/comments/{created['id']}", params={"include": "mentions"})
    [mention] = answer.json()["mention"]
    assert mention["id"] == assigned["assigneeId"] and mention["zuid"] == zuid and mention["type"] == "AGENT"
    assert (mention["offSet"], mention["length"]) == ("3", str(len(f"zsu[@user:{zuid}]zsu")))


def test_update_replays_the_seed_example(desk, client, assigned):
    # given a comment with an attachment
    created = comment(client, assigned["id"], attachmentIds=[upload(client, "Attachment.png")])
    edited_id = upload(client, "Attachment_edited.png")
    # when the seed's PATCH example is replayed
    answer = client.patch(
        f"/tickets/{assigned['id']}/comments/{created['id']}",
        json={"attachmentIds": [edited_id], "content": "Edited comment."},
    )
    # then the content and attachments are replaced and modifiedTime is stamped
    assert answer.status_code == 200
    updated = answer.json()
    assert set(updated) == COMMENT_KEYS and updated["content"] == "Edited comment."
    assert [item["name"] for item in updated["attachments"]] == ["Attachment_edited.png"]
    assert updated["modifiedTime"] >= updated["commentedTime"] and updated["commentedTime"] == created["commentedTime"]
    assert client.get(f"/tickets/{assigned['id']}/comments/{created['id']}").json() == updated
    assert last_write(desk)["method"] == "PATCH"


def test_delete_removes_and_uncounts(desk, client, assigned):
    created = comment(client, assigned["id"])
    before = ticket(client, assigned["id"])
    answer = client.delete(f"/tickets/{assigned['id']}/comments/{created['id']}")
    assert answer.status_code == 200 and answer.content == b""
    assert int(ticket(client, assigned["id"])["commentCount"]) == int(before["commentCount"]) - 1
    assert client.get(f"/tickets/{assigned['id']}/comments/{created['id']}").status_code == 404
    assert (last_write(desk)["method"], last_write(desk)["status"]) == ("DELETE", 200)


def test_invalid_bodies_name_each_field(client, assigned):
    url = f"/tickets/{assigned['id']}/comments"
    missing = client.post(url, json={"isPublic": "maybe", "contentType": "markdown"})
    assert missing.status_code == 422 and missing.json()["errorCode"] == "INVALID_DATA"
    assert missing.json()["errors"] == [
        {"fieldName": "/content", "errorType": "missing"},
        {"fieldName": "/isPublic", "errorType": "invalid"},
        {"fieldName": "/contentType", "errorType": "invalid"},
    ]
    bad_ids = client.post(url, json={"content": "x", "attachmentIds": "123"})
    assert bad_ids.json()["errors"] == [{"fieldName": "/attachmentIds", "errorType": "invalid"}]
    empty = client.post(url, content=b"", headers={"Content-Type": "application/json"})
    assert empty.status_code == 422 and empty.json()["errorCode"] == "EMPTY_PAYLOAD"


def test_unknown_ids_are_not_found(client, assigned):
    other = next(item["id"] for item in seeded_tickets(client) if item["id"] != assigned["id"])
    created = comment(client, assigned["id"])
    assert client.post("/tickets/999/comments", json={"content": "x"}).status_code == 404
    assert client.get(f"/tickets/{assigned['id']}/comments/999").status_code == 404
    wrong_parent = client.get(f"/tickets/{other}/comments/{created['id']}")
    assert wrong_parent.status_code == 404 and wrong_parent.json()["errorCode"] == "URL_NOT_FOUND"
    assert client.patch(f"/tickets/{other}/comments/{created['id']}", json={"content": "x"}).status_code == 404


def test_query_rules(client, assigned):
    url = f"/tickets/{assigned['id']}/comments"
    assert client.get(url, params={"limit": 0}).status_code == 422
    assert client.get(url, params={"sortBy": "modifiedTime"}).status_code == 422
    assert client.get(url, params={"include": "owner"}).status_code == 422
    extra = client.get(url, params={"status": "x"})
    assert extra.status_code == 422 and extra.json()["errorCode"] == "UNPROCESSABLE_ENTITY"
    parent = client.post(url, params={"parentConversationId": "12"}, json={"content": "x"})
    assert parent.json()["errors"] == [{"fieldName": "/parentConversationId", "errorType": "invalid"}]


def test_ticket_without_comments_lists_204(client):
    quiet = next(item for item in seeded_tickets(client) if item["commentCount"] == "0")
    answer = client.get(f"/tickets/{quiet['id']}/comments")
    assert answer.status_code == 204 and answer.content == b""
