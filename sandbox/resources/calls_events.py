"""Activities beside tasks: GET /calls, /calls/{id}, /calls/{id}/comments, /events, /events/{id}.

From the vendor's spec (Call.json, Event.json, CallComments.json): calls need Desk.calls.READ (or the activities
scopes), events Desk.events.READ; lists page with from and limit 1..100 and filter by departmentId; call comments
page the same way, newest first.

Choices where the spec is silent: calls and events are the seed's (records/catalogue.py: a follow-up call on
some assigned tickets, a meeting on others), each with id, subject, departmentId, ticketId, contactId, ownerId,
creatorId, startTime, duration (seconds, as text), status, priority, description, cf, created/modified time and
webUrl (calls add direction and completedTime, events category and venue); lists run oldest first; an unknown id
is 404; nothing to show answers 204.
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.errors import not_found
from sandbox.listing import page
from sandbox.params import PAGING, Id
from sandbox.records.catalogue import collection
from sandbox.state import Record, public

CALL_SCOPES = ("Desk.calls.READ", "Desk.activities.READ", "Desk.activities.calls.READ")
EVENT_SCOPES = ("Desk.events.READ", "Desk.activities.READ", "Desk.activities.events.READ")


def _one(call: Call, kind: str) -> Record:
    record = collection(call.org, kind).get(call.path["record_id"])
    if record is None:
        raise not_found()
    return record


def _list(call: Call, kind: str) -> Reply:
    records = list(collection(call.org, kind).values())
    if "departmentId" in call.query:
        records = [r for r in records if r.get("departmentId") == call.query["departmentId"]]
    return listing([public(record) for record in page(records, call.query)])


def get_call(call: Call) -> Reply:
    return ok(public(_one(call, "calls")))


def list_calls(call: Call) -> Reply:
    return _list(call, "calls")


def get_event(call: Call) -> Reply:
    return ok(public(_one(call, "events")))


def list_events(call: Call) -> Reply:
    return _list(call, "events")


def list_call_comments(call: Call) -> Reply:
    record_id = _one(call, "calls")["id"]
    comments = [c for c in collection(call.org, "callComments").values() if c["_callId"] == record_id]
    comments.sort(key=lambda comment: comment["commentedTime"], reverse=True)
    return listing([public(comment) for comment in page(comments, call.query)])


LIST_PARAMS = {**PAGING, "departmentId": Id()}
ENDPOINTS = [
    Endpoint("GET", "/calls", list_calls, CALL_SCOPES, params=LIST_PARAMS),
    Endpoint("GET", "/calls/{record_id:id}", get_call, CALL_SCOPES),
    Endpoint("GET", "/calls/{record_id:id}/comments", list_call_comments, CALL_SCOPES, params=PAGING),
    Endpoint("GET", "/events", list_events, EVENT_SCOPES, params=LIST_PARAMS),
    Endpoint("GET", "/events/{record_id:id}", get_event, EVENT_SCOPES),
]
