"""Contacts over real HTTP: the seed's examples replayed, validation, contactCount, a contact's tickets, files."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.sandbox.helpers import advance, api, last_seq, scoped_token, writes_since
from tests.integration.sandbox.people_support import (
    ACCOUNT_KEYS,
    ATTACHMENT_KEYS,
    CONTACT_KEYS,
    CONTACT_LIST_KEYS,
    CUSTOMER_TICKET_KEYS,
    OWNER_KEYS,
    invalid_fields,
)
from tests.integration.sandbox.vendor_keys import (
    ACCOUNT_VENDOR_KEYS,
    CONTACT_LIST_VENDOR_KEYS,
    CONTACT_TICKET_VENDOR_KEYS,
    CONTACT_VENDOR_KEYS,
)

TICKETS_PER_ORG = 30  # seeded per org in this module's sandbox (conftest.py)


@pytest.fixture(scope="module")
def contacts(client: httpx.Client) -> list[dict[str, Any]]:
    return client.get("/contacts", params={"limit": 100}).json()["data"]


def fresh_contact(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    answer = client.post("/contacts", json={"lastName": "Fresh", **fields})
    assert answer.status_code == 200, answer.text
    return answer.json()


def contact_count(client: httpx.Client, account_id: str) -> str | None:
    return client.get(f"/accounts/{account_id}").json()["customFields"]["contactCount"]


def test_get_replays_the_seed_example(client, contacts):
    # when the seed's curl example is replayed with a seeded id
    answer = client.get(f"/contacts/{contacts[0]['id']}")
    # then the answer has the example's fields
    assert answer.status_code == 200
    assert set(answer.json()) == CONTACT_KEYS | CONTACT_VENDOR_KEYS
    assert answer.json()["id"] == contacts[0]["id"]


def test_get_embeds_account_and_owner(client, contacts):
    contact = next(item for item in contacts if item["accountId"] and item["ownerId"])
    body = client.get(f"/contacts/{contact['id']}", params={"include": "accounts,owner"}).json()
    assert set(body) == CONTACT_KEYS | CONTACT_VENDOR_KEYS | {"account", "owner"}
    assert set(body["account"]) == {"website", "accountName", "id"} and body["account"]["id"] == contact["accountId"]
    assert set(body["owner"]) == OWNER_KEYS and body["owner"]["id"] == contact["ownerId"]


def test_unknown_contact_is_404(client):
    for answer in (
        client.get("/contacts/1"),
        client.patch("/contacts/1", json={"lastName": "x"}),
        client.get("/contacts/1/tickets"),
        client.get("/contacts/1/attachments"),
    ):
        assert answer.status_code == 404 and answer.json()["errorCode"] == "URL_NOT_FOUND"


def test_list_replays_the_seed_example_with_paging_sorting_and_include(client, contacts):
    # when the seed's list example is replayed
    default = client.get("/contacts")
    # then ten contacts with the example's fields, in creation order
    assert default.status_code == 200
    assert [item["id"] for item in default.json()["data"]] == [item["id"] for item in contacts[:10]]
    assert all(set(item) == CONTACT_LIST_KEYS | CONTACT_LIST_VENDOR_KEYS for item in default.json()["data"])
    second = client.get("/contacts", params={"from": 10, "limit": 5}).json()["data"]
    assert [item["id"] for item in second] == [item["id"] for item in contacts[10:15]]
    by_name = client.get("/contacts", params={"sortBy": "-lastName", "limit": 100}).json()["data"]
    names = [item["lastName"].lower() for item in by_name]
    assert names == sorted(names, reverse=True)
    embedded = client.get("/contacts", params={"include": "accounts", "limit": 3}).json()["data"]
    assert all(set(item) == CONTACT_LIST_KEYS | CONTACT_LIST_VENDOR_KEYS | {"account"} for item in embedded)


def test_list_refuses_bad_parameters(client):
    assert client.get("/contacts", params={"limit": 0}).status_code == 422
    assert client.get("/contacts", params={"sortBy": "zip"}).status_code == 422
    extra = client.get("/contacts", params={"colour": "red"})
    assert (
        extra.status_code == 422
        and extra.json()["message"] == "Extra query parameter 'colour' is present in the input."
    )


def test_create_replays_the_seed_example(desk, client, contacts):
    # given the seed's create body with its ids swapped for seeded ones
    seeded = next(item for item in contacts if item["accountId"] and item["ownerId"])
    before = int(contact_count(client, seeded["accountId"]))
    body = {
        "zip": "123902",
        "lastName": "Jack",
        "country": "USA",
        "secondaryEmail": "hugh.jack@zylker.com",
        "city": "Texas",
        "facebook": "hugh jacks",
        "mobile": "+10 2328829010",
        "description": "first priority contact",
        "ownerId": seeded["ownerId"],
        "type": "paidUser",
        "title": "The contact",
        "accountId": seeded["accountId"],
        "firstName": "hugh",
        "twitter": "Hugh jack",
        "phone": "91020080878",
        "street": "North street",
        "state": "Austin",
        "email": "jack@zylker.com",
    }
    seq = last_seq(desk)
    # when it is posted
    answer = client.post("/contacts", json=body)
    # then 200 with the example's fields, the values as sent, and the account counts one more contact
    assert answer.status_code == 200
    created = answer.json()
    assert set(created) == CONTACT_KEYS | CONTACT_VENDOR_KEYS
    assert {name: created[name] for name in body} == body
    assert created["createdTime"] == created["modifiedTime"] and created["isDeleted"] is False
    assert client.get(f"/contacts/{created['id']}").json() == created
    assert int(contact_count(client, seeded["accountId"])) == before + 1
    [write] = writes_since(desk, seq)
    assert (write["method"], write["path"], write["body"], write["status"]) == ("POST", "/api/v1/contacts", body, 200)


def test_create_names_every_bad_field(client):
    answer = client.post(
        "/contacts", json={"email": "not-an-address", "accountId": "1", "ownerId": "2", "colour": "red"}
    )
    assert invalid_fields(answer) == {
        "/lastName": "missing",
        "/email": "invalid",
        "/accountId": "invalid",
        "/ownerId": "invalid",
        "/colour": "invalid",
    }
    assert invalid_fields(client.post("/contacts", json={"lastName": ""})) == {"/lastName": "missing"}
    assert invalid_fields(client.post("/contacts", json={"lastName": "x" * 201})) == {"/lastName": "invalid"}
    unknown_custom = client.post("/contacts", json={"lastName": "x", "customFields": {"nope": "1"}})
    assert invalid_fields(unknown_custom) == {"/customFields": "invalid"}
    assert client.post("/contacts", content=b"").json()["errorCode"] == "EMPTY_PAYLOAD"


def test_update_replays_the_seed_example_and_moves_modified_time(desk, client):
    # given a fresh contact, and time passing
    contact = fresh_contact(client, zip="1", customFields={"permanentAddress": "Wall Street"})
    advance(desk, 2)
    seq = last_seq(desk)
    # when the seed's update example is replayed
    answer = client.patch(f"/contacts/{contact['id']}", json={"zip": "123902", "lastName": "john"})
    # then only the sent fields change, and modifiedTime moves
    assert answer.status_code == 200
    updated = answer.json()
    assert set(updated) == CONTACT_KEYS | CONTACT_VENDOR_KEYS
    assert (updated["zip"], updated["lastName"]) == ("123902", "john")
    assert updated["modifiedTime"] > contact["modifiedTime"] and updated["createdTime"] == contact["createdTime"]
    assert updated["customFields"] == {"permanentAddress": "Wall Street", "lastContactedOn": None}
    [write] = writes_since(desk, seq)
    assert (write["method"], write["path"]) == ("PATCH", f"/api/v1/contacts/{contact['id']}")
    assert write["body"] == {"zip": "123902", "lastName": "john"}
    merged = client.patch(f"/contacts/{contact['id']}", json={"customFields": {"lastContactedOn": "2024-01-02"}}).json()
    assert merged["customFields"] == {"permanentAddress": "Wall Street", "lastContactedOn": "2024-01-02"}
    advance(desk, 2)
    same = client.patch(f"/contacts/{contact['id']}", json={"lastName": "john", "id": "1", "createdTime": "x"}).json()
    assert (
        same["modifiedTime"] == merged["modifiedTime"] and same["id"] == contact["id"]
    )  # no change, read-only ignored


def test_update_refuses_emptying_the_last_name(client):
    contact = fresh_contact(client)
    assert invalid_fields(client.patch(f"/contacts/{contact['id']}", json={"lastName": None})) == {
        "/lastName": "missing"
    }
    assert invalid_fields(client.patch(f"/contacts/{contact['id']}", json={"accountId": "7"})) == {
        "/accountId": "invalid"
    }


def test_moving_a_contact_recounts_both_accounts(client):
    # given a contact of one account
    accounts = [item["id"] for item in client.get("/accounts", params={"limit": 2}).json()["data"]]
    contact = fresh_contact(client, accountId=accounts[0])
    counts = [int(contact_count(client, account)) for account in accounts]
    # when it moves to the other account
    client.patch(f"/contacts/{contact['id']}", json={"accountId": accounts[1]})
    # then each account's contactCount follows
    assert [int(contact_count(client, account)) for account in accounts] == [counts[0] - 1, counts[1] + 1]
    assert set(client.get(f"/accounts/{accounts[0]}").json()) == ACCOUNT_KEYS | ACCOUNT_VENDOR_KEYS


def test_tickets_replay_the_seed_example(client):
    # given a contact with tickets
    tickets = client.get("/tickets", params={"limit": 100}).json()["data"]
    contact_id = max({t["contactId"] for t in tickets}, key=lambda c: sum(t["contactId"] == c for t in tickets))
    mine = [t for t in tickets if t["contactId"] == contact_id]
    # when the seed's example is replayed
    answer = client.get(f"/contacts/{contact_id}/tickets")
    # then the contact's tickets, oldest first, with the example's fields
    assert answer.status_code == 200
    data = answer.json()["data"]
    assert [t["id"] for t in data] == [t["id"] for t in sorted(mine, key=lambda t: t["createdTime"])][:10]
    assert all(set(t) == CUSTOMER_TICKET_KEYS | CONTACT_TICKET_VENDOR_KEYS for t in data)
    assert all(
        set(t["lastThread"]) == {"channel", "isDraft", "isForward", "direction"} for t in data if t["lastThread"]
    )
    newest = client.get(f"/contacts/{contact_id}/tickets", params={"sortBy": "-createdTime", "limit": 1}).json()["data"]
    assert newest[0]["createdTime"] == max(t["createdTime"] for t in mine)
    department = mine[0]["departmentId"]
    params = {"departmentId": department, "include": "assignee"}
    only = client.get(f"/contacts/{contact_id}/tickets", params=params).json()["data"]
    assert {t["departmentId"] for t in only} == {department} and all("assignee" in t for t in only)


def test_tickets_of_a_new_contact_are_empty(client):
    answer = client.get(f"/contacts/{fresh_contact(client)['id']}/tickets")
    assert answer.status_code == 204 and answer.content == b""


def test_tickets_need_contacts_tickets_and_search_scopes(desk, contacts):
    url = f"/contacts/{contacts[0]['id']}/tickets"
    with api(desk, token=scoped_token(desk, "Desk.contacts.READ", "Desk.tickets.READ")) as partial:
        refused = partial.get(url)
    with api(desk, token=scoped_token(desk, "Desk.contacts.READ", "Desk.tickets.READ", "Desk.search.READ")) as full:
        allowed = full.get(url)
    assert refused.status_code == 401 and refused.json()["errorCode"] == "SCOPE_MISMATCH"
    assert allowed.status_code in (200, 204)


def test_attachments_replay_the_seed_examples(desk, client):
    # given a contact without files
    contact = fresh_contact(client)
    url = f"/contacts/{contact['id']}/attachments"
    assert client.get(url).status_code == 204
    # when two files are attached (the create example), listed and one deleted
    first = client.post(url, files={"file": ("profile.jpg", b"x" * 32)})
    second = client.post(url, files={"file": ("contact_details.txt", b"hello")})
    listed = client.get(url)
    newest = client.get(url, params={"sortBy": "-createdTime", "limit": 1, "include": "creator"})
    seq = last_seq(desk)
    deleted = client.delete(f"{url}/{first.json()['id']}")
    # then
    assert first.status_code == 200 and set(first.json()) == ATTACHMENT_KEYS
    assert (first.json()["name"], first.json()["size"], first.json()["isPublic"]) == ("profile.jpg", "32", False)
    assert first.json()["href"].endswith(f"/contacts/{contact['id']}/attachments/{first.json()['id']}/content")
    assert [item["id"] for item in listed.json()["data"]] == [first.json()["id"], second.json()["id"]]
    assert all(set(item) == ATTACHMENT_KEYS for item in listed.json()["data"])
    [item] = newest.json()["data"]
    assert item["id"] == second.json()["id"] and set(item["creator"]) == {
        "firstName",
        "lastName",
        "photoURL",
        "id",
        "email",
    }
    assert deleted.status_code == 200 and deleted.content == b""
    assert [item["id"] for item in client.get(url).json()["data"]] == [second.json()["id"]]
    assert client.delete(f"{url}/{first.json()['id']}").status_code == 404
    [write] = writes_since(desk, seq)[:1]
    assert (write["method"], write["path"], write["status"]) == ("DELETE", f"/api/v1{url}/{first.json()['id']}", 200)


def test_attachment_needs_a_file(client, contacts):
    url = f"/contacts/{contacts[0]['id']}/attachments"
    answer = client.post(url, data={"note": "no file"}, files={"other": ("a", b"a")})
    assert invalid_fields(answer) == {"/file": "missing"}
