"""What contacts and accounts share: reading their bodies, their attachments, their tickets, small embeds.

Choices where the seed is silent (the vendor's spec and the tickets helper's conventions decide):
- Body fields follow the vendor's spec (types, lengths); read-only fields sent back are ignored, names that are
  no field at all are refused with 422 INVALID_DATA, like tickets.
- An attachment create answers 200 (the vendor's spec), a delete 204 with no body (as ticket attachments do).
- A customer's tickets are read live (not from the lagged search index), oldest first; spam is hidden as on
  GET /tickets. Each carries `lastThread` (the seed's example; every ticket list does): the newest thread's
  channel, direction, isDraft and isForward, or null.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sandbox.api import Call, Endpoint, Reply, deleted, listing, ok
from sandbox.embed import ticket_list_item
from sandbox.errors import ApiError, invalid_data, not_found
from sandbox.listing import page, sort_records
from sandbox.params import PAGING, Flag, Id, Sort, include
from sandbox.periods import DUE_DATE, due_in
from sandbox.records import new_attachment
from sandbox.resources.body_fields import BadValue, Field, Text, body_object, read_fields
from sandbox.resources.custom_values import merge_cf
from sandbox.resources.uploads import read_file
from sandbox.state import Org, Record, public

CUSTOMER_READ = ("Desk.contacts.READ",)
CUSTOMER_CREATE = ("Desk.contacts.CREATE",)
CUSTOMER_UPDATE = ("Desk.contacts.UPDATE",)
# A customer's tickets: the seed names contacts.READ, tickets.READ and search.READ, all three.
TICKETS_REQUIRED = ("Desk.contacts.READ", "Desk.tickets.READ", "Desk.search.READ")
TICKET_SORTS = ("createdTime", "modifiedTime")


class Email(Text):
    """An e-mail address: text with one "@" and a dot in its domain; "" stores null."""

    def parse(self, org: Org, value: Any) -> str | None:
        text = (super().parse(org, value) or "").strip()
        local, at, domain = text.partition("@")
        if text and (not at or not local or "." not in domain or "@" in domain or " " in text):
            raise BadValue()
        return text or None


class Words(Text):
    """Free text; a number is taken as its digits (the spec allows "zip": 123902); "" stores null."""

    def parse(self, org: Org, value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super().parse(org, value) or None


@dataclass(frozen=True)
class OptionalRef(Field):
    """The id of an existing record of `collection`, or "" / null for none."""

    collection: str = ""

    def read(self, org: Org, value: Any) -> Any:
        if value in (None, ""):
            return None
        text = str(value).strip()
        if isinstance(value, bool) or not isinstance(value, (int, str)) or text not in getattr(org, self.collection):
            raise BadValue()
        return text


def read_customer_fields(
    org: Org, body: Any, spec: Mapping[str, Field], read_only: Collection[str], required: Collection[str] = ()
) -> dict[str, Any]:
    """The body's declared fields, parsed; read-only names are ignored, other unknown names refused."""
    body = body_object(body)
    unknown = [(name, "invalid") for name in body if name not in spec and name not in read_only]
    try:
        values = read_fields(org, body, spec, required)
    except ApiError as error:
        error.errors = [*(error.errors or []), *invalid_data(*unknown).errors]  # type: ignore[misc]
        raise
    if unknown:
        raise invalid_data(*unknown)
    return merge_cf(values)


def apply_fields(record: Record, values: dict[str, Any], now_text: str) -> None:
    """Write parsed fields (customFields merge); modifiedTime moves only when a value changed, as for tickets."""
    changed = False
    for name, value in values.items():
        new = {**record.get("customFields", {}), **value} if name == "customFields" else value
        changed = changed or record.get(name) != new
        record[name] = new
    if changed:
        record["modifiedTime"] = now_text


def find(org: Org, collection: str, record_id: str) -> Record:
    record = getattr(org, collection).get(record_id)
    if record is None:
        raise not_found()
    return record


# embeds -------------------------------------------------------------------------------------------
def owner_summary(org: Org, agent_id: str | None) -> Record | None:
    """`include=owner` of contacts and accounts: {firstName, lastName, id} (the vendor's spec)."""
    agent = org.agents.get(agent_id or "")
    if agent is None:
        return None
    return {"firstName": agent.get("firstName"), "lastName": agent.get("lastName"), "id": agent["id"]}


def account_summary(org: Org, account_id: str | None) -> Record | None:
    """`include=accounts` of contacts (and contracts): {website, accountName, id} (the vendor's spec)."""
    account = org.accounts.get(account_id or "")
    if account is None:
        return None
    return {"website": account.get("website"), "accountName": account.get("accountName"), "id": account["id"]}


