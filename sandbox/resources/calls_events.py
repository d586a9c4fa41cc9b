"""Activities beside tasks: GET /calls, /calls/{id}, /calls/{id}/comments, /events, /events/{id}.

From the vendor's spec (Call.json, Event.json, CallComments.json): calls need Desk.calls.READ or
Desk.activities.calls.READ, events Desk.events.READ or Desk.activities.events.READ; lists page with from and
limit 1..100, filter by departmentId (or departmentIds), assignee (owner ids) and isCompleted, sort by startTime
or createdTime, and embed `include=contacts,tickets,assignee`; call comments page the same way, newest first.

Choices where the spec is silent: calls and events are the seed's (records/catalogue.py: a follow-up call on
some assigned tickets, a meeting on others), each with id, subject, departmentId, ticketId, contactId, ownerId,
creatorId, startTime, duration (seconds, as text), status, priority, description, cf, created/modified time and
webUrl (calls add direction, events category; both completedTime); lists run oldest first; viewId is
accepted and ignored (no views); embeds are the cards of sandbox/activity_cards.py, null when unset; an unknown
id is 404; nothing to show answers 204. One call or event also shows what the vendor's callResponse or eventResponse
requires: statusType (Closed once completed, missed or canceled), activityTime (its start, epoch milliseconds),
modifiedBy (its creator's card), reminder and layoutId null (and a call's callId), customFields {}, isTrashed and
isSpam false. A list item is that view less cf, customFields, description, duration and reminder (the vendor's list
item schemas declare none), plus isCommented.
"""

from __future__ import annotations

from collections.abc import Collection

from sandbox.activity_cards import CARDS, with_cards
from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.clock import parse_time
from sandbox.errors import not_found
from sandbox.listing import page, sort_records
from sandbox.params import PAGING, Flag, Id, Ids, Param, Sort, include
from sandbox.records.catalogue import collection
from sandbox.records.common import API_ROOT
from sandbox.state import Org, Record, public

CALL_SCOPES = ("Desk.calls.READ", "Desk.activities.calls.READ")
EVENT_SCOPES = ("Desk.events.READ", "Desk.activities.events.READ")
CLOSED_STATUSES = frozenset({"Completed", "Missed", "Canceled"})
# What a list item shows (the vendor's getCallsListResponse / getEventsListResponse: callListViewJson,
# eventListViewJson): one call's or event's keys less cf, customFields, description, duration and reminder, plus
# isCommented; the embeds come on top.
LIST_KEYS = (
    *("activityTime", "completedTime", "contactId", "createdTime", "creatorId", "departmentId", "id"),
    *("isCommented", "isSpam", "isTrashed", "layoutId", "modifiedBy", "modifiedTime", "ownerId", "priority"),
    *("startTime", "status", "statusType", "subject", "ticketId", "webUrl"),
)
KIND_LIST_KEYS = {"calls": ("callId", "direction"), "events": ("category",)}


def _one(call: Call, kind: str) -> Record:
    record = collection(call.org, kind).get(call.path["record_id"])
    if record is None:
        raise not_found()
    return record


def activity_view(org: Org, record: Record, embeds: Collection[str]) -> Record:
    return with_cards(org, public(record), embeds)


def _listed(call: Call, kind: str) -> list[Record]:
    """The page of calls or events the query asks for."""
    query = call.query
    records = list(collection(call.org, kind).values())
    departments = {query["departmentId"]} if "departmentId" in query else set(query.get("departmentIds", ()))
    if departments:
        records = [r for r in records if r.get("departmentId") in departments]
    if "assignee" in query:
        records = [r for r in records if r.get("ownerId") in query["assignee"]]
    if "isCompleted" in query:
        records = [r for r in records if (r.get("status") == "Completed") == query["isCompleted"]]
    if "sortBy" in query:
        records = sort_records(records, *query["sortBy"])
    return page(records, query)


