"""Accounts over real HTTP: the seed's examples replayed, validation, an account's tickets (its contacts'), files."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

from tests.integration.sandbox.helpers import advance, api, ids, last_seq, scoped_token, writes_since
from tests.integration.sandbox.people_support import (
    ACCOUNT_KEYS,
    ACCOUNT_LIST_KEYS,
    ATTACHMENT_KEYS,
    CUSTOMER_TICKET_KEYS,
    OWNER_KEYS,
    invalid_fields,
)
from tests.integration.sandbox.vendor_keys import ACCOUNT_LIST_VENDOR_KEYS, ACCOUNT_VENDOR_KEYS, TICKET_LIST_VENDOR_KEYS

TICKETS_PER_ORG = 30  # seeded per org in this module's sandbox (conftest.py)

NAMES = (f"Account {n}" for n in itertools.count(1))


@pytest.fixture(scope="module")
def accounts(client: httpx.Client) -> list[dict[str, Any]]:
    return client.get("/accounts", params={"limit": 100}).json()["data"]


def fresh_account(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    answer = client.post("/accounts", json={"accountName": next(NAMES), **fields})
    assert answer.status_code == 200, answer.text
    return answer.json()


def ticket_ids(client: httpx.Client, url: str) -> list[str]:
    return ids(client.get(url, params={"limit": 100}))


def test_get_replays_the_seed_example(client, accounts):
    zylker = next(item for item in accounts if item["accountName"] == "Zylker")
    answer = client.get(f"/accounts/{zylker['id']}")
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == ACCOUNT_KEYS | ACCOUNT_VENDOR_KEYS and body["accountName"] == "Zylker"
    owner = client.get(f"/accounts/{zylker['id']}", params={"include": "owner"}).json()["owner"]
    assert set(owner) == OWNER_KEYS and owner["id"] == body["ownerId"]
    assert client.get("/accounts/1").status_code == 404


def test_list_replays_the_seed_example_with_paging_and_sorting(client, accounts):
    default = client.get("/accounts")
    assert default.status_code == 200
    assert [item["id"] for item in default.json()["data"]] == [item["id"] for item in accounts[:10]]
    assert all(set(item) == ACCOUNT_LIST_KEYS | ACCOUNT_LIST_VENDOR_KEYS for item in default.json()["data"])
    page = client.get("/accounts", params={"from": 3, "limit": 2}).json()["data"]
    assert [item["id"] for item in page] == [item["id"] for item in accounts[3:5]]
    by_name = client.get("/accounts", params={"sortBy": "accountName", "limit": 100}).json()["data"]
    names = [item["accountName"].lower() for item in by_name]
    assert names == sorted(names)
    assert client.get("/accounts", params={"limit": 101}).status_code == 422


def test_create_replays_the_seed_example(desk, client):
    # given the seed's create body (its name made unique: "Zylker" is seeded)
    body = {"accountName": "Zylker Labs", "phone": "98348229382"}
    seq = last_seq(desk)
    # when posted
    answer = client.post("/accounts", json=body)
    # then 200 with the example's fields; no contacts yet
    assert answer.status_code == 200
    created = answer.json()
    assert set(created) == ACCOUNT_KEYS | ACCOUNT_VENDOR_KEYS
    assert (created["accountName"], created["phone"]) == ("Zylker Labs", "98348229382")
    assert created["customFields"] == {"contactCount": None}
    assert client.get(f"/accounts/{created['id']}").json() == created
    [write] = writes_since(desk, seq)
    assert (write["method"], write["path"], write["body"], write["status"]) == ("POST", "/api/v1/accounts", body, 200)


def test_create_names_every_bad_field(client):
    body = {"email": "nope", "ownerId": "3", "annualrevenue": "lots", "associatedSLAIds": "x"}
    answer = client.post("/accounts", json=body)
    assert invalid_fields(answer) == {
        "/accountName": "missing",
        "/email": "invalid",
        "/ownerId": "invalid",
        "/annualrevenue": "invalid",
        "/associatedSLAIds": "invalid",
    }
    assert invalid_fields(client.post("/accounts", json={"accountName": "zylker"})) == {"/accountName": "duplicate"}
    revenue = fresh_account(client, annualrevenue=1250)
    assert revenue["annualrevenue"] == "1250.0"


def test_update_replays_the_seed_example(desk, client):
    account = fresh_account(client)
    advance(desk, 2)
    answer = client.patch(
        f"/accounts/{account['id']}", json={"accountName": "Zylker Agents", "phone": "82301023900123"}
    )
    assert answer.status_code == 200
    updated = answer.json()
    assert set(updated) == ACCOUNT_KEYS | ACCOUNT_VENDOR_KEYS
    assert (updated["accountName"], updated["phone"]) == ("Zylker Agents", "82301023900123")
    assert updated["modifiedTime"] > account["modifiedTime"]
    assert client.patch(f"/accounts/{account['id']}", json={"accountName": "Zylker Agents"}).status_code == 200
    emptied = client.patch(f"/accounts/{account['id']}", json={"accountName": ""})
    assert invalid_fields(emptied) == {"/accountName": "missing"}
    assert client.patch("/accounts/1", json={"phone": "1"}).status_code == 404


def test_tickets_are_the_tickets_of_its_contacts(client, accounts):
    # given every seeded ticket and contact
    tickets = client.get("/tickets", params={"limit": 100}).json()["data"]
    contacts = client.get("/contacts", params={"limit": 100}).json()["data"]
    account_of = {contact["id"]: contact["accountId"] for contact in contacts}
    zylker = next(item["id"] for item in accounts if item["accountName"] == "Zylker")
    expected = sorted((t for t in tickets if account_of.get(t["contactId"]) == zylker), key=lambda t: t["createdTime"])
    # when the seed's example is replayed for Zylker, bare and with every ticket and an embed
    bare = client.get(f"/accounts/{zylker}/tickets")
    answer = client.get(f"/accounts/{zylker}/tickets", params={"limit": 100, "include": "contacts"})
    # then exactly its contacts' tickets, with the example's fields and the asked embed
    assert bare.status_code == 200 and all(
        set(t) == CUSTOMER_TICKET_KEYS | TICKET_LIST_VENDOR_KEYS for t in bare.json()["data"]
    )
    assert answer.status_code == 200
    assert [t["id"] for t in answer.json()["data"]] == [t["id"] for t in expected]
    assert all(set(t) == CUSTOMER_TICKET_KEYS | TICKET_LIST_VENDOR_KEYS | {"contact"} for t in answer.json()["data"])


def test_moving_a_contact_moves_its_tickets(client, accounts):
    # given a contact with tickets and an account it is not in
    tickets = client.get("/tickets", params={"limit": 100}).json()["data"]
    contact = client.get(f"/contacts/{tickets[0]['contactId']}").json()
    target = fresh_account(client)["id"]
    mine = {t["id"] for t in tickets if t["contactId"] == contact["id"]}
    # when the contact moves to the new account
    client.patch(f"/contacts/{contact['id']}", json={"accountId": target})
    # then its tickets are the new account's and no longer the old one's
    assert set(ticket_ids(client, f"/accounts/{target}/tickets")) == mine
    if contact["accountId"]:
        assert not mine & set(ticket_ids(client, f"/accounts/{contact['accountId']}/tickets"))


def test_tickets_need_the_search_scope_too(desk, accounts):
    url = f"/accounts/{accounts[0]['id']}/tickets"
    with api(desk, token=scoped_token(desk, "Desk.contacts.READ", "Desk.tickets.READ")) as partial:
        assert partial.get(url).json()["errorCode"] == "SCOPE_MISMATCH"
    with api(desk, token=scoped_token(desk, "Desk.contacts.ALL", "Desk.tickets.READ", "Desk.search.READ")) as full:
        assert full.get(url).status_code in (200, 204)


def test_attachments_replay_the_seed_examples(desk, client):
    account = fresh_account(client)
    url = f"/accounts/{account['id']}/attachments"
    created = client.post(url, files={"file": ("AccountDetails.txt", b"x" * 32)})
    assert created.status_code == 200 and set(created.json()) == ATTACHMENT_KEYS
    assert created.json()["href"].endswith(f"/accounts/{account['id']}/attachments/{created.json()['id']}/content")
    listed = client.get(url).json()["data"]
    assert [item["id"] for item in listed] == [created.json()["id"]] and set(listed[0]) == ATTACHMENT_KEYS
    seq = last_seq(desk)
    assert client.delete(f"{url}/{created.json()['id']}").status_code == 200
    assert client.get(url).status_code == 204
    assert writes_since(desk, seq)[0]["path"] == f"/api/v1{url}/{created.json()['id']}"
    assert invalid_fields(client.post(url, data={"x": "y"}, files={"other": ("a", b"a")})) == {"/file": "missing"}
