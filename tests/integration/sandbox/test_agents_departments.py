"""Agents and departments over real HTTP: the seed's examples replayed, filters, embeds, paging, scopes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.sandbox.helpers import api, ids, scoped_token
from tests.integration.sandbox.vendor_keys import AGENT_VENDOR_KEYS, DEPARTMENT_VENDOR_KEYS

TICKETS_PER_ORG = 5  # seeded per org in this module's sandbox (conftest.py)

AGENT_KEYS = {
    "lastName",
    "extn",
    "roleId",
    "langCode",
    "mobile",
    "emailId",
    "associatedChatDepartmentIds",
    "zuid",
    "associatedDepartmentIds",
    "firstName",
    "photoURL",
    "phone",
    "profileId",
    "countryCode",
    "isConfirmed",
    "id",
    "status",
}
DEPARTMENT_KEYS = {
    "hasLogo",
    "isVisibleInCustomerPortal",
    "isEnabled",
    "creatorId",
    "name",
    "description",
    "associatedAgentIds",
    "id",
    "nameInCustomerPortal",
}
NAMED = {"name", "id"}


@pytest.fixture(scope="module")
def agents(client: httpx.Client) -> list[dict[str, Any]]:
    return client.get("/agents", params={"limit": 200}).json()["data"]


def test_get_agent_replays_the_seed_example(client, agents):
    # when the seed's example is replayed (every include)
    embeds = "profile,role,associatedDepartments,associatedChatDepartments"
    answer = client.get(f"/agents/{agents[0]['id']}", params={"include": embeds})
    # then the example's fields and embeds
    assert answer.status_code == 200
    body = answer.json()
    embeds = {"profile", "role", "associatedDepartments", "associatedChatDepartments"}
    assert set(body) == AGENT_KEYS | AGENT_VENDOR_KEYS | embeds
    assert body["profile"] == {"name": "Administrator", "id": body["profileId"]} and set(body["role"]) == NAMED
    assert [item["id"] for item in body["associatedDepartments"]] == body["associatedDepartmentIds"]
    assert set(client.get(f"/agents/{agents[1]['id']}").json()) == AGENT_KEYS | AGENT_VENDOR_KEYS
    assert client.get("/agents/1").status_code == 404


def test_list_agents_replays_the_seed_example_with_paging(client, agents):
    default = client.get("/agents")
    assert default.status_code == 200 and all(
        set(item) == AGENT_KEYS | AGENT_VENDOR_KEYS | {"isZiaAgent"} for item in default.json()["data"]
    )
    assert ids(default) == [agent["id"] for agent in agents[:10]]
    assert ids(client.get("/agents", params={"from": 2, "limit": 3})) == [agent["id"] for agent in agents[2:5]]
    too_many = client.get("/agents", params={"limit": 201}).json()
    assert too_many["message"] == "The value passed for field 'limit' exceeds the range of '1-200'."
    embedded = client.get("/agents", params={"include": "profile,role", "limit": 2}).json()["data"]
    assert all(set(item) == AGENT_KEYS | AGENT_VENDOR_KEYS | {"isZiaAgent", "profile", "role"} for item in embedded)


def test_list_agents_filters(client, agents):
    disabled = [agent["id"] for agent in agents if agent["status"] == "DISABLED"]
    department = agents[1]["associatedDepartmentIds"][0]
    first = agents[1]
    assert len(disabled) == 1 and ids(client.get("/agents", params={"status": "DISABLED"})) == disabled
    members = ids(client.get("/agents", params={"departmentIds": department, "limit": 200}))
    assert members == [agent["id"] for agent in agents if department in agent["associatedDepartmentIds"]]
    assert ids(client.get("/agents", params={"rolePermissionType": "Admin"})) == [agents[0]["id"]]
    assert ids(client.get("/agents", params={"roleIds": first["roleId"], "limit": 200})) == [
        agent["id"] for agent in agents if agent["roleId"] == first["roleId"]
    ]
    assert client.get("/agents", params={"isConfirmed": "false"}).status_code == 204
    assert first["id"] in ids(client.get("/agents", params={"searchStr": first["lastName"].upper()}))
    assert first["id"] in ids(client.get("/agents", params={"searchStr": first["emailId"][:3] + "*"}))
    assert first["id"] in ids(client.get("/agents", params={"searchStr": "*" + first["lastName"][1:-1] + "*"}))
    assert client.get("/agents", params={"searchStr": first["lastName"][:-1]}).status_code in (200, 204)
    assert first["id"] not in ids(client.get("/agents", params={"searchStr": first["lastName"][:-1]}))
    assert client.get("/agents", params={"status": "GONE"}).status_code == 422
    assert client.get("/agents", params={"departmentIds": ",".join(["1"] * 51)}).status_code == 422


def test_get_department_replays_the_seed_example(client):
    departments = client.get("/departments").json()["data"]
    answer = client.get(f"/departments/{departments[0]['id']}")
    assert answer.status_code == 200 and set(answer.json()) == DEPARTMENT_KEYS | DEPARTMENT_VENDOR_KEYS
    assert client.get("/departments/1").status_code == 404


def test_list_departments_replays_the_seed_example_with_filters(client, agents):
    answer = client.get("/departments")
    assert answer.status_code == 200
    departments = answer.json()["data"]
    assert all(set(item) == DEPARTMENT_KEYS | DEPARTMENT_VENDOR_KEYS for item in departments)
    assert [item["name"] for item in departments][:3] == ["Support", "Tier 2", "Billing"] and departments[0][
        "isDefault"
    ]
    members = [agent["id"] for agent in agents if departments[0]["id"] in agent["associatedDepartmentIds"]]
    assert departments[0]["associatedAgentIds"] == members
    assert ids(client.get("/departments", params={"isEnabled": "true"})) == ids(answer)
    assert client.get("/departments", params={"isEnabled": "false"}).status_code == 204
    assert ids(client.get("/departments", params={"searchStr": "tier*"})) == [departments[1]["id"]]
    assert ids(client.get("/departments", params={"chatStatus": "NOT_CREATED"})) == ids(answer)
    assert client.get("/departments", params={"chatStatus": "AVAILABLE"}).status_code == 204
    assert ids(client.get("/departments", params={"from": 1, "limit": 1})) == [departments[1]["id"]]
    assert client.get("/departments", params={"searchStr": ""}).status_code == 422


def test_either_scope_reads_agents_and_departments(desk, agents):
    for scope in ("Desk.basic.READ", "Desk.settings.READ"):
        with api(desk, token=scoped_token(desk, scope)) as scoped:
            assert scoped.get("/agents", params={"limit": 1}).status_code == 200
            assert scoped.get(f"/departments/{agents[0]['associatedDepartmentIds'][0]}").status_code == 200
    with api(desk, token=scoped_token(desk, "Desk.tickets.READ")) as other:
        assert other.get("/agents").json()["errorCode"] == "SCOPE_MISMATCH"
