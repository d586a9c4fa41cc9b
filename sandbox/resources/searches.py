"""Searches: GET /tickets/search, /contacts/search, /accounts/search, /tasks/search and /search (all modules).

Semantics (the seed, the vendor's spec and desk-api.md):
- Fields marked "exact match" compare whole values without case; fields marked "wildcard search" do too, and a
  `*` makes the value a pattern: `analysis*` matches any word starting "analysis" (the seed's own example finds
  "Real Time analysis Requirement"), `*lysis*` any substring. `a,b` is any of. `${empty}` / `${notEmpty}` test
  for no value / some value (the vendor's spec). `customFieldN=name:value` matches the record's custom field
  `name` (its label, or its api name cf_...) as a wildcard field; an unknown custom field name matches nothing.
- `_all=value` (the vendor's spec) matches the value, as a wildcard, against every field the module filters on.
- `<field>Range=<iso>,<iso>` keeps records whose field lies in the range, both ends included.
- Tickets are read from the search index (`org.indexed_tickets()`), which lags writes; other modules are live.
  Spam tickets are never found, as lists hide them.
- `from` is 0..4999, `limit` 1..100 (default 10), and `from + limit` may not pass 5000: the Desk lets a search
  reach its first 5000 results only (422 otherwise). `count` is the number of all matches, as text (the
  seed's examples print a number; counts travel as text elsewhere in the Desk, and `listing` writes them so).
- `sortBy` takes the spec's fields; `relevance` (the default) is the index order (oldest first), as the sandbox
  ranks nothing; a `-` prefix reverses any of them.
- Scopes: Desk.search.READ and the module's READ scope, both (the seed says "and"); /search needs tickets,
  contacts and tasks READ as well.
- /search: every term of `searchStr` (required) must start a word of the record's text (tickets: number,
  subject, description, e-mail, phone, contact and account names; tasks: subject, description; accounts: name,
  e-mail, website, phone; contacts: names, e-mails, phones, account name); `departmentId` narrows tickets and
  tasks. Without `module` the results are tickets, then tasks, accounts, contacts and `count` holds each
  module's total; with `module` it is one total, as the module searches answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sandbox.api import Call, Endpoint, Reply, listing, no_content, ok
from sandbox.clock import parse_time
from sandbox.errors import unprocessable
from sandbox.listing import SEARCH_DEFAULT_LIMIT, sort_records
from sandbox.params import (
    CUSTOM_FIELD_PARAM,
    CUSTOM_FIELDS,
    LIMIT,
    SEARCH_FROM,
    Choice,
    CustomFieldFilter,
    Id,
    Param,
    Sort,
    Text,
    TimeRange,
)
from sandbox.records import full_name
from sandbox.records.custom_fields import custom_api_name
from sandbox.resources import search_views as views
from sandbox.state import Org, Record

SEARCH_SCOPE = "Desk.search.READ"
MAX_RESULTS = 5000
EMPTY, NOT_EMPTY = "${empty}", "${notempty}"
ALL_FIELDS = "_all"  # the vendor's spec: one value searched (wildcard) in every field the module filters on
Getter = Callable[[Org, Record], Any]
View = Callable[[Org, Record], Record]


# matching -----------------------------------------------------------------------------------------
def _pattern(option: str) -> re.Pattern[str]:
    """`abc*`: a word starting abc; `*abc*`: anywhere; a `*` inside: anything there."""
    core = ".*".join(re.escape(part) for part in option.strip("*").split("*"))
    start = "" if option.startswith("*") else r"(?<!\w)"
    end = "" if option.endswith("*") else r"(?!\w)"
    return re.compile(start + core + end)


def search_matches(actual: Any, wanted: str, wildcard: bool) -> bool:
    text = "" if actual is None else str(actual).lower()
    for option in (part.strip().lower() for part in wanted.split(",")):
        if option in (EMPTY, NOT_EMPTY):
            if (option == EMPTY) == (text == ""):
                return True
        elif wildcard and "*" in option:
            if text and _pattern(option).search(text):
                return True
        elif text == option:
            return True
    return False


def in_range(value: Any, bounds: tuple[Any, Any]) -> bool:
    return bool(value) and bounds[0] <= parse_time(value) <= bounds[1]


def window(query: dict[str, Any]) -> tuple[int, int]:
    """`from` and `limit`, refused when they reach past the first MAX_RESULTS results."""
    start, limit = query.get("from", 0), query.get("limit", SEARCH_DEFAULT_LIMIT)
    if start + limit > MAX_RESULTS:
        raise unprocessable(
            f"The sum of 'from' and 'limit' must not exceed {MAX_RESULTS}: "
            f"a search reaches its first {MAX_RESULTS} results only."
        )
    return start, limit


def ordered(records: list[Any], query: dict[str, Any], get: Callable[[Any, str], Any] | None = None) -> list[Any]:
    field_name, descending = query.get("sortBy", ("relevance", False))
    if field_name == "relevance":
        return list(reversed(records)) if descending else records
    return sort_records(records, field_name, descending, get=get)


# what records say ---------------------------------------------------------------------------------
def plain(name: str) -> Getter:
    return lambda _org, record: record.get(name)


def contact_of(org: Org, record: Record) -> Record:
    return org.contacts.get(record.get("contactId") or "") or {}


def account_name_of(org: Org, contact: Record) -> str | None:
    return (org.accounts.get(contact.get("accountId") or "") or {}).get("accountName")


def contact_name_of(org: Org, ticket: Record) -> str:
    contact = contact_of(org, ticket)
    return full_name(contact.get("firstName"), contact.get("lastName"))


def product_name_of(org: Org, ticket: Record) -> str | None:
    return (org.products.get(ticket.get("productId") or "") or {}).get("productName")


def task_ticket_number(org: Org, task: Record) -> str | None:
    return (org.tickets.get(task.get("ticketId") or "") or {}).get("ticketNumber")


def indexed_tickets(org: Org) -> list[Record]:
    """What search sees of tickets: the lagged index, without spam."""
    return [snapshot for snapshot in org.indexed_tickets() if not (org.tickets.get(snapshot["id"]) or {}).get("_spam")]


# modules ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModuleSearch:
    """One module's search: its records, filters {name: (getter, wildcard?)}, ranges, sorts, view and scope."""

    path: str
    scope: str
    records: Callable[[Org], list[Record]]
    item: View
    filters: dict[str, tuple[Getter, bool]]
    ranges: tuple[str, ...]
    sorts: tuple[str, ...]

    def params(self) -> dict[str, Param]:
        params: dict[str, Param] = {"from": SEARCH_FROM, "limit": LIMIT}
        params["sortBy"] = Sort(fields=("relevance", *self.sorts))
        params.update({name: Text() for name in self.filters})
        params.update({f"{name}Range": TimeRange() for name in self.ranges})
        params[CUSTOM_FIELDS] = CustomFieldFilter()
        params[ALL_FIELDS] = Text()
        return params

    def keeps(self, org: Org, record: Record, query: dict[str, Any]) -> bool:
        if ALL_FIELDS in query and not any(
            search_matches(read(org, record), query[ALL_FIELDS], wildcard=True) for read, _ in self.filters.values()
        ):
            return False
        for name, (read, wildcard) in self.filters.items():
            if name in query and not search_matches(read(org, record), query[name], wildcard):
                return False
        for name in self.ranges:
            if f"{name}Range" in query and not in_range(record.get(name), query[f"{name}Range"]):
                return False
        custom = record.get("customFields") or {}
        custom = {**{custom_api_name(label): value for label, value in custom.items()}, **custom}  # label or cf_...
        for key, value in query.items():
            if CUSTOM_FIELD_PARAM.fullmatch(key):
                custom_name, wanted = value
                if custom_name not in custom or not search_matches(custom[custom_name], wanted, wildcard=True):
                    return False
        return True

    def search(self, call: Call) -> Reply:
        start, limit = window(call.query)
        found = [record for record in self.records(call.org) if self.keeps(call.org, record, call.query)]
        found = ordered(found, call.query)
        return listing([self.item(call.org, record) for record in found[start : start + limit]], count=len(found))

    def endpoint(self) -> Endpoint:
        return Endpoint(
            "GET", self.path, self.search, (SEARCH_SCOPE,), params=self.params(), required_scopes=(self.scope,)
        )


