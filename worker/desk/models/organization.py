"""The organisation and how it is set up: departments, contracts (SLAs), mail reply addresses."""

from __future__ import annotations

from worker.desk.models.common import Count, CustomFields, Day, DeskModel, Flag, Id, OptId, Timestamp


class Organization(DeskModel):
    id: Id
    companyName: str | None = None
    organizationName: str | None = None
    phoneNumber: str | None = None
    isDefault: Flag = None
    isAdminInOrg: Flag = None
    portalURL: str | None = None
    logoURL: str | None = None
    portalName: str | None = None  # /accessibleOrganizations' name of the portal
    edition: str | None = None


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