def one_view(org: Org, record: Record, embeds: Collection[str]) -> Record:
    """One call or event: the activity plus the keys the vendor's callResponse and eventResponse require
    (modifiedBy is its creator's card: no activity is edited in the sandbox)."""
    agent = org.agents.get(record.get("creatorId") or "", {})
    card = {key: agent.get(key) for key in ("id", "firstName", "lastName", "emailId")}
    started = parse_time(record["startTime"])
    return activity_view(org, record, embeds) | {
        "reminder": None,
        "customFields": {},
        "layoutId": None,
        "isTrashed": False,
        "isSpam": False,
        "statusType": "Closed" if record.get("status") in CLOSED_STATUSES else "Open",
        "activityTime": str(int(started.timestamp() * 1000)),
        "modifiedBy": {**card, "photoURL": f"{API_ROOT}/agents/{card['id']}/photo" if card["id"] else None},
    }


def get_call(call: Call) -> Reply:
    return ok(one_view(call.org, _one(call, "calls"), call.query.get("include", ())) | {"callId": None})


def commented_calls(org: Org) -> set[str]:
    """The ids of the calls with a comment (events have none here)."""
    return {comment["_callId"] for comment in collection(org, "callComments").values()}


def list_view(org: Org, record: Record, keys: tuple[str, ...], embeds: Collection[str], commented: set[str]) -> Record:
    """A call or event as a list shows it: `keys` of its one view, callId and isCommented among them, and the
    cards `include` asks for."""
    view = one_view(org, record, embeds) | {"callId": None, "isCommented": record["id"] in commented}
    return {key: view.get(key) for key in (*keys, *(CARDS[name][0] for name in embeds))}


def _list(call: Call, kind: str) -> Reply:
    org, embeds = call.org, call.query.get("include", ())
    commented = commented_calls(org) if kind == "calls" else set()
    keys = (*LIST_KEYS, *KIND_LIST_KEYS[kind])
    return listing([list_view(org, record, keys, embeds, commented) for record in _listed(call, kind)])


def list_calls(call: Call) -> Reply:
    return _list(call, "calls")


def get_event(call: Call) -> Reply:
    return ok(one_view(call.org, _one(call, "events"), call.query.get("include", ())))


def list_events(call: Call) -> Reply:
    return _list(call, "events")


def _comment_view(org: Org, comment: Record) -> Record:
    """A call comment as the vendor's addCallComment has it (no isPublic): the commenter's names, attachments
    (none in the sandbox), encodedContent and impersonatedUser."""
    agent = org.agents.get(comment.get("commenterId") or "", {})
    names = {"firstName": agent.get("firstName"), "lastName": agent.get("lastName")}
    view = public(comment)
    view["commenter"] = {**comment["commenter"], **names}
    return view | {"attachments": [], "encodedContent": None, "impersonatedUser": None}


def list_call_comments(call: Call) -> Reply:
    record_id = _one(call, "calls")["id"]
    comments = [c for c in collection(call.org, "callComments").values() if c["_callId"] == record_id]
    comments.sort(key=lambda comment: comment["commentedTime"], reverse=True)
    return listing([_comment_view(call.org, comment) for comment in page(comments, call.query)])


INCLUDE = include(*CARDS)
LIST_PARAMS: dict[str, Param] = {
    **PAGING,
    "departmentId": Id(),
    "departmentIds": Ids(),
    "assignee": Ids(),
    "isCompleted": Flag(),
    "sortBy": Sort(("startTime", "createdTime")),
    "viewId": Id(),
    "include": INCLUDE,
}
ENDPOINTS = [
    Endpoint("GET", "/calls", list_calls, CALL_SCOPES, params=LIST_PARAMS),
    Endpoint("GET", "/calls/{record_id:id}", get_call, CALL_SCOPES, params={"include": INCLUDE}),
    Endpoint("GET", "/calls/{record_id:id}/comments", list_call_comments, CALL_SCOPES, params=PAGING),
    Endpoint("GET", "/events", list_events, EVENT_SCOPES, params=LIST_PARAMS),
    Endpoint("GET", "/events/{record_id:id}", get_event, EVENT_SCOPES, params={"include": INCLUDE}),
]
