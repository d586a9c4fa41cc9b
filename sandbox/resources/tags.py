"""Ticket tags: GET /tickets/{id}/tags, POST /tickets/{id}/associateTag and /dissociateTag, GET /ticketTags and
GET /tags/search, from the vendor's spec (TicketTag.json).

- A ticket's tags answer {"tags": [{id, name, tagType}]} (the spec's envelope, not "data"; no paging, no 204).
- associateTag / dissociateTag take {"tags": [names]}: 1 to 51 names of 3 to 50 characters (letters, digits,
  space, `_ . - + %` and non-ASCII); a bad or missing list is 422 INVALID_DATA. associateTag answers 200 with
  the associated tags as {"data": [...]}; dissociateTag 200 with an empty body. Scopes: Desk.tickets.READ to
  read, Desk.tickets.CREATE to associate or dissociate, as the spec says.
- /ticketTags (departmentId required, from, limit 1..100, sortBy createdTime|count, descending by default) adds
  ticketCount; /tags/search (searchVal, departmentId, from, limit) finds names containing the value.

Choices where the spec is silent: tags live in the ticket's department (a registry on the department record,
internal `_tags`), created MANUAL on first use, matched by name case-insensitively (the first spelling stays);
associating a tag the ticket has, or dissociating one it lacks, changes nothing and succeeds; tagging does not
move the ticket's modifiedTime (a tag is not a ticket field; the spec lists no such effect), so a poll does not
see it. An empty list answers 204, as the other lists.
"""

from __future__ import annotations

import re

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.errors import invalid_data, not_found
from sandbox.listing import page
from sandbox.params import FROM, LIMIT, Choice, Id, Param, Text
from sandbox.resources.body_fields import body_object
from sandbox.resources.ticket_children import path_ticket
from sandbox.state import Org, Record

READ, WRITE = ("Desk.tickets.READ",), ("Desk.tickets.CREATE",)
MAX_TAGS = 51
TAG_NAME = re.compile(r"(?!null$)[a-zA-Z0-9_.\-+%\s\u0080-\U0010ffff]{3,50}")


def _registry(org: Org, department_id: str) -> dict[str, Record]:
    department = org.departments.get(department_id)
    if department is None:
        raise invalid_data(("departmentId", "invalid"))
    registry: dict[str, Record] = department.setdefault("_tags", {})
    return registry


def tag_view(tag: Record) -> Record:
    return {"id": tag["id"], "name": tag["name"], "tagType": tag.get("tagType", "MANUAL")}


def ticket_tags(org: Org, ticket: Record) -> list[Record]:
    """The ticket's tags, in the order they were associated."""
    registry = _registry(org, ticket["departmentId"])
    by_id = {tag["id"]: tag for tag in registry.values()}
    return [tag_view(by_id[tag_id]) for tag_id in ticket.get("_tags", ()) if tag_id in by_id]


def _names(call: Call) -> list[str]:
    body = body_object(call.body)
    unknown = [name for name in body if name != "tags"]
    if unknown:
        raise invalid_data(*((name, "invalid") for name in unknown))
    names = body.get("tags")
    if names is None:
        raise invalid_data(("tags", "missing"))
    if not isinstance(names, list) or not 1 <= len(names) <= MAX_TAGS:
        raise invalid_data(("tags", "invalid"))
    if not all(isinstance(name, str) and TAG_NAME.fullmatch(name.strip()) for name in names):
        raise invalid_data(("tags", "invalid"))
    return list(dict.fromkeys(name.strip() for name in names))


def get_ticket_tags(call: Call) -> Reply:
    return ok({"tags": ticket_tags(call.org, path_ticket(call))})


def associate(call: Call) -> Reply:
    org, ticket = call.org, path_ticket(call)
    names = _names(call)
    registry = _registry(org, ticket["departmentId"])
    held: list[str] = ticket.setdefault("_tags", [])
    added = []
    for name in names:
        tag = registry.get(name.casefold())
        if tag is None:
            tag = registry[name.casefold()] = {
                "id": org.new_id(),
                "name": name,
                "tagType": "MANUAL",
                "_created": call.now_text,
            }
        if tag["id"] not in held:
            held.append(tag["id"])
        added.append(tag_view(tag))
    return ok({"data": added})


def dissociate(call: Call) -> Reply:
    org, ticket = call.org, path_ticket(call)
    registry = _registry(org, ticket["departmentId"])
    dropped = {registry[name.casefold()]["id"] for name in _names(call) if name.casefold() in registry}
    ticket["_tags"] = [tag_id for tag_id in ticket.get("_tags", ()) if tag_id not in dropped]
    return Reply(200)


def _count(org: Org, tag: Record) -> int:
    return sum(1 for ticket in org.tickets.values() if tag["id"] in ticket.get("_tags", ()))


def list_department_tags(call: Call) -> Reply:
    org = call.org
    registry = _registry(org, _department(call))
    tags = [
        {**tag_view(tag), "ticketCount": str(_count(org, tag)), "_created": tag["_created"]}
        for tag in registry.values()
    ]
    field_name = call.query.get("sortBy", "-createdTime").lstrip("-")
    key = "_created" if field_name == "createdTime" else "ticketCount"
    tags.sort(key=lambda tag: int(tag[key]) if key == "ticketCount" else tag[key], reverse=True)
    return listing([{k: v for k, v in tag.items() if not k.startswith("_")} for tag in page(tags, call.query)])


def search_tags(call: Call) -> Reply:
    registry = _registry(call.org, _department(call))
    needle = str(call.query.get("searchVal", "")).casefold()
    found = [tag_view(tag) for tag in registry.values() if needle in tag["name"].casefold()]
    return listing(page(found, call.query))


def _department(call: Call) -> str:
    department_id = call.query.get("departmentId")
    if department_id is None:
        raise invalid_data(("departmentId", "missing"))
    if department_id not in call.org.departments:
        raise not_found()
    return str(department_id)


SORT_BY = Choice(values=("createdTime", "count", "-createdTime", "-count"))
LIST_PARAMS: dict[str, Param] = {"departmentId": Id(), "from": FROM, "limit": LIMIT, "sortBy": SORT_BY}
SEARCH_PARAMS: dict[str, Param] = {"departmentId": Id(), "from": FROM, "limit": LIMIT, "searchVal": Text()}


ENDPOINTS = [
    Endpoint("GET", "/tickets/{ticket_id:id}/tags", get_ticket_tags, READ),
    Endpoint("POST", "/tickets/{ticket_id:id}/associateTag", associate, WRITE, body="json"),
    Endpoint("POST", "/tickets/{ticket_id:id}/dissociateTag", dissociate, WRITE, body="json"),
    Endpoint("GET", "/ticketTags", list_department_tags, READ, params=LIST_PARAMS),
    Endpoint("GET", "/tags/search", search_tags, READ, params=SEARCH_PARAMS),
]
