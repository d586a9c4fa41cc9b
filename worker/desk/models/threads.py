"""The conversation on a ticket: threads (replies, drafts), comments, attachments and uploads."""

from __future__ import annotations

from typing import ClassVar

from worker.desk.models.common import (
    Action,
    AttachmentRef,
    Author,
    Count,
    DeskInput,
    DeskModel,
    Flag,
    Id,
    OptId,
    Timestamp,
)


class Thread(DeskModel):
    id: Id
    channel: str | None = None
    status: str | None = None  # SUCCESS | PENDING | FAILED | DRAFT
    content: str | None = None
    contentType: str | None = None
    summary: str | None = None
    direction: str | None = None  # in | out
    visibility: str | None = None
    isForward: Flag = None
    hasAttach: Flag = None
    inReplyToThreadId: OptId = None
    responderId: OptId = None
    fromEmailAddress: str | None = None
    to: str | None = None
    cc: str | None = None
    bcc: str | None = None
    phoneno: str | None = None
    createdTime: Timestamp = None
    author: Author | None = None
    attachments: list[AttachmentRef] | None = None
    actions: list[Action] | None = None
    attachmentCount: Count = None
    canReply: Flag = None
    isDescriptionThread: Flag = None
    respondedIn: str | None = None  # an agent's reply: "HH:MM hrs" since the customer's message


class _MessageFields(DeskInput):
    """What a reply or a draft is written with."""

    channel: str | None = None
    content: str | None = None
    contentType: str | None = None  # html | plainText
    fromEmailAddress: str | None = None
    to: str | None = None
    cc: str | None = None
    bcc: str | None = None
    attachmentIds: list[str] | None = None


class ReplyInput(_MessageFields):
    """A reply (sendReply) or a draft (draftReply); fromEmailAddress must be one of the mail reply addresses."""

    always_sent: ClassVar[tuple[str, ...]] = ("channel",)
    channel: str = "EMAIL"
    content: str
    isForward: bool | None = None
    inReplyToThreadId: str | None = None


class DraftUpdate(_MessageFields):
    """Any of the fields: only those set are sent."""


# -- comments -------------------------------------------------------------------------------------------------------
class Comment(DeskModel):
    id: Id
    content: str | None = None
    contentType: str | None = None
    isPublic: Flag = None
    commenterId: OptId = None
    commentedTime: Timestamp = None
    modifiedTime: Timestamp = None
    commenter: Author | None = None
    attachments: list[AttachmentRef] | None = None


class CommentInput(DeskInput):
    """Mentions are written `zsu[@user:{zuid}]zsu` (an agent's zuid, not its id)."""

    content: str
    isPublic: bool | None = None
    contentType: str | None = None
    attachmentIds: list[str] | None = None


class CommentUpdate(DeskInput):
    content: str | None = None
    contentType: str | None = None
    attachmentIds: list[str] | None = None


# -- attachments and uploads ----------------------------------------------------------------------------------------
class Attachment(DeskModel):
    id: Id
    name: str | None = None
    size: Count = None
    creatorId: OptId = None
    createdTime: Timestamp = None
    isPublic: Flag = None
    href: str | None = None


class Upload(Attachment):
    """A temporary file (24 h) whose id can be passed as `attachmentIds` / `uploads`."""
