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
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Generic, Mapping, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and value.strip() in ("", "null"):
        return None
    return value


def _to_id(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


Id = Annotated[str, BeforeValidator(_to_id)]
OptId = Annotated[str | None, BeforeValidator(_to_id)]
Ids = list[Id]
Count = Annotated[int | None, BeforeValidator(_blank_to_none)]
Money = Annotated[float | None, BeforeValidator(_blank_to_none)]
Timestamp = Annotated[datetime | None, BeforeValidator(_blank_to_none)]
Day = Annotated[date | None, BeforeValidator(_blank_to_none)]
Flag = Annotated[bool | None, BeforeValidator(_blank_to_none)]
# The seed documents customFields as a list but sends an object; accept either.
CustomFields = dict[str, Any] | list[Any] | None


class DeskModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, coerce_numbers_to_str=True)


class DeskInput(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    # Fields sent even when left at their default (the Desk requires them and the default is the usual value).
    always_sent: ClassVar[tuple[str, ...]] = ()

    def to_body(self) -> dict[str, Any]:
        body = self.model_dump(mode="json", exclude_unset=True, by_alias=True)
        for name in self.always_sent:
            body.setdefault(name, getattr(self, name))
        return body


def body_of(data: DeskInput | Mapping[str, Any] | None) -> dict[str, Any]:
    """A request body from an input model (only fields set) or a plain mapping (as given)."""
    if data is None:
        return {}
    if isinstance(data, DeskInput):
        return data.to_body()
    return dict(data)


# -- small shared shapes ------------------------------------------------------------------------------------------
class NamedRef(DeskModel):
    id: OptId = None
    name: str | None = None


class AccountRef(DeskModel):
    id: OptId = None
    accountName: str | None = None
    name: str | None = None  # cross-entity search writes the account's name as `name`
    website: str | None = None


class ContactRef(DeskModel):
    id: OptId = None
    firstName: str | None = None
    lastName: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    type: str | None = None
    accountId: OptId = None
    account: AccountRef | None = None


class Author(DeskModel):
    """A thread author or a commenter."""

    id: OptId = None
    name: str | None = None
    email: str | None = None
    type: str | None = None  # AGENT | END_USER
    photoURL: str | None = None


class AttachmentRef(DeskModel):
    id: Id
    name: str | None = None
    size: Count = None
    href: str | None = None


class Action(DeskModel):
    rel: str | None = None
    href: str | None = None
    method: str | None = None


# -- organizations --------------------------------------------------------------------------------------------------
class Organization(DeskModel):
    id: Id
    companyName: str | None = None
    organizationName: str | None = None
    phoneNumber: str | None = None
    isDefault: Flag = None
    isAdminInOrg: Flag = None
    portalURL: str | None = None
    logoURL: str | None = None


# -- tickets --------------------------------------------------------------------------------------------------------
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
    customFields: dict[str, Any] | None = None


class TicketCreate(_TicketFields):
    subject: str
    departmentId: str
    contact: dict[str, Any] | None = None  # a new contact by lastName / email, when contactId is not known
    uploads: list[str] | None = None


class TicketUpdate(_TicketFields):
    """Any of the fields: only those set are sent, so the PATCH changes exactly those."""


# -- threads --------------------------------------------------------------------------------------------------------
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


# -- time entries ---------------------------------------------------------------------------------------------------
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


# -- contacts and accounts ------------------------------------------------------------------------------------------
class Contact(DeskModel):
    id: Id
    firstName: str | None = None
    lastName: str | None = None
    email: str | None = None
    secondaryEmail: str | None = None
    phone: str | None = None
    mobile: str | None = None
    facebook: str | None = None
    twitter: str | None = None
    city: str | None = None
    country: str | None = None
    state: str | None = None
    street: str | None = None
    zip: str | None = None
    description: str | None = None
    title: str | None = None
    type: str | None = None
    ownerId: OptId = None
    accountId: OptId = None
    account: AccountRef | None = None
    customFields: CustomFields = None
    customerHappiness: dict[str, Any] | None = None
    isDeleted: Flag = None
    photoURL: str | None = None
    createdTime: Timestamp = None
    modifiedTime: Timestamp = None


class ContactInput(DeskInput):
    lastName: str | None = None
    firstName: str | None = None
    email: str | None = None
    secondaryEmail: str | None = None
    phone: str | None = None
    mobile: str | None = None
    facebook: str | None = None
    twitter: str | None = None
    city: str | None = None
    country: str | None = None
    state: str | None = None
    street: str | None = None
    zip: str | None = None
    description: str | None = None
    title: str | None = None
    type: str | None = None
    ownerId: str | None = None
    accountId: str | None = None
    customFields: dict[str, Any] | None = None


class Account(DeskModel):
    id: Id
    accountName: str | None = None
    email: str | None = None
    website: str | None = None
    fax: str | None = None
    ownerId: OptId = None
    associatedSLAIds: list[Id] | None = None
    industry: str | None = None
    city: str | None = None
    country: str | None = None
    state: str | None = None
    street: str | None = None
    code: str | None = None
    description: str | None = None
    phone: str | None = None
    annualrevenue: Money = None
    customFields: CustomFields = None
    createdTime: Timestamp = None
    modifiedTime: Timestamp = None


class AccountInput(DeskInput):
    accountName: str | None = None
    email: str | None = None
    website: str | None = None
    fax: str | None = None
    ownerId: str | None = None
    associatedSLAIds: list[str] | None = None
    industry: str | None = None
    city: str | None = None
    country: str | None = None
    state: str | None = None
    street: str | None = None
    code: str | None = None
    description: str | None = None
    phone: str | None = None
    annualrevenue: float | None = None
    customFields: dict[str, Any] | None = None


# -- tasks ----------------------------------------------------------------------------------------------------------
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


# -- agents, departments, contracts, mail reply addresses -----------------------------------------------------------
class Agent(DeskModel):
    id: Id
    emailId: str | None = None
    status: str | None = None  # ACTIVE | DISABLED
    firstName: str | None = None
    lastName: str | None = None
    phone: str | None = None
    mobile: str | None = None
    extn: str | None = None
    zuid: OptId = None  # what @mentions use: zsu[@user:{zuid}]zsu
    roleId: OptId = None
    profileId: OptId = None
    photoURL: str | None = None
    isConfirmed: Flag = None
    countryCode: str | None = None
    langCode: str | None = None
    associatedDepartmentIds: list[Id] | None = None
    associatedChatDepartmentIds: list[Id] | None = None
    associatedDepartments: list[NamedRef] | None = None
    associatedChatDepartments: list[NamedRef] | None = None
    role: NamedRef | None = None
    profile: NamedRef | None = None


class Department(DeskModel):
    id: Id
    name: str | None = None
    nameInCustomerPortal: str | None = None
    description: str | None = None
    isVisibleInCustomerPortal: Flag = None
    isEnabled: Flag = None
    isDefault: Flag = None
    hasLogo: Flag = None
    creatorId: OptId = None
    associatedAgentIds: list[Id] | None = None


class Contract(DeskModel):
    id: Id
    contractName: str | None = None
    contractNumber: str | None = None
    associatedSLAId: OptId = None
    accountId: OptId = None
    departmentId: OptId = None
    productId: OptId = None
    ownerId: OptId = None
    notificationAgentIds: list[Id] | None = None
    notifyBefore: Count = None
    notifyOn: Day = None
    startDate: Day = None
    endDate: Day = None
    description: str | None = None
    customFields: CustomFields = None
    createdBy: OptId = None
    modifiedBy: OptId = None
    createdTime: Timestamp = None
    modifiedTime: Timestamp = None


class MailReplyAddress(DeskModel):
    id: Id
    address: str | None = None
    displayName: str | None = None
    departmentId: OptId = None
    isActive: Flag = None


# -- lists and searches ---------------------------------------------------------------------------------------------
T = TypeVar("T", bound=DeskModel)


class SearchPage(BaseModel, Generic[T]):
    """One page of a search: the items and the Desk's `count` (None when it did not send one)."""

    data: list[T] = Field(default_factory=list)
    count: Count = None

