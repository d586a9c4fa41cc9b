"""What the contacts, accounts, directory and search tests share: the seed examples' key sets, tokens with
chosen scopes, the write log, the sandbox clock."""
from __future__ import annotations

from typing import Any

import httpx

from tests.support.sandbox import SandboxProcess

REDIRECT_URI = "http://127.0.0.1/oauthgrant"

# Key sets of the seed's examples (desk-api-v1.zh.txt); the brand's CRM link key is the Desk's `zohoCRMContact`.
CONTACT_KEYS = {
    "lastName", "modifiedTime", "country", "secondaryEmail", "city", "customFields", "description", "ownerId", "type",
    "title", "photoURL", "twitter", "isDeleted", "street", "createdTime", "zohoCRMContact", "customerHappiness",
    "state", "id", "email", "zip", "facebook", "mobile", "accountId", "firstName", "phone",
}
CONTACT_LIST_KEYS = {
    "lastName", "accountId", "firstName", "photoURL", "secondaryEmail", "phone", "zohoCRMContact", "id",
    "customerHappiness", "ownerId", "type", "email",
}
ACCOUNT_KEYS = {
    "country", "modifiedTime", "website", "code", "accountName", "city", "associatedSLAIds", "customFields",
    "description", "industry", "ownerId", "phone", "street", "annualrevenue", "createdTime", "state", "id", "fax", "email",
}
ACCOUNT_LIST_KEYS = {"website", "accountName", "phone", "id", "email"}
CUSTOMER_TICKET_KEYS = {  # GET /contacts/{id}/tickets and /accounts/{id}/tickets
    "ticketNumber", "customerResponseTime", "statusType", "productId", "contactId", "subject", "dueDate",
    "departmentId", "channel", "threadCount", "lastThread", "priority", "assigneeId", "closedTime", "commentCount",
    "phone", "webUrl", "createdTime", "id", "email", "status",
}
ATTACHMENT_KEYS = {"size", "creatorId", "name", "createdTime", "isPublic", "id", "href"}
OWNER_KEYS = {"firstName", "lastName", "id"}


def scoped_token(desk: SandboxProcess, *scopes: str) -> str:
    """An access token granted only `scopes`, through the authorization-code flow as a client would get it."""
    redirect = httpx.get(f"{desk.accounts_url}/oauth/v2/auth", params={
        "response_type": "code", "client_id": desk.client_id, "scope": ",".join(scopes), "redirect_uri": REDIRECT_URI,
    })
    code = httpx.URL(redirect.headers["location"]).params["code"]
    answer = httpx.post(f"{desk.accounts_url}/oauth/v2/token", params={
        "grant_type": "authorization_code", "code": code, "client_id": desk.client_id,
        "client_secret": desk.client_secret, "redirect_uri": REDIRECT_URI,
    }).json()
    return answer["access_token"]


def writes_since(desk: SandboxProcess, seq: int = 0) -> list[dict[str, Any]]:
    return desk.control.get("/_sandbox/writes", params={"since": seq}).json()["data"]


def last_seq(desk: SandboxProcess) -> int:
    writes = writes_since(desk)
    return writes[-1]["seq"] if writes else 0


def advance(desk: SandboxProcess, seconds: float) -> None:
    assert desk.control.post("/_sandbox/clock/advance", json={"seconds": seconds}).status_code == 200


def invalid_fields(answer: httpx.Response) -> dict[str, str]:
    """{fieldName: errorType} of a 422 INVALID_DATA answer."""
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["errorCode"] == "INVALID_DATA"
    return {error["fieldName"]: error["errorType"] for error in body["errors"]}
