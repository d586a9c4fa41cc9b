"""What the contacts, accounts, directory and search tests share: the seed examples' key sets, 422 field errors."""

from __future__ import annotations

import httpx

# Key sets of the seed's examples (desk-api-v1.zh.txt); the brand's CRM link key is the Desk's `zohoCRMContact`.
CONTACT_KEYS = {
    "lastName",
    "modifiedTime",
    "country",
    "secondaryEmail",
    "city",
    "customFields",
    "description",
    "ownerId",
    "type",
    "title",
    "photoURL",
    "twitter",
    "isDeleted",
    "street",
    "createdTime",
    "zohoCRMContact",
    "customerHappiness",
    "state",
    "id",
    "email",
    "zip",
    "facebook",
    "mobile",
    "accountId",
    "firstName",
    "phone",
}
CONTACT_LIST_KEYS = {
    "lastName",
    "accountId",
    "firstName",
    "photoURL",
    "secondaryEmail",
    "phone",
    "zohoCRMContact",
    "id",
    "customerHappiness",
    "ownerId",
    "type",
    "email",
}
ACCOUNT_KEYS = {
    "country",
    "modifiedTime",
    "website",
    "code",
    "accountName",
    "city",
    "associatedSLAIds",
    "customFields",
    "description",
    "industry",
    "ownerId",
    "phone",
    "street",
    "annualrevenue",
    "createdTime",
    "state",
    "id",
    "fax",
    "email",
}
ACCOUNT_LIST_KEYS = {"website", "accountName", "phone", "id", "email"}
CUSTOMER_TICKET_KEYS = {  # GET /contacts/{id}/tickets and /accounts/{id}/tickets
    "ticketNumber",
    "customerResponseTime",
    "statusType",
    "productId",
    "contactId",
    "subject",
    "dueDate",
    "departmentId",
    "channel",
    "threadCount",
    "lastThread",
    "priority",
    "assigneeId",
    "closedTime",
    "commentCount",
    "phone",
    "webUrl",
    "createdTime",
    "id",
    "email",
    "status",
}
ATTACHMENT_KEYS = {"size", "creatorId", "name", "createdTime", "isPublic", "id", "href", "previewurl"}
OWNER_KEYS = {"firstName", "lastName", "id"}


def invalid_fields(answer: httpx.Response) -> dict[str, str]:
    """{fieldName: errorType} of a 422 INVALID_DATA answer."""
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["errorCode"] == "INVALID_DATA"
    return {error["fieldName"]: error["errorType"] for error in body["errors"]}
