"""Ticket attachments over real HTTP: the seed's examples replayed, attachmentCount, visibility, size and type rules."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.sandbox.desk_support import chunked_multipart, seeded_tickets, set_max_attachment_bytes, ticket
from tests.integration.sandbox.helpers import advance, last_write

# The seed's example (list items and the create answer have the same fields).
ATTACHMENT_KEYS = {"size", "creatorId", "name", "createdTime", "isPublic", "id", "href", "previewurl"}


@pytest.fixture(scope="module")
def tickets(client: httpx.Client) -> list[str]:
    return [item["id"] for item in seeded_tickets(client)]


ISSUE_TEXT = b"32 bytes of issue text.........."


def attach(client: httpx.Client, ticket_id: str, name: str = "issues.txt", **kwargs) -> httpx.Response:
    return client.post(f"/tickets/{ticket_id}/attachments", files={"file": (name, ISSUE_TEXT)}, **kwargs)


def test_create_replays_the_seed_example(desk, client, tickets):
    # given the ticket as it is
    before = ticket(client, tickets[0])
    # when a file is attached as the seed's curl example does
    answer = attach(client, tickets[0])
    # then
    assert answer.status_code == 200
    created = answer.json()
    assert set(created) == ATTACHMENT_KEYS and created["isPublic"] is False
    assert created["name"] == "issues.txt" and created["size"] == "32"
    assert created["href"].endswith(f"/tickets/{tickets[0]}/attachments/{created['id']}/content")
    after = ticket(client, tickets[0])
    assert int(after["attachmentCount"]) == int(before["attachmentCount"]) + 1
    assert after["modifiedTime"] >= created["createdTime"]
    write = last_write(desk)
    assert (write["method"], write["path"]) == ("POST", f"/api/v1/tickets/{tickets[0]}/attachments")
    assert write["body"] == {"file": "issues.txt"}


def test_visibility_from_query_or_form(client, tickets):
    by_query = attach(client, tickets[0], params={"isPublic": "true"}).json()
    by_form = client.post(
        f"/tickets/{tickets[0]}/attachments", files={"file": ("a.txt", b"a")}, data={"isPublic": "true"}
    ).json()
    bad = client.post(f"/tickets/{tickets[0]}/attachments", files={"file": ("a.txt", b"a")}, data={"isPublic": "yes"})
    assert by_query["isPublic"] is True and by_form["isPublic"] is True
    assert bad.status_code == 422 and bad.json()["errors"] == [{"fieldName": "/isPublic", "errorType": "invalid"}]


def test_list_replays_the_seed_example_with_filters_sorting_and_paging(desk, client, tickets):
    # given one private and, a second later, one public attachment on a ticket
    private = attach(client, tickets[1], "guidelines.pdf").json()
    advance(desk, 1)
    shared = attach(client, tickets[1], "CreditHistory.pdf", params={"isPublic": "true"}).json()
    url = f"/tickets/{tickets[1]}/attachments"
    # when listed
    everything = client.get(url).json()["data"]
    newest_first = client.get(url, params={"sortBy": "-createdTime", "from": 0, "limit": 1}).json()["data"]
    public_only = client.get(url, params={"isPublic": "true"}).json()["data"]
    # then
    assert all(set(item) == ATTACHMENT_KEYS for item in everything)
    assert [item["id"] for item in everything][-2:] == [private["id"], shared["id"]]
    assert [item["id"] for item in newest_first] == [shared["id"]]
    assert shared in public_only and private not in public_only


def test_update_visibility(desk, client, tickets):
    created = attach(client, tickets[2]).json()
    answer = client.patch(f"/tickets/{tickets[2]}/attachments/{created['id']}", json={"isPublic": True})
    assert answer.status_code == 200 and answer.json() == {**created, "isPublic": True}
    public_ones = client.get(f"/tickets/{tickets[2]}/attachments", params={"isPublic": "true"}).json()["data"]
    assert public_ones == [answer.json()]
    assert last_write(desk)["method"] == "PATCH"
    missing = client.patch(f"/tickets/{tickets[2]}/attachments/{created['id']}", json={})
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"fieldName": "/isPublic", "errorType": "missing"}]


def test_delete_removes_and_uncounts(client, tickets):
    created = attach(client, tickets[3]).json()
    before = ticket(client, tickets[3])
    answer = client.delete(f"/tickets/{tickets[3]}/attachments/{created['id']}")
    assert answer.status_code == 200 and answer.content == b""
    assert int(ticket(client, tickets[3])["attachmentCount"]) == int(before["attachmentCount"]) - 1
    assert client.delete(f"/tickets/{tickets[3]}/attachments/{created['id']}").status_code == 404


def test_too_large_file_is_refused_even_without_content_length(desk, client, tickets):
    # given a 1000-byte limit
    before = ticket(client, tickets[4])["attachmentCount"]
    set_max_attachment_bytes(desk, 1000)
    try:
        # when a bigger file comes chunked (no Content-Length), then with its length declared
        body, headers = chunked_multipart("dump.bin", b"z" * 3000)
        chunked = client.post(f"/tickets/{tickets[4]}/attachments", content=body, headers=headers)
        declared = client.post(f"/tickets/{tickets[4]}/attachments", files={"file": ("dump.bin", b"z" * 3000)})
    finally:
        set_max_attachment_bytes(desk, 20 * 1024 * 1024)
    # then both are refused and nothing is attached
    assert chunked.status_code == 413 and chunked.json()["errorCode"] == "RESOURCE_SIZE_EXCEEDED"
    assert declared.status_code == 413
    assert ticket(client, tickets[4])["attachmentCount"] == before


def test_wrong_media_type_and_missing_file(client, tickets):
    as_json = client.post(f"/tickets/{tickets[0]}/attachments", json={"file": "x"})
    no_file = client.post(f"/tickets/{tickets[0]}/attachments", files={"other": ("a.txt", b"a")})
    assert as_json.status_code == 415 and as_json.json()["errorCode"] == "UNSUPPORTED_MEDIA_TYPE"
    assert no_file.status_code == 422 and no_file.json()["errors"] == [{"fieldName": "/file", "errorType": "missing"}]


def test_unknown_ids_and_query_rules(client, tickets):
    created = attach(client, tickets[0]).json()
    assert attach(client, "999").status_code == 404
    wrong_parent = client.patch(f"/tickets/{tickets[1]}/attachments/{created['id']}", json={"isPublic": True})
    assert wrong_parent.status_code == 404
    assert client.get(f"/tickets/{tickets[0]}/attachments", params={"limit": 101}).status_code == 422
    assert client.get(f"/tickets/{tickets[0]}/attachments", params={"isPublic": "1"}).status_code == 422
    assert client.get(f"/tickets/{tickets[0]}/attachments", params={"sortBy": "name"}).status_code == 422
