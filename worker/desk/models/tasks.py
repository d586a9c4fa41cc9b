"""Tasks, standalone or on a ticket."""

from __future__ import annotations

from typing import Any

from worker.desk.models.common import (
    ContactRef,
    CustomFields,
    DeskInput,
    DeskModel,
    Flag,
    Id,
    NamedRef,
    OptId,
    Timestamp,
)


class TaskTicketRef(DeskModel):
    id: OptId = None
    ticketNumber: str | None = None
    contact: ContactRef | None = None


class Task(DeskModel):
    id: Id
    subject: str | None = None
    departmentId: OptId = None
    ticketId: OptId = None
    ownerId: OptId = None
    creatorId: OptId = None
    category: str | None = None
    status: str | None = None
    priority: str | None = None
    description: str | None = None
    isCommented: Flag = None
    customFields: CustomFields = None
    dueDate: Timestamp = None
    completedTime: Timestamp = None
    createdTime: Timestamp = None
    modifiedTime: Timestamp = None
    ticket: TaskTicketRef | None = None
    assignee: dict[str, Any] | None = None
    department: NamedRef | None = None


class TaskInput(DeskInput):
    subject: str | None = None
    departmentId: str | None = None
    ticketId: str | None = None
    dueDate: str | None = None
    ownerId: str | None = None
    category: str | None = None
    status: str | None = None
    priority: str | None = None
    description: str | None = None
    customFields: dict[str, Any] | None = None
