"""Each fault kind over real HTTP: writes applied late, wrong 200 answers, dropped connections, index lag and an
accounts-server outage; each cleared by DELETE /_sandbox/faults."""

from __future__ import annotations

import httpx
import pytest

from tests.integration.sandbox.helpers import advance, api, last_seq, writes_since
from tests.support.pipeline import wait_until


def first_ticket(client: httpx.Client) -> dict:
    return client.get("/tickets", params={"limit": 1}).json()["data"][0]


def set_faults(sandbox, **faults) -> None:
    answer = sandbox.control.post("/_sandbox/faults", json=faults)
    assert answer.status_code == 200, answer.text


def test_a_write_held_past_the_clients_timeout_lands_later(sandbox):
    with api(sandbox) as client:
        ticket = first_ticket(client)
        seq = last_seq(sandbox)
        set_faults(sandbox, writeDelayMs=3000, pathContains="/comments")
        with pytest.raises(httpx.ReadTimeout):
            client.post(f"/tickets/{ticket['id']}/comments", json={"content": "late", "isPublic": False}, timeout=0.3)
        assert writes_since(sandbox, seq) == []  # not applied yet when the caller gave up
        landed = wait_until(lambda: writes_since(sandbox, seq), 20, "the held write to land")
    assert [(entry["applied"], entry["status"]) for entry in landed] == [(True, 200)]


def test_wrong_answers_to_reads_are_200_with_a_broken_body(sandbox):
    with api(sandbox) as client:
        for mode, check in [
            ("null", lambda answer: answer.content == b"null"),
            ("errorBody", lambda answer: answer.json()["errorCode"] == "INTERNAL_SERVER_ERROR"),
            ("nonList", lambda answer: isinstance(answer.json()["data"], dict)),
            (
                "missingField",
                lambda answer: any("id" not in item or "modifiedTime" not in item for item in answer.json()["data"]),
            ),
        ]:
            set_faults(sandbox, wrongAnswerRate=1.0, wrongAnswerModes=[mode], pathContains="/tickets/search")
            answer = client.get("/tickets/search", params={"limit": 10})
            assert answer.status_code == 200 and check(answer), mode
        assert client.get("/tickets", params={"limit": 1}).status_code == 200  # other paths untouched


def test_a_write_answered_200_with_an_error_body_is_not_applied(sandbox):
    with api(sandbox) as client:
        ticket = first_ticket(client)
        seq = last_seq(sandbox)
        set_faults(sandbox, wrongAnswerRate=1.0, wrongAnswerModes=["errorBody"], pathContains="/comments")
        answer = client.post(f"/tickets/{ticket['id']}/comments", json={"content": "refused", "isPublic": False})
        sandbox.control.delete("/_sandbox/faults")
        listed = client.get(f"/tickets/{ticket['id']}/comments")
    comments = listed.json()["data"] if listed.status_code == 200 else []
    assert answer.status_code == 200 and answer.json()["errorCode"] == "INTERNAL_SERVER_ERROR"
    assert [entry["applied"] for entry in writes_since(sandbox, seq)] == [False]
    assert all(comment["content"] != "refused" for comment in comments)


def test_a_dropped_connection_gets_no_answer_and_a_write_is_applied_first(sandbox):
    with api(sandbox) as client:
        ticket = first_ticket(client)
        seq = last_seq(sandbox)
        set_faults(sandbox, dropRate=1.0)
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/tickets", params={"limit": 1})
        with pytest.raises(httpx.RemoteProtocolError):
            client.patch(f"/tickets/{ticket['id']}", json={"priority": "Low"})
        sandbox.control.delete("/_sandbox/faults")
        assert client.get(f"/tickets/{ticket['id']}").json()["priority"] == "Low"
    assert [(entry["applied"], entry["status"]) for entry in writes_since(sandbox, seq)] == [(True, 0)]


def test_index_lag_hides_changes_from_search_until_it_has_passed(sandbox):
    with api(sandbox) as client:
        ticket = first_ticket(client)
        set_faults(sandbox, indexLagS=60)
        client.patch(f"/tickets/{ticket['id']}", json={"subject": "lagging"})
        hidden = client.get("/tickets/search", params={"subject": "lagging"}).status_code
        sandbox.control.delete("/_sandbox/faults")
        advance(sandbox, 61)
        shown = client.get("/tickets/search", params={"subject": "lagging"}).json()["data"]
        client.patch(f"/tickets/{ticket['id']}", json={"subject": "at once"})  # the lag is gone with the faults
        at_once = client.get("/tickets/search", params={"subject": "at once"}).json()["data"]
    assert hidden == 204
    assert [item["id"] for item in shown] == [ticket["id"]] and [item["id"] for item in at_once] == [ticket["id"]]


def refresh(sandbox) -> httpx.Response:
    params = {
        "grant_type": "refresh_token",
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "refresh_token": sandbox.refresh_token,
    }
    return httpx.post(f"{sandbox.accounts_url}/oauth/v2/token", params=params)


def test_an_accounts_outage_fails_token_refreshes_until_cleared(sandbox):
    set_faults(sandbox, accountsDown="error")
    assert refresh(sandbox).status_code == 503
    set_faults(sandbox, accountsDown="throttle")
    assert refresh(sandbox).json()["error"] == "Access Denied"
    set_faults(sandbox, accountsDown="drop")
    with pytest.raises(httpx.RemoteProtocolError):
        refresh(sandbox)
    sandbox.control.delete("/_sandbox/faults")
    assert "access_token" in refresh(sandbox).json()
