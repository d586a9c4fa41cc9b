"""A ticket's threads: read one, list them, send a reply, save and edit a draft, drop a draft's attachment.

Choices where the reference is silent (the vendor's spec and the real service's likely behaviour decide):
- Replies go out on EMAIL, FACEBOOK, TWITTER or FORUMS. An EMAIL reply needs `fromEmailAddress`, and it must be
  one of the org's ACTIVE mail reply addresses (any department's), drafts included: else 422 INVALID_DATA on
  /fromEmailAddress. `to` defaults to the ticket's email. `attachmentIds` are uploads (POST /uploads).
- sendReply answers 200 with the thread as queued ("PENDING", as the example); the sandbox delivers at once, so
  the stored thread reads back "SUCCESS". The reply moves the ticket's modifiedTime and threadCount; its status
  changes only when the body's `ticketStatus` (the vendor's spec) asks.
- A draft (status DRAFT) is not sent and changes nothing on the ticket: not its modifiedTime, not threadCount
  (state.refresh_counts leaves drafts out). Only a draft can be edited or lose an attachment (else 422).
- A thread is shown with `content` and its attachments; lists leave both out (the list example). The EMAIL
  fields to/cc/bcc/isForward appear on EMAIL threads only, as the examples show.
- One thread (GET .../threads/{id}, /latestThread, the reply answers, a webhook's payload) is shaped as the
  vendor's single-thread schemas have it (emailThreadResponseJson, and the later latestThreadResponse):
  `attachments` always, empty when none; the list schema's lastRatingIconURL and respondedIn, and an EMAIL list
  item's attachmentIds, only in lists. The reply answers leave out the latter's aspects, keyWords and sentiment,
  which the reply schemas do not declare.
- Lists run newest first unless `sortBy=sendDateTime` (the vendor's spec); drafts are listed.
"""

from __future__ import annotations

from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.errors import invalid_data, not_found, unprocessable
from sandbox.listing import page
from sandbox.params import PAGING, Id, Sort
from sandbox.records import agent_author, file_ref, new_thread, summarize
from sandbox.records.common import API_ROOT
from sandbox.records.vendor_fields import author_extras, thread_extras
from sandbox.resources.body_fields import Boolean, Field, IdList, OneOf, Text, body_object, read_fields
from sandbox.resources.ticket_children import path_child, path_ticket
from sandbox.resources.tickets import READ, TICKET_FIELDS, UPDATE
from sandbox.resources.uploads import take_uploads
from sandbox.state import Org, Record, public

REPLY_CHANNELS = ("EMAIL", "FACEBOOK", "TWITTER", "FORUMS")
EMAIL_ONLY_FIELDS = ("to", "cc", "bcc", "isForward")
LIST_HIDDEN_FIELDS = ("content", "attachments")
LIST_ONLY_FIELDS = ("lastRatingIconURL", "respondedIn", "attachmentIds")
READ_ONLY_THREAD_FIELDS = ("aspects", "keyWords", "sentiment")  # shown by GET, not by the reply answers
SENT_STATUS, QUEUED_STATUS, DRAFT_STATUS = "SUCCESS", "PENDING", "DRAFT"

REPLY_FIELDS: dict[str, Field] = {
    "channel": OneOf(nullable=False, values=REPLY_CHANNELS),
    "content": Text(nullable=False),
    "contentType": OneOf(values=("html", "plainText", "text/html")),
    "fromEmailAddress": Text(max_length=300),
    "to": Text(max_length=13000),
    "cc": Text(max_length=13000),
    "bcc": Text(max_length=13000),
    "isForward": Boolean(),
    "attachmentIds": IdList(),
    "inReplyToThreadId": Text(),
}
SEND_FIELDS: dict[str, Field] = {**REPLY_FIELDS, "ticketStatus": TICKET_FIELDS["status"]}


