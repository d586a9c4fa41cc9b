"""Contracts and mail reply addresses over real HTTP: the seed's examples replayed, filters, sorting, embeds."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.sandbox.helpers import api, ids, scoped_token
from tests.integration.sandbox.vendor_keys import CONTRACT_LIST_VENDOR_KEYS

TICKETS_PER_ORG = 5  # seeded per org in this module's sandbox (conftest.py)

CONTRACT_KEYS = {
    "associatedSLAId",
    "modifiedTime",
    "productId",
    "endDate",
    "customFields",
    "departmentId",
    "notifyBefore",
    "contractNumber",
    "description",
    "ownerId",
    "notificationAgentIds",
    "accountId",
    "createdBy",
    "notifyOn",
    "createdTime",
    "contractName",
    "modifiedBy",
    "id",
    "startDate",
}
# what one contract shows beyond the seed's example: the keys the vendor's getContractJson requires
CONTRACT_VENDOR_KEYS = {"account", "owner", "product", "sla", "supportPlan", "contractStatus", "cf", "layoutId"}
CONTRACT_LIST_KEYS = {
    "associatedSLAId",
    "accountId",
    "productId",
    "endDate",
    "departmentId",
    "contractName",
    "id",
    "ownerId",
    "startDate",
}
REPLY_ADDRESS_KEYS = {"address", "displayName", "departmentId", "id", "isActive"} | {  # + the vendor's schema's
    "isVerified",
    "createdBy",
    "modifiedBy",
    "createdTime",
    "modifiedTime",
    "serviceProviderType",
    "smtpDetails",
}


@pytest.fixture(scope="module")
def contracts(client: httpx.Client) -> list[dict[str, Any]]:
    answer = client.get("/contracts")
    assert answer.status_code == 200
    return answer.json()["data"]


def test_get_contract_replays_the_seed_example(client, contracts):
    # the seed writes /contracts/{{contract_id}}: the real path has single braces
    answer = client.get(f"/contracts/{contracts[0]['id']}")
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == CONTRACT_KEYS | CONTRACT_VENDOR_KEYS
    assert body["contractStatus"] in {"ACTIVE", "EXPIRED", "FUTURE"} and body["account"]["id"] == body["accountId"]
    assert body["notifyBefore"] == "15" and body["notifyOn"] < body["endDate"]
    assert client.get("/contracts/1").status_code == 404


def test_list_contracts_replays_the_seed_example(client, contracts):
    assert len(contracts) == 3 and all(
        set(item) == CONTRACT_LIST_KEYS | CONTRACT_LIST_VENDOR_KEYS for item in contracts
    )
    names = [
        item["contractName"] for item in client.get("/contracts", params={"sortBy": "-contractName"}).json()["data"]
    ]
    assert names == sorted(names, reverse=True)
    ends = [item["endDate"] for item in client.get("/contracts", params={"sortBy": "contractEndDate"}).json()["data"]]
    assert ends == sorted(ends)
    assert ids(client.get("/contracts", params={"from": 1, "limit": 1})) == [contracts[1]["id"]]


def test_list_contracts_filters_embeds_and_fields(client, contracts):
    first = contracts[0]
    assert ids(client.get("/contracts", params={"accountId": first["accountId"]})) == [first["id"]]
    assert ids(client.get("/contracts", params={"departmentId": first["departmentId"]})) == ids(
        client.get("/contracts")
    )
    assert client.get("/contracts", params={"ownerIds": "1,2"}).status_code == 204
    assert ids(client.get("/contracts", params={"contractName": "Premium Support for Acme"})) == [
        item["id"] for item in contracts if item["contractName"].endswith("Acme")
    ]
    assert len(ids(client.get("/contracts", params={"contractName": "premium*"}))) == 3
    embedded = client.get("/contracts", params={"include": "accounts,owner,departments", "limit": 1}).json()["data"][0]
    assert set(embedded) == CONTRACT_LIST_KEYS | CONTRACT_LIST_VENDOR_KEYS | {"account", "owner", "department"}
    assert set(embedded["account"]) == {"website", "accountName", "id"}
    assert set(embedded["owner"]) == {"photoURL", "name", "id"}
    narrow = client.get("/contracts", params={"fields": "contractName,contractNumber", "limit": 1}).json()["data"][0]
    assert set(narrow) == {"contractName", "contractNumber", "id"}
    assert client.get("/contracts", params={"fields": "colour"}).status_code == 422
    assert client.get("/contracts", params={"viewId": "123"}).status_code == 200


def test_contracts_need_the_settings_scope(desk, contracts):
    with api(desk, token=scoped_token(desk, "Desk.basic.READ")) as basic:
        assert basic.get("/contracts").json()["errorCode"] == "SCOPE_MISMATCH"
    with api(desk, token=scoped_token(desk, "Desk.settings.READ")) as settings:
        assert settings.get(f"/contracts/{contracts[0]['id']}").status_code == 200


def test_mail_reply_addresses_replay_the_seed_example(client):
    # given the seeded departments
    departments = client.get("/departments").json()["data"]
    # when the seed's example is replayed (departmentId filter)
    answer = client.get("/mailReplyAddress", params={"departmentId": departments[0]["id"]})
    # then that department's addresses, active and retired, with the example's fields
    assert answer.status_code == 200
    data = answer.json()["data"]
    assert all(set(item) == REPLY_ADDRESS_KEYS and item["departmentId"] == departments[0]["id"] for item in data)
    assert sorted(item["isActive"] for item in data) == [False, True]
    every = client.get("/mailReplyAddress").json()["data"]
    assert len(every) == len(departments) + 1
    retired = client.get("/mailReplyAddress", params={"isActive": "false"}).json()["data"]
    assert [item["address"].split("@")[0] for item in retired] == ["helpdesk"]
    assert client.get("/mailReplyAddress", params={"departmentId": "1"}).status_code == 204
    assert client.get("/mailReplyAddress", params={"departmentId": "abc"}).status_code == 422
    assert ids(client.get("/mailReplyAddress", params={"from": 1, "limit": 1})) == [every[1]["id"]]
