"""Tickets, what they are created and updated with, and the time logged on them."""

from __future__ import annotations

from typing import Any

from worker.desk.models.common import (
    ContactRef,
    Count,
    CustomFields,
    DeskInput,
    DeskModel,
    Flag,
    Id,
    Money,
    NamedRef,
    OptId,
    Timestamp,
)


class Ticket(DeskModel):
    id: Id
    ticketNumber: str | None = None
    subject: str | None = None
    departmentId: OptId = None
    contactId: OptId = None
    productId: OptId = None
    assigneeId: OptId = None
    email: str | None = None
    phone: str | None = None
    description: str | None = None
    status: str | None = None
    statusType: str | None = None
    category: str | None = None
    subCategory: str | None = None
    resolution: str | None = None
    priority: str | None = None
    channel: str | None = None
    classification: str | None = None
    language: str | None = None
    webUrl: str | None = None
    customFields: CustomFields = None
    cf: dict[str, Any] | None = None  # the custom values by api name (cf_model_name)
    accountId: OptId = None
    layoutId: OptId = None
    channelCode: str | None = None
    isArchived: Flag = None
    isEscalated: Flag = None
    isTrashed: Flag = None
    tagCount: Count = None
    onholdTime: Timestamp = None
    dueDate: Timestamp = None
    responseDueDate: Timestamp = None
    createdTime: Timestamp = None
    modifiedTime: Timestamp = None
    closedTime: Timestamp = None
    customerResponseTime: Timestamp = None
    modifiedBy: OptId = None
    timeEntryCount: Count = None
    approvalCount: Count = None
    commentCount: Count = None
    attachmentCount: Count = None
    taskCount: Count = None
    threadCount: Count = None
    isDeleted: Flag = None
    isSpam: Flag = None
    isOverDue: Flag = None
    contact: ContactRef | None = None
    product: dict[str, Any] | None = None
    assignee: dict[str, Any] | None = None
    department: NamedRef | None = None
    lastThread: dict[str, Any] | None = None
    sharedDepartments: list[Any] | None = None


class _TicketFields(DeskInput):
    """What a ticket is written with: a create sends some of these, an update any of them."""

    subject: str | None = None
    departmentId: str | None = None
    contactId: str | None = None
    productId: str | None = None
    email: str | None = None
    phone: str | None = None
    description: str | None = None
    status: str | None = None
    assigneeId: str | None = None
    category: str | None = None
    subCategory: str | None = None
    resolution: str | None = None
    dueDate: str | None = None
    priority: str | None = None
    channel: str | None = None
    classification: str | None = None
    customFields: dict[str, Any] | None = None  # custom values by label
    cf: dict[str, Any] | None = None  # or by api name (cf_model_name)


class TicketCreate(_TicketFields):
    subject: str
    departmentId: str
    contact: dict[str, Any] | None = None  # a new contact by lastName / email, when contactId is not known
    uploads: list[str] | None = None


class TicketUpdate(_TicketFields):
    """Any of the fields: only those set are sent, so the PATCH changes exactly those."""


class TimeEntry(DeskModel):
    id: Id
    ticketId: OptId = None
    requestChargeType: str | None = None
    ownerId: OptId = None
    creatorId: OptId = None
    executedTime: Timestamp = None
    hoursSpent: Count = None
    minutesSpent: Count = None
    secondsSpent: Count = None
    agentCostPerHour: Money = None
    additionalCost: Money = None
    totalCost: Money = None
    description: str | None = None
    isBillable: Flag = None
    customFields: CustomFields = None
    createdTime: Timestamp = None
    modifiedTime: Timestamp = None
    createdBy: OptId = None
    modifiedBy: OptId = None
    owner: dict[str, Any] | None = None


class TimeEntryInput(DeskInput):
    hoursSpent: int | None = None
    minutesSpent: int | None = None
    secondsSpent: int | None = None
    executedTime: str | None = None
    ownerId: str | None = None
    requestChargeType: str | None = None
    description: str | None = None
    agentCostPerHour: float | None = None
    additionalCost: float | None = None
    isBillable: bool | None = None
    customFields: dict[str, Any] | None = None