def _shown(org: Org, thread: Record) -> Record:
    """A thread with the vendor's always-present fields (records/vendor_fields.py: attachmentCount, canReply,
    contentType, isDescriptionThread, respondedIn, source...)."""
    view = {**thread_extras(org, thread), **public(thread)}
    view["author"] = {**author_extras(org, thread), **(view.get("author") or {})}
    if view["channel"] != "EMAIL":
        for name in EMAIL_ONLY_FIELDS:
            view.pop(name, None)
        if view.get("fromEmailAddress") is None:
            view.pop("fromEmailAddress", None)
    return view


def thread_view(org: Org, thread: Record) -> Record:
    """One thread, as GET answers it (the reply endpoints: reply_view)."""
    view = _shown(org, thread)
    for name in LIST_ONLY_FIELDS:
        view.pop(name, None)
    return view | {"attachments": view.get("attachments") or []}


def reply_view(org: Org, thread: Record) -> Record:
    """One thread as the reply and draft endpoints answer it: the vendor's reply answers (Thread.json's
    emailThreadResponseJson and the other channels') declare no aspects, keyWords or sentiment, which its one
    thread (GET) adds; the seed's reply examples show none of them."""
    view = thread_view(org, thread)
    for name in READ_ONLY_THREAD_FIELDS:
        view.pop(name, None)
    return view


def thread_list_item(org: Org, thread: Record) -> Record:
    view = _shown(org, thread)
    for name in LIST_HIDDEN_FIELDS:
        view.pop(name, None)
    return view


def _check_keys(body: dict[str, Any], spec: dict[str, Field]) -> None:
    unknown = [name for name in body if name not in spec]
    if unknown:
        raise invalid_data(*((name, "invalid") for name in unknown))


def _check_sender(org: Org, fields: dict[str, Any], channel: str) -> None:
    """An EMAIL reply goes out from an active reply address of the org."""
    address = fields.get("fromEmailAddress")
    if channel != "EMAIL":
        return
    if not address:
        raise invalid_data(("fromEmailAddress", "missing"))
    active = {item["address"].lower() for item in org.mail_reply_addresses.values() if item.get("isActive")}
    if address.strip().lower() not in active:
        raise invalid_data(("fromEmailAddress", "invalid"))


def _read_reply(call: Call, ticket: Record, spec: dict[str, Field], required: tuple[str, ...]) -> dict[str, Any]:
    body = body_object(call.body)
    _check_keys(body, spec)
    fields = read_fields(call.org, body, spec, required)
    reply_to = fields.get("inReplyToThreadId")
    if reply_to is not None and call.org.threads.get(reply_to, {}).get("_ticketId") != ticket["id"]:
        raise invalid_data(("inReplyToThreadId", "invalid"))
    if "attachmentIds" in fields:  # absent: an edit keeps the draft's attachments
        fields["uploads"] = take_uploads(call.org, fields.pop("attachmentIds") or [])
    return fields


def _new_reply(call: Call, ticket: Record, fields: dict[str, Any], *, draft: bool) -> Record:
    _check_sender(call.org, fields, fields["channel"])
    agent = call.agent
    to = fields.get("to") or (ticket.get("email") if fields["channel"] == "EMAIL" else None)
    thread = new_thread(
        call.org,
        ticket["id"],
        direction="out",
        channel=fields["channel"],
        content=fields["content"],
        author=agent_author(agent),
        responderId=agent["id"],
        uploads=fields.get("uploads") or (),
        fromEmailAddress=fields.get("fromEmailAddress"),
        to=to,
        cc=fields.get("cc") or "",
        bcc=fields.get("bcc") or "",
        isForward=bool(fields.get("isForward")),
        contentType=fields.get("contentType") or "plainText",
        isDraft=draft,
    )
    call.org.add_child("threads", ticket["id"], thread)
    return thread


# handlers -------------------------------------------------------------------------------------------
def get_thread(call: Call) -> Reply:
    _, thread = path_child(call, "threads", "thread_id")
    return ok(thread_view(call.org, thread))


def list_threads(call: Call) -> Reply:
    ticket = path_ticket(call)
    _, descending = call.query.get("sortBy", ("sendDateTime", True))
    threads = call.org.children("threads", ticket["id"])  # oldest first; ties keep the order of creation
    threads = sorted(threads[::-1] if descending else threads, key=lambda item: item["createdTime"], reverse=descending)
    return listing([thread_list_item(call.org, thread) for thread in page(threads, call.query)])


