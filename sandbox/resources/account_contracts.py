"""GET /accounts/{id}/contracts: an account's contracts, in the vendor's short shape with their status.

From the vendor's spec (Account.json, getContractsForAccountResponse): Desk.settings.READ; `contractStatus`
ACTIVE / EXPIRED / FUTURE, `departmentId`, `from`, `limit` 1..50 (default 50); each item has id, contractName,
contractNumber, accountId, departmentId, associatedSLAId, slaName, startDate, endDate and contractStatus.
Choices: the status follows from the dates and the sandbox clock's today (FUTURE before startDate, EXPIRED after
endDate); slaName is "<contract name> SLA" (the sandbox keeps no SLA records); an unknown account is 404; no
contract (after the filters) answers 204; oldest first.
"""

from __future__ import annotations

from datetime import date

from sandbox.api import Call, Endpoint, Reply, listing
from sandbox.errors import not_found
from sandbox.listing import page
from sandbox.params import FROM, Choice, Id, Integer
from sandbox.state import Record

SCOPES = ("Desk.settings.READ",)
STATUSES = ("ACTIVE", "EXPIRED", "FUTURE")


def contract_status(contract: Record, today: date) -> str:
    if today < date.fromisoformat(contract["startDate"]):
        return "FUTURE"
    return "EXPIRED" if today > date.fromisoformat(contract["endDate"]) else "ACTIVE"


def account_contract_item(contract: Record, today: date) -> Record:
    keys = ("id", "contractName", "contractNumber", "accountId", "departmentId", "associatedSLAId")
    return {
        **{key: contract.get(key) for key in keys},
        "slaName": f"{contract['contractName']} SLA" if contract.get("associatedSLAId") else None,
        "startDate": contract["startDate"],
        "endDate": contract["endDate"],
        "contractStatus": contract_status(contract, today),
    }


def account_contracts(call: Call) -> Reply:
    account_id = call.path["account_id"]
    if account_id not in call.org.accounts:
        raise not_found()
    today = call.org.now().date()
    items = [
        account_contract_item(contract, today)
        for contract in call.org.contracts.values()
        if contract.get("accountId") == account_id
    ]
    for key in ("contractStatus", "departmentId"):
        if key in call.query:
            items = [item for item in items if item[key] == call.query[key]]
    return listing(page(items, call.query, default_limit=50))


ENDPOINTS = [
    Endpoint(
        "GET",
        "/accounts/{account_id:id}/contracts",
        account_contracts,
        SCOPES,
        params={
            "contractStatus": Choice(STATUSES),
            "departmentId": Id(),
            "from": FROM,
            "limit": Integer(minimum=1, maximum=50),
        },
    )
]
