"""Pydantic models of what the Desk sends and what it expects.

Reading (`DeskModel`): accept what the Desk sends. Ids and counts often come as strings ("1892000000042034", "121")
and sometimes as numbers; ids are always kept as str, counts become int; booleans may be "true"/"false";
timestamps are ISO-8601 UTC ("2016-06-21T13:16:14.000Z"); an empty string where a timestamp or number is expected
is read as None. Unknown fields are ignored (the Desk adds fields and hides others by field-level security);
every documented field is optional and None when missing, except `id`.

Attribute names are the Desk's own (camelCase), so rules and logs speak the Desk's vocabulary.

Writing (`DeskInput`): only the fields the caller set are sent (`exclude_unset`), so a PATCH changes exactly
those fields. Inputs allow extra fields, passed through unchanged, because the Desk's fields are dynamic
(layouts, custom modules); custom fields go in `customFields`.

Modules: common (field types, DeskModel / DeskInput, small references, SearchPage), tickets (tickets and time
entries), threads (threads, comments, attachments, uploads), people (contacts, accounts, agents), tasks, and
organization (the org, departments, contracts, mail reply addresses). Import from here: `worker.desk.models`.
"""

from __future__ import annotations

from worker.desk.models.common import (
    AccountRef,
    Action,
    AttachmentRef,
    Author,
    ContactRef,
    Count,
    CustomFields,
    Day,
    DeskInput,
    DeskModel,
    Flag,
    Id,
    Ids,
    Money,
    NamedRef,
    OptId,
    SearchPage,
    Timestamp,
    body_of,
)
from worker.desk.models.history import AccountContract, Actor, HistoryEvent, HistoryItem
from worker.desk.models.organization import (
    Contract,
    Department,
    MailReplyAddress,
    Organization,
)
from worker.desk.models.people import (
    Account,
    AccountInput,
    Agent,
    Contact,
    ContactInput,
)
from worker.desk.models.tasks import (
    Task,
    TaskInput,
    TaskTicketRef,
)
from worker.desk.models.threads import (
    Attachment,
    Comment,
    CommentInput,
    CommentUpdate,
    DraftUpdate,
    ReplyInput,
    Thread,
    Upload,
)
from worker.desk.models.tickets import (
    Ticket,
    TicketCreate,
    TicketUpdate,
    TimeEntry,
    TimeEntryInput,
)

__all__ = [
    "Account",
    "AccountContract",
    "AccountInput",
    "AccountRef",
    "Action",
    "Actor",
    "Agent",
    "Attachment",
    "AttachmentRef",
    "Author",
    "Comment",
    "CommentInput",
    "CommentUpdate",
    "Contact",
    "ContactInput",
    "ContactRef",
    "Contract",
    "Count",
    "CustomFields",
    "Day",
    "Department",
    "DeskInput",
    "DeskModel",
    "DraftUpdate",
    "Flag",
    "HistoryEvent",
    "HistoryItem",
    "Id",
    "Ids",
    "MailReplyAddress",
    "Money",
    "NamedRef",
    "OptId",
    "Organization",
    "ReplyInput",
    "SearchPage",
    "Task",
    "TaskInput",
    "TaskTicketRef",
    "Thread",
    "Ticket",
    "TicketCreate",
    "TicketUpdate",
    "TimeEntry",
    "TimeEntryInput",
    "Timestamp",
    "Upload",
    "body_of",
]
