"""Help centre users and user groups: GET /users, /users/{id}, /userGroups, /userGroups/{id},
/userGroups/{id}/users (Desk.contacts.READ or Desk.basic.READ).

Choices (the sandbox's; the vendor's full user files were not at hand): every contact with an email is a user
{id, name, emailAddress, contactId, status, photoURL, createdTime, modifiedTime}; a group is {id, name,
description, logoUrl, membersCount, createdTime, modifiedTime}; lists page with from and limit 1..100 (users also
filter by status ACTIVE / DISABLED / ANONYMOUS and searchStr on name and email); unknown ids are 404; empty lists
answer 204.
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.errors import not_found
from sandbox.listing import page
from sandbox.params import PAGING, Choice
from sandbox.records.catalogue import collection
from sandbox.resources.agents import SearchText, text_search
from sandbox.state import Record, public

SCOPES = ("Desk.contacts.READ", "Desk.basic.READ")
STATUSES = ("ACTIVE", "DISABLED", "ANONYMOUS")


def _one(call: Call, kind: str, param: str) -> Record:
    record = collection(call.org, kind).get(call.path[param])
    if record is None:
        raise not_found()
    return record


def list_users(call: Call) -> Reply:
    users = list(collection(call.org, "users").values())
    if "status" in call.query:
        users = [user for user in users if user["status"] == call.query["status"]]
    if "searchStr" in call.query:
        users = [u for u in users if text_search([u["name"], u["emailAddress"]], call.query["searchStr"])]
    return listing([public(user) for user in page(users, call.query)])


def get_user(call: Call) -> Reply:
    return ok(public(_one(call, "users", "user_id")))


def list_groups(call: Call) -> Reply:
    return listing([public(group) for group in page(list(collection(call.org, "userGroups").values()), call.query)])


def get_group(call: Call) -> Reply:
    return ok(public(_one(call, "userGroups", "group_id")))


def list_group_users(call: Call) -> Reply:
    users = collection(call.org, "users")
    members = [users[user_id] for user_id in _one(call, "userGroups", "group_id")["_members"] if user_id in users]
    return listing([public(user) for user in page(members, call.query)])


ENDPOINTS = [
    Endpoint(
        "GET",
        "/users",
        list_users,
        SCOPES,
        params={**PAGING, "status": Choice(STATUSES), "searchStr": SearchText()},
    ),
    Endpoint("GET", "/users/{user_id:id}", get_user, SCOPES),
    Endpoint("GET", "/userGroups", list_groups, SCOPES, params=PAGING),
    Endpoint("GET", "/userGroups/{group_id:id}", get_group, SCOPES),
    Endpoint("GET", "/userGroups/{group_id:id}/users", list_group_users, SCOPES, params=PAGING),
]
