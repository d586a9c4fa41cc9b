"""The people a Desk knows: contacts, the accounts they belong to, and agents."""

from __future__ import annotations

from typing import Any

from worker.desk.models.common import (
    AccountRef,
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
    cf: dict[str, Any] | None = None  # the custom values by api name
    layoutId: OptId = None
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
    cf: dict[str, Any] | None = None


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
    cf: dict[str, Any] | None = None  # the custom values by api name
    layoutId: OptId = None
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
    cf: dict[str, Any] | None = None


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
    rolePermissionType: str | None = None  # Admin, AgentPublic, Light, Custom...