# tickets ------------------------------------------------------------------------------------------
def customer_ticket_params(*includes: str) -> dict[str, Any]:
    return {
        **PAGING,
        "departmentId": Id(),
        "sortBy": Sort(fields=TICKET_SORTS),
        "include": include(*includes),
        "dueDate": DUE_DATE,
        "isSpam": Flag(),
    }


def customer_tickets(call: Call, contact_ids: Collection[str], undeclared: Collection[str] = ()) -> Reply:
    """The tickets raised by these contacts, as lists show tickets less the `undeclared` keys (those the vendor's
    list item for this operation does not declare)."""
    org, query = call.org, call.query
    spam = query.get("isSpam", False)  # the spam tickets instead, when asked
    tickets = [t for t in org.tickets.values() if t.get("contactId") in contact_ids and bool(t.get("_spam")) == spam]
    if "departmentId" in query:
        tickets = [t for t in tickets if t.get("departmentId") == query["departmentId"]]
    if "dueDate" in query:
        tickets = [t for t in tickets if due_in(t, query["dueDate"], org.now())]
    field_name, descending = query.get("sortBy", ("createdTime", False))
    tickets = sort_records(tickets, field_name, descending)
    embeds = query.get("include", ())
    items = [ticket_list_item(org, ticket, embeds) for ticket in page(tickets, query)]
    return listing([{key: value for key, value in item.items() if key not in undeclared} for item in items])


# attachments --------------------------------------------------------------------------------------
def creator_summary(org: Org, agent_id: str | None) -> Record | None:
    """`include=creator` of attachments: {firstName, lastName, photoURL, id, email} (the vendor's spec)."""
    agent = org.agents.get(agent_id or "")
    if agent is None:
        return None
    return {
        "firstName": agent.get("firstName"),
        "lastName": agent.get("lastName"),
        "photoURL": agent.get("photoURL"),
        "id": agent["id"],
        "email": agent.get("emailId"),
    }


def attachment_views(org: Org, items: list[Record], embeds: Collection[str]) -> list[Record]:
    """Attachments as lists show them; `include=creator` embeds who attached each file (every parent kind)."""
    views = [public(item) for item in items]
    if "creator" in embeds:
        views = [{**view, "creator": creator_summary(org, view["creatorId"])} for view in views]
    return views


ATTACHMENT_INCLUDE = include("creator")


@dataclass(frozen=True)
class Attachments:
    """GET / POST / DELETE /{parent}/{id}/attachments[/{attachment_id}] of contacts or accounts."""

    parent: str  # the collection and the path segment: "contacts" or "accounts"
    store: str  # the org's attachment collection: "contact_attachments" or "account_attachments"

    @property
    def path_key(self) -> str:
        return f"{self.parent[:-1]}_id"

    def _owned(self, call: Call) -> list[Record]:
        parent = find(call.org, self.parent, call.path[self.path_key])
        return [item for item in getattr(call.org, self.store).values() if item.get("_parentId") == parent["id"]]

    def list_files(self, call: Call) -> Reply:
        """Oldest first unless `sortBy=-createdTime`; `include=creator` embeds who attached each file."""
        field_name, descending = call.query.get("sortBy", ("createdTime", False))
        items = page(sort_records(self._owned(call), field_name, descending), call.query)
        return listing(attachment_views(call.org, items, call.query.get("include", ())))

    def add_file(self, call: Call) -> Reply:
        parent = find(call.org, self.parent, call.path[self.path_key])
        name, content = read_file(call)
        attachment = new_attachment(
            call.org,
            self.parent,
            parent["id"],
            name=name,
            creatorId=call.agent["id"],
            content=content,
        )
        attachment["_parentId"] = parent["id"]
        getattr(call.org, self.store)[attachment["id"]] = attachment
        return ok(public(attachment))

    def delete_file(self, call: Call) -> Reply:
        if call.path["attachment_id"] not in {item["id"] for item in self._owned(call)}:
            raise not_found()
        del getattr(call.org, self.store)[call.path["attachment_id"]]
        return deleted()

    def endpoints(self) -> list[Endpoint]:
        collection = f"/{self.parent}/{{{self.path_key}:id}}/attachments"
        params = {**PAGING, "sortBy": Sort(fields=("createdTime",)), "include": include("creator")}
        return [
            Endpoint("GET", collection, self.list_files, CUSTOMER_READ, params=params),
            Endpoint("POST", collection, self.add_file, CUSTOMER_UPDATE, body="multipart"),
            Endpoint("DELETE", collection + "/{attachment_id:id}", self.delete_file, CUSTOMER_UPDATE),
        ]
