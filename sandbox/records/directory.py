"""The people and the set-up around tickets: contacts, accounts, agents, departments, contracts, reply addresses
and the organisation's profile. Field sets follow the seed's examples exactly (see tests/unit/sandbox)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sandbox.records.common import PORTAL_ROOT, stamp
from sandbox.state import Org, Record

CONTACT_CUSTOM_FIELDS: dict[str, Any] = {"permanentAddress": None, "lastContactedOn": None}
ACCOUNT_CUSTOM_FIELDS: dict[str, Any] = {"contactCount": None}
NO_HAPPINESS = {"badPercentage": "0", "okPercentage": "0", "goodPercentage": "0"}
LOGO_URL = "https://img.zohostatic.com/support/1284527/images/portalLogo.png"
FIRST_CONTRACT_NUMBER = 101


def new_contact(
    org: Org,
    *,
    lastName: str,
    firstName: str | None = None,
    email: str | None = None,
    secondaryEmail: str | None = None,
    phone: str | None = None,
    mobile: str | None = None,
    accountId: str | None = None,
    ownerId: str | None = None,
    type: str | None = None,  # noqa: A002 (API name)
    title: str | None = None,
    description: str | None = None,
    street: str | None = None,
    city: str | None = None,
    state: str | None = None,
    zip: str | None = None,  # noqa: A002 (API name)
    country: str | None = None,
    facebook: str | None = None,
    twitter: str | None = None,
    customFields: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Record:
    """A contact. The seed's "<brand>Contact" key is the Desk's `zohoCRMContact` (the CRM link, null here)."""
    created = stamp(org, at)
    return {
        "id": org.new_id(),
        "firstName": firstName,
        "lastName": lastName,
        "email": email,
        "secondaryEmail": secondaryEmail,
        "phone": phone,
        "mobile": mobile,
        "accountId": accountId or None,
        "ownerId": ownerId,
        "type": type,
        "title": title,
        "description": description,
        "street": street,
        "city": city,
        "state": state,
        "zip": zip,
        "country": country,
        "facebook": facebook,
        "twitter": twitter,
        "customFields": {**CONTACT_CUSTOM_FIELDS, **(customFields or {})},
        "photoURL": None,
        "zohoCRMContact": None,
        "customerHappiness": dict(NO_HAPPINESS),
        "isDeleted": False,
        "createdTime": created,
        "modifiedTime": created,
    }


def new_account(
    org: Org,
    *,
    accountName: str,
    email: str | None = None,
    website: str | None = None,
    fax: str | None = None,
    ownerId: str | None = None,
    associatedSLAIds: Sequence[str] = (),
    industry: str | None = None,
    city: str | None = None,
    country: str | None = None,
    state: str | None = None,
    street: str | None = None,
    code: str | None = None,
    description: str | None = None,
    phone: str | None = None,
    annualrevenue: Any = None,
    customFields: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Record:
    """An account. associatedSLAIds are kept as strings (the example prints bare numbers; ids are strings)."""
    created = stamp(org, at)
    return {
        "id": org.new_id(),
        "accountName": accountName,
        "email": email,
        "website": website,
        "fax": fax,
        "ownerId": ownerId,
        "associatedSLAIds": [str(sla) for sla in associatedSLAIds],
        "industry": industry,
        "city": city,
        "country": country,
        "state": state,
        "street": street,
        "code": code,
        "description": description,
        "phone": phone,
        "annualrevenue": annualrevenue,
        "customFields": {**ACCOUNT_CUSTOM_FIELDS, **(customFields or {})},
        "createdTime": created,
        "modifiedTime": created,
    }


def new_agent(
    org: Org,
    *,
    lastName: str,
    emailId: str,
    firstName: str = "",
    zuid: str | None = None,
    associatedDepartmentIds: Sequence[str] = (),
    associatedChatDepartmentIds: Sequence[str] = (),
    status: str = "ACTIVE",
    roleId: str | None = None,
    profileId: str | None = None,
    phone: str = "",
    mobile: str = "",
    extn: str = "",
    langCode: str = "en_US",
    countryCode: str = "en_US",
    isConfirmed: bool = True,
    photoURL: str | None = None,
    roleName: str | None = None,
    profileName: str | None = None,
) -> Record:
    """An agent. Role and profile names are kept internally for `include=role,profile` embeds."""
    return {
        "id": org.new_id(),
        "zuid": zuid,
        "firstName": firstName,
        "lastName": lastName,
        "emailId": emailId,
        "status": status,
        "associatedDepartmentIds": list(associatedDepartmentIds),
        "associatedChatDepartmentIds": list(associatedChatDepartmentIds),
        "roleId": roleId,
        "profileId": profileId,
        "phone": phone,
        "mobile": mobile,
        "extn": extn,
        "langCode": langCode,
        "countryCode": countryCode,
        "isConfirmed": isConfirmed,
        "photoURL": photoURL,
        "_roleName": roleName,
        "_profileName": profileName,
    }


def new_department(
    org: Org,
    *,
    name: str,
    creatorId: str | None = None,
    description: str | None = None,
    associatedAgentIds: Sequence[str] = (),
    isDefault: bool = False,
    isEnabled: bool = True,
    isVisibleInCustomerPortal: bool = True,
    hasLogo: bool = False,
    nameInCustomerPortal: str | None = None,
) -> Record:
    """A department (`isDefault` comes from the list example)."""
    return {
        "id": org.new_id(),
        "name": name,
        "nameInCustomerPortal": nameInCustomerPortal or name,
        "description": description,
        "creatorId": creatorId,
        "associatedAgentIds": list(associatedAgentIds),
        "isDefault": isDefault,
        "isEnabled": isEnabled,
        "isVisibleInCustomerPortal": isVisibleInCustomerPortal,
        "hasLogo": hasLogo,
    }


def new_contract(
    org: Org,
    *,
    contractName: str,
    accountId: str,
    departmentId: str,
    startDate: str,
    endDate: str,
    ownerId: str | None = None,
    createdBy: str | None = None,
    productId: str | None = None,
    associatedSLAId: str | None = None,
    notifyBefore: Any = None,
    notificationAgentIds: Sequence[str] = (),
    description: str | None = None,
    customFields: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Record:
    """A contract: dates are "YYYY-MM-DD"; notifyOn = endDate - notifyBefore days; hasExpired from endDate."""
    created = stamp(org, at)
    notify_on = None
    if notifyBefore not in (None, ""):
        notify_on = (date.fromisoformat(endDate) - timedelta(days=int(notifyBefore))).isoformat()
    expired = date.fromisoformat(endDate) < org.now().date()
    return {
        "id": org.new_id(),
        "contractNumber": str(FIRST_CONTRACT_NUMBER + len(org.contracts)),
        "contractName": contractName,
        "accountId": accountId,
        "departmentId": departmentId,
        "productId": productId,
        "associatedSLAId": associatedSLAId,
        "startDate": startDate,
        "endDate": endDate,
        "notifyBefore": None if notify_on is None else str(int(notifyBefore)),
        "notifyOn": notify_on,
        "notificationAgentIds": list(notificationAgentIds),
        "ownerId": ownerId,
        "description": description,
        "customFields": {"hasExpired": "true" if expired else "false", **(customFields or {})},
        "createdBy": createdBy,
        "modifiedBy": createdBy,
        "createdTime": created,
        "modifiedTime": created,
    }


def new_mail_reply_address(
    org: Org,
    *,
    address: str,
    departmentId: str,
    displayName: str | None = None,
    isActive: bool = True,
) -> Record:
    return {
        "id": org.new_id(),
        "address": address,
        "displayName": displayName,
        "departmentId": departmentId,
        "isActive": isActive,
    }


def new_organization_profile(
    *,
    id: str,  # noqa: A002 (API name)
    companyName: str,
    organizationName: str,
    phoneNumber: str | None = None,
    isAdminInOrg: bool = True,
    isDefault: bool = False,
    logoURL: str | None = LOGO_URL,
) -> Record:
    """An organisation's profile (`organizationName` is the portal name: lower-case letters and digits)."""
    return {
        "id": str(id),
        "companyName": companyName,
        "organizationName": organizationName,
        "phoneNumber": phoneNumber,
        "portalURL": f"{PORTAL_ROOT}/{organizationName}/ShowHomePage.do",
        "logoURL": logoURL,
        "isAdminInOrg": isAdminInOrg,
        "isDefault": isDefault,
    }
