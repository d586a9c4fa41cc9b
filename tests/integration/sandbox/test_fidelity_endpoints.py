"""The endpoints fidelity v2 adds (issue 16), over real HTTP: each group's shape, paging, 204 when empty, scopes
and errors; orgId as a query parameter; a ticket's history following its updates."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.sandbox.helpers import advance, api, ids, scoped_token
from tests.integration.sandbox.ticket_support import make_ticket, seeded_tickets
from tests.support.sandbox import SandboxProcess

TICKETS_PER_ORG = 30  # seeded per org in this module's sandbox (conftest.py)


def data(answer: httpx.Response) -> list[dict[str, Any]]:
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def error_code(answer: httpx.Response) -> str:
    return answer.json()["errorCode"]


# shapes ---------------------------------------------------------------------------------------------------------
LIST_KEYS = {  # a list endpoint -> keys every item has
    "/roles": {"id", "name", "description", "shareDataWithPeers", "reportsTo", "isDefault", "isVisible"},
    "/profiles": {"id", "name"},
    "/channels": {"code", "name", "type", "acceptsReplies", "replyConfig", "departmentId", "photoURL"},
    "/products": {"id", "productName", "productCode", "unitPrice", "departmentIds"},
    "/articles": {"id", "title", "status", "permission", "categoryId", "authorId", "webUrl", "viewCount"},
    "/calls": {"id", "subject", "ticketId", "departmentId", "startTime", "status", "direction"},  # no duration
    "/events": {"id", "subject", "ticketId", "departmentId", "startTime", "status", "category"},  # no duration
    "/users": {"id", "name", "photoUrl", "emailAddress", "userType", "status", "lastAccessedTime", "label"},
    "/organizationModules": {"id", "apiName", "displayLabel", "singularLabel", "pluralLabel", "isCustomModule"},
    "/accessibleOrganizations": {"id", "companyName", "portalName", "edition", "currencyCode", "isSandboxPortal"},
}
ONE_OF = {  # a list endpoint -> the path of one of its items ({id} its first item's id)
    "/roles": "/roles/{id}",
    "/profiles": "/profiles/{id}",
    "/products": "/products/{id}",
    "/articles": "/articles/{id}",
    "/calls": "/calls/{id}",
    "/events": "/events/{id}",
    "/users": "/users/{id}",
}


@pytest.mark.parametrize("path", sorted(LIST_KEYS))
def test_list_items_carry_their_keys_and_one_reads_back(client: httpx.Client, path: str):
    items = data(client.get(path))
    assert items and all(LIST_KEYS[path] <= set(item) for item in items)
    if path in ONE_OF:
        one = client.get(ONE_OF[path].format(id=items[0]["id"]))
        assert one.status_code == 200 and one.json()["id"] == items[0]["id"]
        assert client.get(ONE_OF[path].format(id="1")).status_code == 404


def test_one_product_shows_more_than_its_list_item_and_embeds_its_owner(client: httpx.Client):
    item = data(client.get("/products", params={"include": "owner"}))[0]
    assert set(item) == {"id", "productName", "productCode", "unitPrice", "departmentIds", "owner"}
    one = client.get(f"/products/{item['id']}", params={"include": "owner,departments"}).json()
    assert {"cf", "layoutId", "isDeleted", "productCategory", "ownerId", "createdTime"} <= set(one)
    assert one["owner"] == item["owner"] and set(one["owner"]) == {"id", "firstName", "lastName", "name", "photoURL"}
    assert [department["id"] for department in one["departments"]] == one["departmentIds"]


def test_channel_by_code_and_unknown_code(client: httpx.Client):
    assert client.get("/channels/email").json()["code"] == "EMAIL"
    assert client.get("/channels/PIGEON").status_code == 404


def test_agents_by_ids_keeps_the_order_asked_and_drops_unknown_ids(client: httpx.Client):
    agents = ids(client.get("/agents", params={"limit": 5}))
    answer = data(client.get("/agentsByIds", params={"agentIds": ",".join([agents[2], "1", agents[0]])}))
    assert [agent["id"] for agent in answer] == [agents[2], agents[0]]
    assert {"rolePermissionType", "isZiaAgent", "associatedDepartmentIds"} <= set(answer[0])
    assert data(client.get("/agentsByIds", params={"agentIds": "1"})) == []
    assert error_code(client.get("/agentsByIds")) == "UNPROCESSABLE_ENTITY"
    too_many = ",".join(str(n) for n in range(1, 52))
    assert client.get("/agentsByIds", params={"agentIds": too_many}).status_code == 422


# paging and 204 -------------------------------------------------------------------------------------------------
PAGED = {"/roles": 500, "/profiles": 250, "/products": 100, "/articles": 50}


@pytest.mark.parametrize("path", [*PAGED, "/calls"])
def test_lists_page_with_from_and_limit(client: httpx.Client, path: str):
    most = PAGED.get(path, 100)
    every = ids(client.get(path, params={"limit": most}))
    assert len(every) >= 2
    assert ids(client.get(path, params={"from": 1, "limit": 1})) == every[1:2]
    assert client.get(path, params={"from": len(every)}).status_code == 204
    assert error_code(client.get(path, params={"limit": 0})) == "UNPROCESSABLE_ENTITY"
    assert error_code(client.get(path, params={"limit": most + 1})) == "UNPROCESSABLE_ENTITY"


def test_filters_that_match_nothing_answer_204(client: httpx.Client):
    assert client.get("/articles", params={"status": "Expired"}).status_code == 204
    assert client.get("/users", params={"status": "DISABLED"}).status_code == 204
    assert client.get("/roles", params={"searchStr": "nobody*"}).status_code == 204


def test_users_page_from_one_and_show_their_groups_and_contact(client: httpx.Client):
    every = ids(client.get("/users"))  # the default page: 50
    assert len(every) == 50 and ids(client.get("/users", params={"status": "ALL", "limit": 50})) == every
    assert ids(client.get("/users", params={"from": 2, "limit": 1})) == every[1:2]  # from is 1-based here
    for bad in ({"from": 0}, {"limit": 51}, {"searchBy": "a"}, {"status": "GONE"}):
        assert error_code(client.get("/users", params=bad)) == "UNPROCESSABLE_ENTITY"
    first = client.get(f"/users/{every[0]}", params={"include": "contact"}).json()
    assert first["contact"]["email"] == first["email"][0]["emailAddress"]
    found = client.get("/users", params={"searchBy": first["name"][:4]}).json()["data"]
    assert first["id"] in {user["id"] for user in found}
    groups = client.get(f"/users/{every[0]}/groups").json()["data"]
    assert groups and set(groups[0]) == {"id", "name", "addedTime", "helpCenterId", "logoUrl", "status"}
    assert client.get(f"/users/{every[-1]}/groups").status_code == 204
    assert client.get("/users/1/groups").status_code == 404


# a ticket's history, latest thread and activities --------------------------------------------------------------
def test_latest_thread_is_the_newest_sent_thread_or_204(client: httpx.Client):
    ticket = make_ticket(client)
    latest = client.get(f"/tickets/{ticket['id']}/latestThread")
    assert latest.status_code == 200 and latest.json()["direction"] == "in" and "content" in latest.json()
    silent = make_ticket(client, description=None)
    assert client.get(f"/tickets/{silent['id']}/latestThread").status_code == 204
    assert client.get("/tickets/1/latestThread").status_code == 404


def test_an_email_thread_links_its_original_message(client: httpx.Client):
    ticket = make_ticket(client, channel="Email", subject="Original")
    thread = client.get(f"/tickets/{ticket['id']}/latestThread").json()
    assert thread["channel"] == "EMAIL" and thread["fullContentURL"].endswith("/originalContent")
    path = thread["fullContentURL"].split("/api/v1", 1)[1]
    original = client.get(path).json()
    assert original["content"] == thread["content"] and original["subject"] == "Original"
    assert set(original) == {"date", "returnPath", "subject", "messageId", "from", "to", "content"}
    chat = make_ticket(client, channel="Chat")
    chat_thread = client.get(f"/tickets/{chat['id']}/latestThread").json()
    assert client.get(f"/tickets/{chat['id']}/threads/{chat_thread['id']}/originalContent").status_code == 422
    assert client.get(f"/tickets/{ticket['id']}/threads/1/originalContent").status_code == 404


def test_history_records_an_update_newest_first(desk: SandboxProcess, client: httpx.Client):
    ticket = make_ticket(client, priority="Low")
    advance(desk, 5)
    assert client.patch(f"/tickets/{ticket['id']}", json={"priority": "High"}).status_code == 200
    events = data(client.get(f"/tickets/{ticket['id']}/History"))
    assert events[0]["eventName"] == "TicketUpdated"
    assert events[-1]["eventName"] == "TicketCreated"
    change = events[0]["eventInfo"][0]
    assert change["propertyName"] == "priority"
    assert change["propertyValue"] == {"previousValue": "Low", "updatedValue": "High"}
    assert events[0]["actor"]["type"] == "Agent"
    named = data(client.get(f"/tickets/{ticket['id']}/History", params={"fieldName": "priority"}))
    assert len(named) == 1
    assert client.get(f"/tickets/{ticket['id']}/History", params={"fieldName": "status"}).status_code == 204
    assert len(data(client.get(f"/tickets/{ticket['id']}/History", params={"limit": 1}))) == 1
    assert client.get(f"/tickets/{ticket['id']}/History", params={"limit": 51}).status_code == 422


def test_activities_of_a_ticket_and_their_scope(desk: SandboxProcess, client: httpx.Client):
    calls = data(client.get("/calls", params={"limit": 100}))
    ticket_id = calls[0]["ticketId"]
    kinds = {item["activityType"] for item in data(client.get(f"/tickets/{ticket_id}/activities"))}
    assert "Calls" in kinds
    quiet = make_ticket(client)
    assert client.get(f"/tickets/{quiet['id']}/activities").status_code == 204
    with api(desk, scoped_token(desk, "Desk.tickets.READ")) as tickets_only:
        assert error_code(tickets_only.get(f"/tickets/{ticket_id}/activities")) == "SCOPE_MISMATCH"
        assert tickets_only.get(f"/tickets/{ticket_id}/History").status_code == 200
    with api(desk, scoped_token(desk, "Desk.activities.calls.READ")) as calls_only:
        assert calls_only.get(f"/tickets/{ticket_id}/activities").status_code == 200
    embedded = data(client.get(f"/tickets/{ticket_id}/activities", params={"include": "tickets,assignee"}))
    assert all(item["ticket"]["id"] == ticket_id for item in embedded)
    assert client.get(f"/tickets/{ticket_id}/activities", params={"isSpam": "true"}).status_code == 204
    latest_first = data(client.get(f"/tickets/{ticket_id}/activities", params={"sortBy": "-activityTime"}))
    assert len(latest_first) == len(embedded)


def test_calls_filter_sort_and_embed(client: httpx.Client):
    calls = data(client.get("/calls", params={"include": "contacts,tickets,assignee", "limit": 100}))
    first = calls[0]
    assert first["ticket"]["id"] == first["ticketId"] and first["contact"]["id"] == first["contactId"]
    assert first["assignee"]["id"] == first["ownerId"]
    assert {call["id"] for call in data(client.get("/calls", params={"isCompleted": "true", "limit": 100}))} == {
        call["id"] for call in calls
    }
    assert client.get("/calls", params={"isCompleted": "false"}).status_code == 204
    mine = ids(client.get("/calls", params={"assignee": first["ownerId"], "limit": 100}))
    assert first["id"] in mine and len(mine) <= len(calls)
    newest = ids(client.get("/calls", params={"sortBy": "-startTime", "limit": 100}))
    assert newest == [c["id"] for c in sorted(calls, key=lambda c: c["startTime"], reverse=True)]
    assert error_code(client.get("/calls", params={"include": "owner"})) == "UNPROCESSABLE_ENTITY"
    assert client.get(f"/calls/{first['id']}", params={"include": "tickets"}).json()["ticket"]["id"]


def test_call_comments_newest_first(client: httpx.Client):
    call = data(client.get("/calls"))[0]
    comments = data(client.get(f"/calls/{call['id']}/comments"))
    assert comments and comments[0]["commenterId"] == call["creatorId"]
    assert client.get("/calls/1/comments").status_code == 404


# contracts of an account ----------------------------------------------------------------------------------------
def test_account_contracts_with_their_status(client: httpx.Client):
    contracts = data(client.get("/contracts", params={"limit": 50}))
    account_id = contracts[0]["accountId"]
    items = data(client.get(f"/accounts/{account_id}/contracts"))
    assert {item["contractStatus"] for item in items} <= {"ACTIVE", "EXPIRED", "FUTURE"}
    status = items[0]["contractStatus"]
    assert ids(client.get(f"/accounts/{account_id}/contracts", params={"contractStatus": status}))
    others = [s for s in ("ACTIVE", "EXPIRED", "FUTURE") if s not in {item["contractStatus"] for item in items}]
    assert client.get(f"/accounts/{account_id}/contracts", params={"contractStatus": others[0]}).status_code == 204
    assert client.get("/accounts/1/contracts").status_code == 404
    assert error_code(client.get(f"/accounts/{account_id}/contracts", params={"limit": 51})) == "UNPROCESSABLE_ENTITY"


# dashboards -----------------------------------------------------------------------------------------------------
def test_created_tickets_counts_by_hour_and_by_agent(client: httpx.Client):
    before = client.get("/dashboards/createdTickets", params={"duration": "TODAY", "groupBy": "hour"}).json()
    make_ticket(client)
    after = client.get("/dashboards/createdTickets", params={"duration": "TODAY", "groupBy": "hour"}).json()
    assert after["groupedBy"] == "hour" and len(after["ticketCount"]) == 24
    assert int(after["totalTicketCount"]) == int(before["totalTicketCount"]) + 1
    by_agent = client.get("/dashboards/createdTickets", params={"duration": "LAST_30_DAYS", "groupBy": "agent"})
    rows = by_agent.json()["ticketCount"]
    assert sum(int(row["count"]) for row in rows) == int(by_agent.json()["totalTicketCount"])
    assert rows[-1]["value"] == "Unassigned" and rows[0]["referenceValue"]


def test_on_hold_tickets_count_only_on_hold_ones(client: httpx.Client):
    on_hold = [t for t in seeded_tickets(client) if t["status"] == "On Hold"]
    counted = client.get("/dashboards/onholdTickets", params={"duration": "LAST_30_DAYS", "groupBy": "date"}).json()
    assert 0 < int(counted["totalTicketCount"]) <= len(on_hold)
    assert len(counted["ticketCount"]) == 30


def test_dashboards_refuse_missing_and_bad_parameters(client: httpx.Client):
    path = "/dashboards/createdTickets"
    assert error_code(client.get(path, params={"groupBy": "date"})) == "UNPROCESSABLE_ENTITY"
    assert client.get(path, params={"duration": "LAST_7_DAYS", "groupBy": "week"}).status_code == 422
    custom = {"duration": "CUSTOM_IN_DATE", "groupBy": "date"}
    assert client.get(path, params=custom).status_code == 422
    dated = client.get(path, params={**custom, "startDate": "2026-01-01", "endDate": "2026-01-03"}).json()
    assert [row["value"] for row in dated["ticketCount"]] == ["2026-01-01", "2026-01-02", "2026-01-03"]


# scopes, orgId --------------------------------------------------------------------------------------------------
SCOPE_CASES = [  # path, a token's scopes that do not reach it, scopes that do
    ("/products", "Desk.tickets.READ", "Desk.products.READ"),
    ("/articles", "Desk.settings.READ", "Desk.articles.READ"),
    ("/calls", "Desk.tickets.READ", "Desk.calls.READ"),
    ("/events", "Desk.calls.READ", "Desk.events.READ"),
    ("/users", "Desk.tickets.READ", "Desk.contacts.READ"),
    ("/profiles", "Desk.tickets.READ", "Desk.permissions.READ"),
    ("/channels", "Desk.tickets.READ", "Desk.basic.READ"),
    ("/organizationModules", "Desk.tickets.READ", "Desk.settings.READ"),
    ("/tickets/{ticket}/History", "Desk.contacts.READ", "Desk.tickets.READ"),
    ("/roles", "Desk.tickets.READ", "Desk.settings.READ"),
    ("/accessibleOrganizations", "Desk.tickets.READ", "Desk.basic.READ"),
    ("/dashboards/createdTickets?duration=TODAY&groupBy=date", "Desk.contacts.READ", "Desk.tickets.READ"),
]


@pytest.mark.parametrize(("path", "refused", "granted"), SCOPE_CASES)
def test_scopes(desk: SandboxProcess, client: httpx.Client, path: str, refused: str, granted: str):
    path = path.replace("{ticket}", seeded_tickets(client)[0]["id"])
    with api(desk, scoped_token(desk, refused)) as without:
        assert error_code(without.get(path)) == "SCOPE_MISMATCH"
    with api(desk, scoped_token(desk, granted)) as with_scope:
        assert with_scope.get(path).status_code in (200, 204)


def test_org_id_as_a_query_parameter(desk: SandboxProcess):
    with api(desk, org_id=False) as client:  # type: ignore[arg-type]
        assert client.get("/roles", params={"orgId": desk.org_ids[0]}).status_code == 200
        assert error_code(client.get("/roles")) == "UNPROCESSABLE_ENTITY"
        assert error_code(client.get("/roles", params={"orgId": "1"})) == "OAUTH_ORG_MISMATCH"


def test_one_organization_shows_its_id_as_a_number(desk: SandboxProcess, client: httpx.Client):
    one = client.get(f"/organizations/{desk.org_ids[0]}").json()
    assert one["id"] == int(desk.org_ids[0])
    assert all(isinstance(org["id"], str) for org in data(client.get("/organizations")))
