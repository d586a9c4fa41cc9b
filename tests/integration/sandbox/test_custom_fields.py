"""Custom fields over real HTTP (issue 16, item 3): the layouts' fields of tickets, contacts and accounts, `cf` (by
api name) and `customFields` (by label) in bodies, values checked by type, returned both ways, and searchable."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.sandbox.ticket_support import make_ticket, seeded_tickets

TICKETS_PER_ORG = 10  # seeded per org in this module's sandbox (conftest.py)


def fields(client: httpx.Client, module: str) -> dict[str, dict[str, Any]]:
    answer = client.get("/organizationFields", params={"module": module})
    assert answer.status_code == 200, answer.text
    return {field["apiName"]: field for field in answer.json()["data"]}


def invalid(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 422, answer.text
    assert answer.json()["errorCode"] == "INVALID_DATA"
    return [item["fieldName"] for item in answer.json()["errors"]]


def test_each_module_lists_its_standard_and_custom_fields(client: httpx.Client):
    tickets, contacts, accounts = (fields(client, module) for module in ("tickets", "contacts", "accounts"))
    assert tickets["cf_model_name"]["type"] == "Picklist" and tickets["cf_number_of_items"]["type"] == "Number"
    assert {"lastName", "email", "cf_permanent_address", "cf_last_contacted_on"} <= set(contacts)
    assert contacts["cf_last_contacted_on"] == {
        **contacts["cf_last_contacted_on"],
        "type": "Date",
        "isCustomField": True,
    }
    assert {"accountName", "cf_contact_count"} <= set(accounts) and "showToHelpCenter" not in accounts["accountName"]
    every_id = [field["id"] for module in (tickets, contacts, accounts) for field in module.values()]
    assert len(every_id) == len(set(every_id))


@pytest.mark.parametrize(("module", "collection"), [("contacts", "/contacts"), ("accounts", "/accounts")])
def test_contacts_and_accounts_have_one_layout_their_records_name(client: httpx.Client, module: str, collection: str):
    [layout] = client.get("/layouts", params={"module": module}).json()["data"]
    assert layout["module"] == module.title() and layout["isDefaultLayout"] is True
    record_id = client.get(collection).json()["data"][0]["id"]
    record = client.get(f"{collection}/{record_id}").json()
    assert record["layoutId"] == layout["id"] and record["layoutDetails"]["layoutName"] == layout["layoutName"]


def test_a_ticket_takes_cf_and_custom_fields_and_shows_both(client: httpx.Client):
    ticket = make_ticket(
        client, cf={"cf_model_name": "X1 Pro", "cf_number_of_items": 3}, customFields={"url": "zylker.com"}
    )
    assert ticket["customFields"]["ModelName"] == "X1 Pro" and ticket["cf"]["cf_model_name"] == "X1 Pro"
    assert ticket["cf"]["cf_number_of_items"] == "3" and ticket["customFields"]["url"] == "zylker.com"
    patched = client.patch(f"/tickets/{ticket['id']}", json={"cf": {"cf_dateof_purchase": "2026-01-31"}}).json()
    assert patched["customFields"]["dateofPurchase"] == "2026-01-31"
    assert patched["cf"]["cf_model_name"] == "X1 Pro"  # the others stay
    assert client.get(f"/tickets/{ticket['id']}").json()["cf"] == patched["cf"]


BAD_TICKET_VALUES = [
    {"cf": {"cf_model_name": "Z9000"}},  # not one of the picklist's values
    {"cf": {"cf_dateof_purchase": "31/01/2026"}},  # not a date
    {"cf": {"cf_number_of_items": "many"}},  # not a number
    {"cf": {"cf_number_of_items": 2.5}},  # not a whole number
    {"cf": {"cf_severity_percentage": 150}},  # a percentage past 100
    {"cf": {"cf_secondary_email": "nobody"}},  # not an address
    {"cf": {"cf_no_such_field": "x"}},  # no such field
    {"customFields": {"ModelName": "Z9000"}},
]


@pytest.mark.parametrize("body", BAD_TICKET_VALUES)
def test_ticket_custom_values_are_checked_by_type(client: httpx.Client, body: dict[str, Any]):
    ticket = seeded_tickets(client)[0]
    assert invalid(client.patch(f"/tickets/{ticket['id']}", json=body)) == [f"/{next(iter(body))}"]


def test_update_many_checks_a_custom_value_too(client: httpx.Client):
    ids = [ticket["id"] for ticket in seeded_tickets(client)[:2]]
    body = {"ids": ids, "fieldName": "ModelName", "isCustomField": True, "fieldValue": "Z9000"}
    assert invalid(client.post("/tickets/updateMany", json=body)) == ["/fieldValue"]


def test_contacts_and_accounts_take_cf(client: httpx.Client):
    contact = client.post("/contacts", json={"lastName": "Cf", "cf": {"cf_last_contacted_on": "2026-02-03"}}).json()
    assert contact["customFields"]["lastContactedOn"] == "2026-02-03"
    assert contact["cf"] == {"cf_permanent_address": None, "cf_last_contacted_on": "2026-02-03"}
    bad_date = client.patch(f"/contacts/{contact['id']}", json={"cf": {"cf_last_contacted_on": "yesterday"}})
    assert invalid(bad_date) == ["/cf"]
    account_id = client.get("/accounts").json()["data"][0]["id"]
    assert invalid(client.patch(f"/accounts/{account_id}", json={"cf": {"cf_contact_count": "x"}})) == ["/cf"]
    assert client.get(f"/accounts/{account_id}").json()["cf"]["cf_contact_count"] is not None


def test_seeded_contacts_carry_a_last_contacted_day(client: httpx.Client):
    contact_id = seeded_tickets(client)[0]["contactId"]
    assert client.get(f"/contacts/{contact_id}").json()["customFields"]["lastContactedOn"]


def test_search_finds_a_custom_value_by_label_or_api_name(client: httpx.Client):
    ticket = make_ticket(client, subject="Custom search", cf={"cf_model_name": "Nimbus 9"})
    for name in ("ModelName", "cf_model_name"):
        answer = client.get("/tickets/search", params={"customField1": f"{name}:Nimbus*", "subject": "Custom search"})
        assert [item["id"] for item in answer.json()["data"]] == [ticket["id"]]
