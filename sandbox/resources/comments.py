"""Ticket comments: POST, GET (list and one), PATCH and DELETE /tickets/{ticket_id}/comments[/{comment_id}].

@mentions are kept exactly as written (`zsu[@user:{zuid}]zsu`); `include=mentions` resolves them to agents and
`include=plainText` adds the text without markup (both from the vendor's spec). Uploads are attached by id
(attachmentIds). Every write moves the ticket's modifiedTime and keeps its commentCount (the child index).
Choices where the seed is silent: a create answers 200 (the vendor's spec), a delete 204 with no body;
`content` is required and `parentConversationId` must name a comment of the ticket (the vendor's spec);
`isPublic` defaults to false and, as the seed says it can only be set when commenting, a PATCH ignores it.
A comment shows the keys the vendor's commentResponse requires beyond the seed's: contentType, encodedContent and
impersonatedUser (null: no one impersonates in the sandbox) and the commenter's firstName, lastName, id and
roleName; `attachments` stays absent on a comment without any, as the seed shows it.
"""

from __future__ import annotations

import html
import re
from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.errors import invalid_data
from sandbox.listing import page, sort_records
from sandbox.params import PAGING, Id, Sort, include
from sandbox.records import agent_author, file_ref, full_name, new_comment
from sandbox.records.common import API_ROOT
from sandbox.records.tickets import MENTION
from sandbox.resources.body_fields import Boolean, IdList, OneOf, Text, read_fields
from sandbox.resources.ticket_children import delete_child, path_child, path_ticket
from sandbox.resources.uploads import take_uploads
from sandbox.state import Org, Record, public

READ = ("Desk.tickets.READ",)
UPDATE = ("Desk.tickets.UPDATE",)
CONTENT_LIMIT = 32000
CREATE_FIELDS = {
    "content": Text(max_length=CONTENT_LIMIT, nullable=False),
    "isPublic": Boolean(nullable=False),
    "attachmentIds": IdList(),
    "contentType": OneOf(values=("plainText", "html")),
}
UPDATE_FIELDS = {"content": CREATE_FIELDS["content"], "attachmentIds": IdList()}
INCLUDES = ("mentions", "plainText")
ONE_PARAMS = {"include": include(*INCLUDES)}
LIST_PARAMS = {**PAGING, "sortBy": Sort(fields=("commentedTime",)), **ONE_PARAMS}
TAGS = re.compile(r"<[^>]+>")


def _mentions(org: Org, content: str) -> list[Record]:
    """Each @mention of a known agent, where it sits in the content (offSet/length as the vendor's spec)."""
    agents = {agent.get("zuid"): agent for agent in org.agents.values()}
    found = []
    for match in MENTION.finditer(content or ""):
        agent = agents.get(match.group(1))
        if agent is not None:
            found.append(
                {
                    "id": agent["id"],
                    "name": full_name(agent.get("firstName"), agent.get("lastName")),
                    "type": "AGENT",
                    "offSet": str(match.start()),
                    "length": str(match.end() - match.start()),
                    "photoURL": agent_author(agent)["photoURL"],
                    "email": agent.get("emailId"),
                    "zuid": agent["zuid"],
                }
            )
    return found


def _commenter(org: Org, comment: Record) -> Record:
    """The seed's commenter card plus the names, id and role the vendor's commentResponse requires."""
    agent = org.agents.get(comment.get("commenterId") or "", {})
    names = {"firstName": agent.get("firstName"), "lastName": agent.get("lastName"), "roleName": agent.get("_roleName")}
    return {**comment["commenter"], "id": comment.get("commenterId"), **names}


def comment_view(org: Org, comment: Record, embeds: list[str]) -> Record:
    view = public(comment)
    view["commenter"] = _commenter(org, comment)
    view.update(contentType=comment.get("_contentType") or "plainText", encodedContent=None, impersonatedUser=None)
    if "mentions" in embeds:
        view["mention"] = _mentions(org, comment["content"])
    if "plainText" in embeds:
        text = comment["content"]
        view["plainText"] = html.unescape(TAGS.sub("", text)) if comment.get("_contentType") == "html" else text
    return view


def _attachments(ticket_id: str, comment_id: str, uploads: list[Record]) -> list[Record]:
    base = f"{API_ROOT}/tickets/{ticket_id}/comments/{comment_id}/attachments"
    return [file_ref(upload, f"{base}/{upload['id']}/content") for upload in uploads]


def create_comment(call: Call) -> Reply:
    ticket = path_ticket(call)
    values = read_fields(call.org, call.body, CREATE_FIELDS, required=("content",))
    uploads = take_uploads(call.org, values.get("attachmentIds") or [])
    parent = call.query.get("parentConversationId")
    if parent is not None and call.org.comments.get(parent, {}).get("_ticketId") != ticket["id"]:
        raise invalid_data(("parentConversationId", "invalid"))
    agent = call.agent
    comment = new_comment(
        call.org,
        ticket["id"],
        content=values["content"],
        commenterId=agent["id"],
        commenter=agent_author(agent),
        isPublic=values.get("isPublic", False),
        uploads=uploads,
    )
    comment["_contentType"] = values.get("contentType") or "plainText"
    call.org.add_child("comments", ticket["id"], comment)
    call.org.touch(ticket)
    return ok(comment_view(call.org, comment, []))


def list_comments(call: Call) -> Reply:
    """Oldest first unless `sortBy=-commentedTime`."""
    ticket = path_ticket(call)
    field_name, descending = call.query.get("sortBy", ("commentedTime", False))
    comments = sort_records(call.org.children("comments", ticket["id"]), field_name, descending)
    embeds = call.query.get("include", [])
    return listing([comment_view(call.org, comment, embeds) for comment in page(comments, call.query)])


def get_comment(call: Call) -> Reply:
    _, comment = path_child(call, "comments", "comment_id")
    return ok(comment_view(call.org, comment, call.query.get("include", [])))


def update_comment(call: Call) -> Reply:
    """New content (and, when given, attachments replacing the old ones); stamps the comment's modifiedTime."""
    ticket, comment = path_child(call, "comments", "comment_id")
    values: dict[str, Any] = read_fields(call.org, call.body, UPDATE_FIELDS, required=("content",))
    if "attachmentIds" in values:
        uploads = take_uploads(call.org, values["attachmentIds"] or [])
        comment.pop("attachments", None)
        if uploads:
            comment["attachments"] = _attachments(ticket["id"], comment["id"], uploads)
    comment["content"] = values["content"]
    comment["modifiedTime"] = call.now_text
    call.org.touch(ticket)
    return ok(comment_view(call.org, comment, []))


def delete_comment(call: Call) -> Reply:
    return delete_child(call, "comments", "comment_id")


COMMENTS = "/tickets/{ticket_id:id}/comments"
COMMENT = COMMENTS + "/{comment_id:id}"
ENDPOINTS = [
    Endpoint("POST", COMMENTS, create_comment, UPDATE, params={"parentConversationId": Id()}, body="json"),
    Endpoint("GET", COMMENTS, list_comments, READ, params=LIST_PARAMS),
    Endpoint("GET", COMMENT, get_comment, READ, params=ONE_PARAMS),
    Endpoint("PATCH", COMMENT, update_comment, UPDATE, body="json"),
    Endpoint("DELETE", COMMENT, delete_comment, UPDATE),
]
