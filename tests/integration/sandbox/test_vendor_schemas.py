"""Every served answer of the operations in tests/fixtures/vendor_schemas.json validates against the vendor's
response schema for that operation (extracted by tests/fixtures/extract_vendor_schemas.py), except where the seed
or the vendor's documentation contradicts the schema: tests/fixtures/vendor_contradictions.json lists those, and
they are checked here as the contradiction says."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from tests.integration.sandbox.helpers import advance
from tests.integration.sandbox.ticket_support import make_ticket
from tests.support.sandbox import SandboxProcess

TICKETS_PER_ORG = 20  # seeded per org in this module's sandbox (conftest.py)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SCHEMAS = json.loads((FIXTURES / "vendor_schemas.json").read_text(encoding="utf-8"))["operations"]
CONTRADICTIONS = json.loads((FIXTURES / "vendor_contradictions.json").read_text(encoding="utf-8"))["contradictions"]


def problems(operation: str, body: Any) -> list[str]:
    validator = Draft202012Validator(SCHEMAS[operation]["schema"])
    return [f"{list(error.absolute_path)}: {error.message[:300]}" for error in validator.iter_errors(body)]


def first_id(client: httpx.Client, path: str, **params: Any) -> str:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"][0]["id"]


def paths(client: httpx.Client) -> dict[str, str]:
    """One served request per operation of the fixture."""
    agents = client.get("/agents", params={"limit": 5}).json()["data"]
    contract = client.get("/contracts").json()["data"][0]
    return {
        "GET /accessibleOrganizations": "/accessibleOrganizations",
        "GET /agentsByIds": "/agentsByIds?agentIds=" + ",".join(agent["id"] for agent in agents),
        "GET /accounts/{id}/contracts": f"/accounts/{contract['accountId']}/contracts",
        "GET /tickets/{id}/History": f"/tickets/{first_id(client, '/tickets')}/History",
        "GET /articles": "/articles",
        "GET /articles/{id}": f"/articles/{first_id(client, '/articles')}",
    }


def test_every_operation_of_the_fixture_is_served_and_listed():
    assert set(SCHEMAS) == {
        "GET /accessibleOrganizations",
        "GET /agentsByIds",
        "GET /accounts/{id}/contracts",
        "GET /tickets/{id}/History",
        "GET /articles",
        "GET /articles/{id}",
    }
    assert {item["operation"] for item in CONTRADICTIONS} >= {"GET /tickets/{id}/History"}


@pytest.mark.parametrize("operation", sorted(SCHEMAS))
def test_served_answers_validate(client: httpx.Client, operation: str):
    answer = client.get(paths(client)[operation])
    assert answer.status_code == 200, answer.text
    assert problems(operation, answer.json()) == []


def test_history_with_updates_validates_but_for_the_listed_value_transitions(desk: SandboxProcess, client):
    ticket = make_ticket(client, priority="Low")
    advance(desk, 2)
    client.patch(f"/tickets/{ticket['id']}", json={"priority": "High", "customFields": {"ModelName": "F3 2017"}})
    body = client.get(f"/tickets/{ticket['id']}/History").json()
    flattened = copy.deepcopy(body)
    transitions = 0
    for event in flattened["data"]:
        for item in event["eventInfo"]:
            if item["propertyType"] == "ValueTransition":  # the contradiction: an object, typed as a string
                assert set(item["propertyValue"]) == {"previousValue", "updatedValue"}
                item["propertyValue"] = json.dumps(item["propertyValue"])[:100]
                transitions += 1
    assert transitions == 2
    assert problems("GET /tickets/{id}/History", flattened) == []