EXACT_TICKET_FIELDS = (
    "id",
    "ticketNumber",
    "status",
    "priority",
    "channel",
    "assigneeId",
    "contactId",
    "departmentId",
    "productId",
)
WILDCARD_TICKET_FIELDS = ("subject", "email", "phone", "category", "description")
TICKETS = ModuleSearch(
    path="/tickets/search",
    scope="Desk.tickets.READ",
    records=indexed_tickets,
    item=views.ticket_item,
    filters={
        **{name: (plain(name), False) for name in EXACT_TICKET_FIELDS},
        **{name: (plain(name), True) for name in WILDCARD_TICKET_FIELDS},
        "accountId": (lambda org, ticket: contact_of(org, ticket).get("accountId"), False),
        "contactName": (contact_name_of, True),
        "accountName": (lambda org, ticket: account_name_of(org, contact_of(org, ticket)), True),
        "productName": (product_name_of, True),
        "tag": (lambda _org, _ticket: None, True),  # the sandbox's tickets carry no tags: only ${empty} matches
    },
    ranges=("modifiedTime", "createdTime", "dueDate", "customerResponseTime"),
    sorts=("modifiedTime", "createdTime", "customerResponseTime"),
)
CONTACTS = ModuleSearch(
    path="/contacts/search",
    scope="Desk.contacts.READ",
    records=lambda org: list(org.contacts.values()),
    item=views.contact_item,
    filters={
        "id": (plain("id"), False),
        **{name: (plain(name), True) for name in ("firstName", "lastName", "email", "phone", "mobile")},
        "fullName": (lambda _org, contact: full_name(contact.get("firstName"), contact.get("lastName")), True),
        "accountName": (account_name_of, True),
    },
    ranges=("createdTime", "modifiedTime"),
    sorts=("modifiedTime", "createdTime", "lastName", "firstName"),
)
ACCOUNTS = ModuleSearch(
    path="/accounts/search",
    scope="Desk.contacts.READ",
    records=lambda org: list(org.accounts.values()),
    item=views.account_item,
    filters={"id": (plain("id"), False), "accountName": (plain("accountName"), True)},
    ranges=("createdTime", "modifiedTime"),
    sorts=("modifiedTime", "createdTime", "accountName"),
)
TASKS = ModuleSearch(
    path="/tasks/search",
    scope="Desk.tasks.READ",
    records=lambda org: list(org.tasks.values()),
    item=views.task_item,
    filters={
        **{name: (plain(name), False) for name in ("id", "departmentId", "status", "priority")},
        "subject": (plain("subject"), True),
        "ticketNumber": (task_ticket_number, False),
    },
    ranges=("createdTime", "modifiedTime", "dueDate"),
    sorts=("modifiedTime", "createdTime"),
)


