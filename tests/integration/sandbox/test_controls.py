"""The sandbox's controls: a bad body is a 422 that changes nothing, bad query values are the Desk's 422, and
every control needs the control token the sandbox was started with."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(
    "path, body",
    [
        ("/_sandbox/faults", {"errorRate": "abc"}),
        ("/_sandbox/faults", {"latencyMs": -5}),
        ("/_sandbox/faults", {"orgId": "404"}),
        ("/_sandbox/config", {"concurrencyLimit": -1}),
        ("/_sandbox/config", {"dailyCredits": "many"}),
        ("/_sandbox/config", {"orgId": "404", "dailyCredits": 10}),
        ("/_sandbox/clock/advance", {"seconds": -1}),
        ("/_sandbox/activity", {"ratePerS": "x"}),
    ],
)
def test_a_bad_control_body_is_refused_with_the_reason_and_changes_nothing(desk, client, path, body):
    refused = desk.control.post(path, json=body)
    assert refused.status_code == 422
    assert next(iter(body)) in refused.json()["error"]
    assert client.get("/tickets", params={"limit": 1}).status_code == 200


def test_a_bad_write_log_cursor_is_422(desk):
    answer = desk.control.get("/_sandbox/writes", params={"since": "abc"})
    assert answer.status_code == 422 and "since" in answer.json()["error"]


@pytest.mark.parametrize(
    "path, params",
    [
        ("/tickets", {"from": "abc"}),
        ("/tickets", {"limit": "-1"}),
        ("/tickets", {"sortBy": "colour"}),
        ("/tickets/search", {"modifiedTimeRange": "2024-13-45T00:00:00Z,2025-01-01T00:00:00Z"}),
        ("/tickets/search", {"createdTimeRange": "yesterday"}),
        ("/tickets/search", {"from": "99999999999999999999"}),
        ("/contacts", {"sortBy": "-"}),
        ("/tasks", {"limit": "1e3"}),
    ],
)
def test_bad_query_values_get_the_desks_422(client, path, params):
    answer = client.get(path, params=params)
    assert answer.status_code == 422
    assert set(answer.json()) == {"errorCode", "message"} and answer.json()["errorCode"] == "UNPROCESSABLE_ENTITY"


def test_every_control_needs_the_control_token(desk):
    routes = [
        ("GET", "/_sandbox/info"),
        ("POST", "/_sandbox/faults"),
        ("GET", "/_sandbox/writes"),
        ("POST", "/_sandbox/tokens/revoke"),
    ]
    for method, path in routes:
        for headers in ({}, {"X-Sandbox-Token": "guess"}):
            answer = httpx.request(method, f"{desk.base_url}{path}", headers=headers, json={})
            assert answer.status_code == 401, (method, path)
            assert "X-Sandbox-Token" in answer.json()["error"] and "clientSecret" not in answer.text
    assert desk.control.get("/_sandbox/info").json()["clientSecret"] == desk.client_secret
