"""Ticket tags, team members and agent presence over real HTTP, as the vendor's spec (TicketTag.json, Team.json,
AgentPresence.json) describes them: paths, envelopes, errors, paging, scopes, and the presence control."""

from __future__ import annotations

from tests.integration.sandbox.helpers import api, scoped_token

TICKETS_PER_ORG = 5


def _ticket(client):
    return client.get("/tickets", params={"limit": 1}).json()["data"][0]


def test_tags_associate_list_dissociate(client):
    ticket = _ticket(client)
    path = f"/tickets/{ticket['id']}"
    assert client.get(f"{path}/tags").json() == {"tags": []}
    added = client.post(f"{path}/associateTag", json={"tags": ["vip", "Billing issue"]})
    assert added.status_code == 200
    assert [(tag["name"], tag["tagType"]) for tag in added.json()["data"]] == [
        ("vip", "MANUAL"),
        ("Billing issue", "MANUAL"),
    ]
    # associating again (another spelling) changes nothing; the ticket lists each tag once
    assert client.post(f"{path}/associateTag", json={"tags": ["VIP"]}).status_code == 200
    assert [tag["name"] for tag in client.get(f"{path}/tags").json()["tags"]] == ["vip", "Billing issue"]
    # the department's tags count their tickets; search finds by part of the name
    listed = client.get("/ticketTags", params={"departmentId": ticket["departmentId"], "sortBy": "count"}).json()
    assert {tag["name"]: tag["ticketCount"] for tag in listed["data"]} == {"vip": "1", "Billing issue": "1"}
    found = client.get("/tags/search", params={"departmentId": ticket["departmentId"], "searchVal": "bill"})
    assert [tag["name"] for tag in found.json()["data"]] == ["Billing issue"]
    # dissociating a tag the ticket lacks is harmless
    assert client.post(f"{path}/dissociateTag", json={"tags": ["vip", "never-used"]}).status_code == 200
    assert [tag["name"] for tag in client.get(f"{path}/tags").json()["tags"]] == ["Billing issue"]


def test_tag_errors(client):
    path = f"/tickets/{_ticket(client)['id']}"
    for body in ({}, {"tags": []}, {"tags": ["ab"]}, {"tags": ["x" * 51]}, {"tags": ["ok tag"] * 52}, {"other": 1}):
        answer = client.post(f"{path}/associateTag", json=body)
        assert answer.status_code == 422 and answer.json()["errorCode"] == "INVALID_DATA", body
    assert client.get("/tickets/999999999/tags").status_code == 404
    assert client.get("/ticketTags").status_code == 422  # departmentId is required
    assert client.get("/ticketTags", params={"departmentId": "1", "limit": 101}).status_code == 422


def test_tag_scopes(desk):
    ticket_id = None
    with api(desk, token=scoped_token(desk, "Desk.tickets.READ")) as reader:
        ticket_id = _ticket(reader)["id"]
        assert reader.get(f"/tickets/{ticket_id}/tags").status_code == 200
        refused = reader.post(f"/tickets/{ticket_id}/associateTag", json={"tags": ["vip"]})
        assert refused.status_code == 401 and refused.json()["errorCode"] == "SCOPE_MISMATCH"


def test_team_members(client):
    team = client.get("/teams").json()["teams"][0]
    members = client.get(f"/teams/{team['id']}/members", params={"include": "profile,role"}).json()["members"]
    assert [member["id"] for member in members] == team["agents"]
    assert {"emailId", "zuid", "roleId", "profileId", "profile", "role"} <= set(members[0])
    agent = client.get(f"/agents/{members[0]['id']}", params={"include": "profile,role"}).json()
    assert (members[0]["profile"], members[0]["role"]) == (agent["profile"], agent["role"])  # named, as the agent's
    assert client.get("/teams/999999999/members").status_code == 404


def test_presence_lists_and_control(desk, client):
    org_id = desk.org_ids[0]
    everyone = client.get("/agentAvailability", params={"departmentId": "-1"}).json()
    assert int(everyone["totalAgentsCount"]) == len(everyone["data"]) and everyone["hasMore"] is False
    online = {
        a["agentId"] for a in client.get("/onlineAgents", params={"departmentId": "-1", "limit": 6000}).json()["data"]
    }
    assert online  # ACTIVE agents start online
    gone = sorted(online)[0]
    control = desk.control.post("/_sandbox/presence", json={"orgId": org_id, "status": "OFFLINE", "agentIds": [gone]})
    assert control.status_code == 200 and gone in control.json()["offline"]
    now_online = client.get("/onlineAgents", params={"departmentId": "-1", "limit": 6000, "include": "mailStatus"})
    assert gone not in {a["agentId"] for a in now_online.json()["data"]}
    assert all(a["mailStatus"] == "ONLINE" for a in now_online.json()["data"])
    offline = client.get("/offlineAgents", params={"departmentId": "-1", "limit": 6000}).json()["data"]
    assert gone in {a["agentId"] for a in offline}
    paged = client.get("/agentAvailability", params={"departmentId": "-1", "limit": 1}).json()
    assert len(paged["data"]) == 1 and paged["hasMore"] is True
    assert client.get("/onlineAgents").status_code == 422  # departmentId is required
    assert client.get("/agentAvailability", params={"departmentId": "-1", "limit": 51}).status_code == 422
    bad = desk.control.post("/_sandbox/presence", json={"orgId": org_id, "status": "AWAY"})
    assert bad.status_code == 422
    desk.control.post("/_sandbox/presence", json={"orgId": org_id, "status": "ONLINE"})


def test_ticket_team_must_be_of_its_department(client):
    ticket = _ticket(client)
    teams = client.get("/teams").json()["teams"]
    own = next(team for team in teams if team["departmentId"] == ticket["departmentId"])
    other = next(team for team in teams if team["departmentId"] != ticket["departmentId"])
    updated = client.patch(f"/tickets/{ticket['id']}", json={"teamId": own["id"]})
    assert updated.status_code == 200 and updated.json()["teamId"] == own["id"]
    refused = client.patch(f"/tickets/{ticket['id']}", json={"teamId": other["id"]})
    assert refused.status_code == 422 and refused.json()["errors"][0]["fieldName"] == "/teamId"
    assert client.patch(f"/tickets/{ticket['id']}", json={"teamId": None}).json()["teamId"] is None
