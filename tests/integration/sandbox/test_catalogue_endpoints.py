"""Teams, layouts and ticket fields over real HTTP, checked against the vendor's spec (Team.json, Layout.json,
Field.json of zoho/zohodesk-oas): paths, envelopes, key sets, required and refused parameters, scopes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.sandbox.helpers import api, ids, scoped_token

TICKETS_PER_ORG = 3  # seeded per org in this module's sandbox (conftest.py)

TEAM_KEYS = {  # teamResponse: teamJson (teamRequestJson + rolesWithSubordinates) + derivedAgents, id, logoUrl
    "roles",
    "departmentId",
    "name",
    "description",
    "subTeams",
    "agents",
    "rolesWithSubordinates",
    "derivedAgents",
    "id",
    "logoUrl",
}
LAYOUT_KEYS = {  # basicLayoutJson + layoutProfiles + module + departmentId (getLayoutSpecificModuleResponse)
    "createdBy",
    "createdTime",
    "hasLogo",
    "id",
    "isDefaultLayout",
    "isStandardLayout",
    "layoutDesc",
    "layoutDisplayName",
    "layoutName",
    "modifiedBy",
    "modifiedTime",
    "photoURL",
    "skipDeptAccessValidation",
    "status",
    "layoutProfiles",
    "module",
    "departmentId",
}
PROFILE_KEYS = {"id", "isDefault", "profileName", "type"}
FIELD_KEYS = {  # commonFieldResponse + showToHelpCenter (the *ForTickets variants)
    "apiName",
    "displayLabel",
    "i18NLabel",
    "id",
    "isCustomField",
    "isEncryptedField",
    "isMandatory",
    "isTrackLastActivityTime",
    "maxLength",
    "name",
    "type",
    "showToHelpCenter",
}
FIELD_TYPES = {  # the spec's type enum
    "Text",
    "URL",
    "Textarea",
    "Email",
    "Phone",
    "Multiselect",
    "Date",
    "DateTime",
    "Number",
    "Checkbox",
    "Percent",
    "Decimal",
    "Currency",
    "Picklist",
    "LookUp",
    "Lookup",
    "AutoNumber",
    "Boolean",
    "Fax",
    "LargeText",
}


def _unprocessable(answer: httpx.Response, *words: str) -> None:
    assert answer.status_code == 422
    body = answer.json()
    assert body["errorCode"] == "UNPROCESSABLE_ENTITY" and all(word in body["message"] for word in words)


@pytest.fixture(scope="module")
def departments(client: httpx.Client) -> list[dict[str, Any]]:
    return client.get("/departments").json()["data"]


@pytest.fixture(scope="module")
def fields(client: httpx.Client) -> dict[str, dict[str, Any]]:
    answer = client.get("/organizationFields", params={"module": "tickets"})
    assert answer.status_code == 200 and set(answer.json()) == {"data"}
    return {field["apiName"]: field for field in answer.json()["data"]}


def test_teams_answer_the_teams_envelope_with_the_vendor_keys(client, departments):
    answer = client.get("/teams")
    assert answer.status_code == 200 and set(answer.json()) == {"teams"}
    teams = answer.json()["teams"]
    assert len(teams) == len(departments) and all(set(team) == TEAM_KEYS for team in teams)
    first = teams[0]
    assert first["logoUrl"] is None and isinstance(first["id"], str)
    assert all(isinstance(agent, str) for agent in first["agents"] + first["derivedAgents"])
    assert {team["departmentId"] for team in teams} == {department["id"] for department in departments}


def test_a_departments_teams_are_listed_under_its_path(client, departments):
    department = departments[-1]
    answer = client.get(f"/departments/{department['id']}/teams")
    assert answer.status_code == 200
    assert [team["departmentId"] for team in answer.json()["teams"]] == [department["id"]]
    assert client.get("/departments/1/teams").status_code == 404
    # GET /teams takes no query parameter: a department filter is the path above, not ?departmentId=
    _unprocessable(client.get("/teams", params={"departmentId": department["id"]}), "departmentId")


def test_layouts_need_a_module_and_answer_data_with_the_vendor_keys(client, departments):
    _unprocessable(client.get("/layouts"), "module")
    _unprocessable(client.get("/layouts", params={"module": "Cases"}), "module")
    answer = client.get("/layouts", params={"module": "tickets"})
    assert answer.status_code == 200 and set(answer.json()) == {"data"}
    layouts = answer.json()["data"]
    assert all(set(layout) == LAYOUT_KEYS for layout in layouts)
    assert {layout["module"] for layout in layouts} == {"Cases"} and {layout["status"] for layout in layouts} == {
        "active"
    }
    assert {layout["departmentId"] for layout in layouts} == {department["id"] for department in departments}
    profiles = layouts[0]["layoutProfiles"]
    assert profiles and all(set(profile) == PROFILE_KEYS for profile in profiles)
    assert {profile["type"] for profile in profiles} <= {"Administrator", "Standard", "Light", "Portal", "Custom"}
    named = {p["id"]: p["name"] for p in client.get("/profiles").json()["data"]}
    assert all(profile["profileName"] == named[profile["id"]] for profile in profiles)
    assert "Administrator" in {profile["type"] for profile in profiles}


def test_layouts_filter_by_department_and_id(client, departments):
    department_id = departments[0]["id"]
    mine = client.get("/layouts", params={"module": "tickets", "departmentId": department_id}).json()["data"]
    assert [layout["departmentId"] for layout in mine] == [department_id]
    assert ids(client.get("/layouts", params={"module": "tickets", "id": mine[0]["id"]})) == [mine[0]["id"]]
    assert client.get("/layouts", params={"module": "tickets", "departmentId": "1"}).status_code == 204
    assert client.get("/layouts", params={"module": "products"}).status_code == 204  # no such layouts kept
    _unprocessable(client.get("/layouts", params={"module": "tickets", "departmentId": "Support"}), "departmentId")
    _unprocessable(client.get("/layouts", params={"module": "tickets", "from": "0"}), "from")


def test_ticket_fields_have_the_vendor_keys_and_picklist_objects(fields):
    assert all(set(field) - {"allowedValues"} == FIELD_KEYS for field in fields.values())
    assert {field["type"] for field in fields.values()} <= FIELD_TYPES
    assert fields["status"]["allowedValues"] == [
        {"value": "Open", "statusType": "Open"},
        {"value": "On Hold", "statusType": "On Hold"},
        {"value": "Escalated", "statusType": "Open"},
        {"value": "Closed", "statusType": "Closed"},
    ]
    assert all(set(item) == {"value"} for item in fields["priority"]["allowedValues"])
    assert "allowedValues" not in fields["subject"] and fields["subject"]["isMandatory"] is True
    custom = fields["cf_model_name"]
    assert custom["isCustomField"] is True and custom["displayLabel"] == custom["name"] == "ModelName"
    assert custom["type"] == "Picklist" and custom["allowedValues"][0] == {"value": "F3 2017"}
    assert fields["departmentId"]["name"] == "departmentId" and not fields["departmentId"]["isCustomField"]


def test_ticket_fields_parameters(client, departments, fields):
    _unprocessable(client.get("/organizationFields"), "module")
    _unprocessable(client.get("/organizationFields", params={"module": "Cases"}), "module")
    _unprocessable(client.get("/organizationFields", params={"module": "tickets", "limit": "10"}), "limit")
    _unprocessable(client.get("/organizationFields", params={"module": "tickets", "departmentId": "1"}), "departmentId")
    same = client.get("/organizationFields", params={"module": "tickets", "departmentId": departments[0]["id"]})
    assert [field["apiName"] for field in same.json()["data"]] == list(fields)
    status = client.get("/organizationFields", params={"module": "tickets", "apiNames": "status"}).json()["data"]
    assert [field["apiName"] for field in status] == ["status"]
    assert client.get("/organizationFields", params={"module": "products"}).status_code == 204


def test_scopes_are_the_vendors(desk):
    with api(desk, token=scoped_token(desk, "Desk.basic.READ")) as basic:
        assert basic.get("/teams").status_code == 200
        assert basic.get("/layouts", params={"module": "tickets"}).status_code == 200
        fields = basic.get("/organizationFields", params={"module": "tickets"})
        assert fields.status_code == 401 and fields.json()["errorCode"] == "SCOPE_MISMATCH"
    with api(desk, token=scoped_token(desk, "Desk.settings.READ")) as settings:
        assert settings.get("/teams").status_code == 200
        assert settings.get("/organizationFields", params={"module": "tickets"}).status_code == 200
        assert settings.get("/layouts", params={"module": "tickets"}).json()["errorCode"] == "SCOPE_MISMATCH"


def test_profiles_show_their_permissions_by_type(client):
    profiles = {profile["type"]: profile for profile in client.get("/profiles").json()["data"]}
    admin, other = profiles["Administrator"], next(p for kind, p in profiles.items() if kind != "Administrator")
    assert set(admin) == {"id", "name", "description", "type", "default", "isVisible", "permissions"}
    assert all(all(group.values()) for group in admin["permissions"].values())
    assert admin["permissions"]["tickets"]["mergeTickets"] and not any(other["permissions"]["setup"].values())
    assert client.get(f"/profiles/{admin['id']}").json() == admin
    named = client.get("/profiles", params={"fields": "modifiedTime"}).json()["data"]
    assert all(set(profile) == {"id", "name", "modifiedTime"} for profile in named)
