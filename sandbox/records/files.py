"""Files: attachments of tickets, contacts, accounts and tasks, and temporary uploads. Bytes are kept in
`_content`; `size` is their length as a string, as the examples show."""

from __future__ import annotations

from datetime import datetime, timedelta

from sandbox.records.common import API_ROOT, stamp
from sandbox.state import Org, Record

ATTACHMENT_PARENTS = frozenset({"tickets", "contacts", "accounts", "tasks"})
UPLOAD_LIFETIME = timedelta(hours=24)


def new_attachment(
    org: Org,
    parent: str,
    parent_id: str,
    *,
    name: str,
    creatorId: str,
    content: bytes = b"",
    isPublic: bool = False,
    at: datetime | None = None,
) -> Record:
    """An attachment of a ticket, contact, account or task (`parent` is the collection: "tickets", ...)."""
    if parent not in ATTACHMENT_PARENTS:
        raise ValueError(f"attachments belong to one of {sorted(ATTACHMENT_PARENTS)}, not {parent!r}")
    attachment_id = org.new_id()
    return {
        "id": attachment_id,
        "name": name,
        "size": str(len(content)),
        "creatorId": creatorId,
        "createdTime": stamp(org, at),
        "isPublic": bool(isPublic),
        "href": f"{API_ROOT}/{parent}/{parent_id}/attachments/{attachment_id}/content",
        "previewurl": None,  # the vendor's attachmentResponse requires it (so spelled); the sandbox renders no previews
        "_content": content,
    }


def new_upload(
    org: Org,
    *,
    name: str,
    creatorId: str,
    content: bytes = b"",
    isPublic: bool = False,
    at: datetime | None = None,
) -> Record:
    """A temporary upload (POST /uploads), usable by id in replies and comments for 24 hours (`_expiresAt`)."""
    upload_id = org.new_id()
    moment = at if at is not None else org.now()
    return {
        "id": upload_id,
        "name": name,
        "size": str(len(content)),
        "creatorId": creatorId,
        "createdTime": stamp(org, moment),
        "isPublic": bool(isPublic),
        "href": f"{API_ROOT}/uploads/{upload_id}/contents",
        "_content": content,
        "_expiresAt": moment + UPLOAD_LIFETIME,
    }
