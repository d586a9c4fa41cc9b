"""Help centre users: GET /users, GET /users/{id} and a user's groups, GET /users/{id}/groups.

From the vendor's spec (User.json): the scopes are Desk.contacts.READ, Desk.settings.READ or Desk.basic.READ (the
list also Desk.search.READ); `from` is 1-based (default 1) and `limit` 1..50 (default 50), on both lists; the
users list filters by `status` (ACTIVE, DISABLED, DELETED, ALL) and `searchBy` (at least two characters, on name
and address), sorts by `email` or `modifiedTime` (`-` descending); a listed user is {id, name, photoUrl,
emailAddress, userType (ENDUSER, SUPPORTREP), status, lastAccessedTime, label} (userDetailJson), one user shows
contactId and its addresses as email [{emailAddress, isVerified, isPrimary}] instead of emailAddress
(userDetailViewJson); a user's group is {id, name, addedTime, helpCenterId, logoUrl, status} (groupMetaResponse)
and a user's groups sort by `addedTime`; `include=contact` adds the user's contact to GET /users/{id}.

Choices where the spec is silent: every seeded contact with an email is an ACTIVE end user, never signed in
(lastAccessedTime null), with no label, its one address verified and primary; `helpCenterId` is accepted and
ignored (one help centre per org); `status=ALL` keeps every user, no status keeps ACTIVE ones; unknown ids are
404; empty lists answer 204.
"""

from __future__ import annotations

from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.embed import contact_summary
from sandbox.errors import not_found, unprocessable
from sandbox.listing import sort_records
from sandbox.params import Choice, Id, Integer, Param, Sort
from sandbox.records.catalogue import collection
from sandbox.state import Record, public

SCOPES = ("Desk.contacts.READ", "Desk.settings.READ", "Desk.basic.READ")
STATUSES = ("ACTIVE", "DISABLED", "DELETED", "ALL")
PAGE: dict[str, Param] = {
    "from": Integer(minimum=1),
    "limit": Integer(minimum=1, maximum=50),
    "helpCenterId": Id(),
}


class SearchBy(Param):
    """`searchBy`: at least two characters (the vendor's spec)."""

    def parse(self, name: str, raw: str) -> str:
        if len(raw.strip()) < 2:
            raise unprocessable(f"The value passed for the '{name}' query parameter must have two characters.")
        return raw.strip().lower()


def one_based(items: list[Any], query: dict[str, Any]) -> list[Any]:
    start = query.get("from", 1) - 1
    return items[start : start + query.get("limit", 50)]


def _user(call: Call) -> Record:
    user = collection(call.org, "users").get(call.path["user_id"])
    if user is None:
        raise not_found()
    return user


def list_users(call: Call) -> Reply:
    query = call.query
    status = query.get("status", "ACTIVE")
    users = [u for u in collection(call.org, "users").values() if status == "ALL" or u["status"] == status]
    if "searchBy" in query:
        users = [u for u in users if query["searchBy"] in f"{u['name']} {u['emailAddress']}".lower()]
    if "sortBy" in query:
        name, descending = query["sortBy"]
        key = {"email": "emailAddress", "modifiedTime": "_modifiedTime"}[name]
        users = sort_records(users, key, descending)
    return listing([public(user) for user in one_based(users, query)])


def get_user(call: Call) -> Reply:
    user = _user(call)
    view = {key: value for key, value in public(user).items() if key != "emailAddress"}
    view["contactId"] = user["_contactId"]
    view["email"] = [{"emailAddress": user["emailAddress"], "isVerified": True, "isPrimary": True}]
    if call.query.get("include") == "contact":
        view["contact"] = contact_summary(call.org, user["_contactId"])
    return ok(view)


def list_user_groups(call: Call) -> Reply:
    groups = collection(call.org, "userGroups")
    mine = [groups[group_id] for group_id in _user(call)["_groups"] if group_id in groups]
    if "sortBy" in call.query:
        mine = sort_records(mine, "addedTime", call.query["sortBy"][1])
    if "searchBy" in call.query:
        mine = [group for group in mine if call.query["searchBy"] in group["name"].lower()]
    return listing([public(group) for group in one_based(mine, call.query)])


ENDPOINTS = [
    Endpoint(
        "GET",
        "/users",
        list_users,
        SCOPES,
        params={
            **PAGE,
            "status": Choice(STATUSES),
            "searchBy": SearchBy(),
            "sortBy": Sort(("email", "modifiedTime")),
        },
    ),
    Endpoint(
        "GET", "/users/{user_id:id}", get_user, SCOPES, params={"include": Choice(("contact",)), "helpCenterId": Id()}
    ),
    Endpoint(
        "GET",
        "/users/{user_id:id}/groups",
        list_user_groups,
        SCOPES,
        params={**PAGE, "searchBy": SearchBy(), "sortBy": Sort(("addedTime",))},
    ),
]