# /search: every module ----------------------------------------------------------------------------
class GlobalModule(NamedTuple):
    records: Callable[[Org], list[Record]]
    text: Callable[[Org, Record], list[Any]]  # what its search string is matched against
    item: View
    departmental: bool  # narrowed by departmentId


def _ticket_text(org: Org, ticket: Record) -> list[Any]:
    contact = contact_of(org, ticket)
    return [
        ticket.get("ticketNumber"),
        ticket.get("subject"),
        ticket.get("description"),
        ticket.get("email"),
        ticket.get("phone"),
        contact.get("firstName"),
        contact.get("lastName"),
        account_name_of(org, contact),
    ]


def _contact_text(org: Org, contact: Record) -> list[Any]:
    names = ("firstName", "lastName", "email", "secondaryEmail", "phone", "mobile")
    return [contact.get(name) for name in names] + [account_name_of(org, contact)]


GLOBAL_MODULES = {  # in the order of the seed's example
    "tickets": GlobalModule(indexed_tickets, _ticket_text, views.global_ticket, True),
    "tasks": GlobalModule(
        TASKS.records, lambda _org, task: [task.get("subject"), task.get("description")], views.global_task, True
    ),
    "accounts": GlobalModule(
        ACCOUNTS.records,
        lambda _org, account: [account.get(name) for name in ("accountName", "email", "website", "phone")],
        views.global_account,
        False,
    ),
    "contacts": GlobalModule(CONTACTS.records, _contact_text, views.global_contact, False),
}


def _has_terms(texts: list[Any], terms: list[str]) -> bool:
    blob = " ".join(str(text).lower() for text in texts if text)
    return all(re.search(r"(?<!\w)" + re.escape(term), blob) for term in terms)


def _found(org: Org, query: dict[str, Any], terms: list[str]) -> list[tuple[str, Record]]:
    found = []
    for name, module in GLOBAL_MODULES.items():
        if query.get("module", name) != name:
            continue
        for record in module.records(org):
            if module.departmental and "departmentId" in query and record.get("departmentId") != query["departmentId"]:
                continue
            if _has_terms(module.text(org, record), terms):
                found.append((name, record))
    return found


def search_everything(call: Call) -> Reply:
    org, query = call.org, call.query
    terms = [term.strip("*") for term in query.get("searchStr", "").lower().split() if term.strip("*")]
    if not terms:
        raise unprocessable("The query parameter 'searchStr' is mandatory.")
    start, limit = window(query)
    found = ordered(_found(org, query, terms), query, get=lambda pair, name: pair[1].get(name))
    items = [GLOBAL_MODULES[name].item(org, record) for name, record in found[start : start + limit]]
    if "module" in query:
        return listing(items, count=len(found))
    if not items:
        return no_content()
    counts = {name: str(sum(1 for found_name, _ in found if found_name == name)) for name in GLOBAL_MODULES}
    return ok({"data": items, "count": counts})


GLOBAL_PARAMS: dict[str, Param] = {
    "searchStr": Text(),
    "module": Choice(values=tuple(GLOBAL_MODULES)),
    "departmentId": Id(),
    "from": SEARCH_FROM,
    "limit": LIMIT,
    "sortBy": Sort(fields=("relevance", "modifiedTime")),
}
ENDPOINTS = [
    *(search.endpoint() for search in (TICKETS, CONTACTS, ACCOUNTS, TASKS)),
    Endpoint(
        "GET",
        "/search",
        search_everything,
        (SEARCH_SCOPE,),
        params=GLOBAL_PARAMS,
        required_scopes=("Desk.tickets.READ", "Desk.contacts.READ", "Desk.tasks.READ"),
    ),
]