def send_reply(call: Call) -> Reply:
    org = call.org
    ticket = path_ticket(call)
    fields = _read_reply(call, ticket, SEND_FIELDS, ("channel", "content"))
    thread = _new_reply(call, ticket, fields, draft=False)
    thread["status"] = QUEUED_STATUS
    answer = reply_view(call.org, thread)
    thread["status"] = SENT_STATUS
    if fields.get("ticketStatus"):
        org.set_status(ticket, fields["ticketStatus"])
    org.touch(ticket)
    return ok(answer)


def draft_reply(call: Call) -> Reply:
    ticket = path_ticket(call)
    fields = _read_reply(call, ticket, REPLY_FIELDS, ("channel", "content"))
    return ok(reply_view(call.org, _new_reply(call, ticket, fields, draft=True)))


def _draft(call: Call) -> tuple[Record, Record]:
    ticket, thread = path_child(call, "threads", "thread_id")
    if thread["status"] != DRAFT_STATUS:
        raise unprocessable("Only a draft thread can be changed.")
    return ticket, thread


def update_draft(call: Call) -> Reply:
    ticket, thread = _draft(call)
    fields = _read_reply(call, ticket, REPLY_FIELDS, ())
    if fields.get("channel", thread["channel"]) != thread["channel"]:
        raise invalid_data(("channel", "invalid"))
    if "fromEmailAddress" in fields:
        _check_sender(call.org, fields, thread["channel"])
    if "content" in fields:
        thread["content"], thread["summary"] = fields["content"], summarize(fields["content"])
    for name in ("fromEmailAddress", "to", "cc", "bcc"):
        if name in fields:
            thread[name] = fields[name] or ("" if name in ("cc", "bcc") else None)
    if "isForward" in fields:
        thread["isForward"] = bool(fields["isForward"])
    if "contentType" in fields:
        thread["_contentType"] = fields["contentType"] or "plainText"
    if "uploads" in fields:
        thread["attachments"] = [_file_of(ticket, thread, upload) for upload in fields["uploads"]]
        thread["hasAttach"] = bool(thread["attachments"])
    return ok(reply_view(call.org, thread))


def _file_of(ticket: Record, thread: Record, upload: Record) -> Record:
    path = f"/tickets/{ticket['id']}/threads/{thread['id']}/attachments/{upload['id']}/content"
    return file_ref(upload, API_ROOT + path)


def delete_draft_attachment(call: Call) -> Reply:
    _, thread = _draft(call)
    kept = [item for item in thread["attachments"] if item["id"] != call.path["attachment_id"]]
    if len(kept) == len(thread["attachments"]):
        raise not_found()
    thread["attachments"], thread["hasAttach"] = kept, bool(kept)
    return Reply(200)


THREAD = "/tickets/{ticket_id:id}/threads/{thread_id:id}"
# The vendor's spec lets a reply name the conversation it answers; threads here form one conversation per ticket.
REPLY_PARAMS = {"parentConversationId": Id()}

ENDPOINTS = [
    Endpoint("GET", THREAD, get_thread, READ),
    Endpoint(
        "GET",
        "/tickets/{ticket_id:id}/threads",
        list_threads,
        READ,
        params={**PAGING, "sortBy": Sort(("sendDateTime",))},
    ),
    Endpoint("POST", "/tickets/{ticket_id:id}/sendReply", send_reply, UPDATE, params=REPLY_PARAMS, body="json"),
    Endpoint("POST", "/tickets/{ticket_id:id}/draftReply", draft_reply, UPDATE, params=REPLY_PARAMS, body="json"),
    Endpoint("PATCH", "/tickets/{ticket_id:id}/draftReply/{thread_id:id}", update_draft, UPDATE, body="json"),
    Endpoint("DELETE", THREAD + "/attachments/{attachment_id:id}", delete_draft_attachment, UPDATE),
]
