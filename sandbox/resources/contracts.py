"""Contracts: GET /contracts/{contract_id} (the seed writes `{{contract_id}}`: a typo) and GET /contracts.

Filters: departmentId (the seed) / departmentIds (the vendor's spec), accountId, ownerId / ownerIds,
contractName (exact, `*` wildcard, comma any-of); `include=accounts,products,owner,departments`; `fields` keeps
only the named fields of each item (and its id); sortBy accountName, contractName, contractEndDate,
contractStartDate, createdTime, modifiedTime.
Choices where the seed is silent: `viewId` is accepted and ignored (no custom views: every view is "all
contracts"); an unknown name in `fields` is 422; lists run in creation order unless sorted; embeds follow the
vendor's spec: account {website, accountName, id}, product {id, productName}, owner {photoURL, name, id},
department {name, id}. One contract also shows what the vendor's getContractJson requires: those account, owner
and product cards, sla {id, name} (named "<contract name> SLA", as /accounts/{id}/contracts names it; no SLA
records), contractStatus (from the dates and the sandbox's today), and supportPlan, layoutId null and cf {}.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.embed import department_summary, product_summary
from sandbox.errors import not_found, unprocessable
from sandbox.listing import page, sort_records, value_matches
from sandbox.params import PAGING, Id, Ids, Param, Sort, Text, include
from sandbox.records import full_name
from sandbox.resources.account_contracts import contract_status
from sandbox.resources.customer_parts import account_summary
from sandbox.state import Org, Record, public

SCOPES = ("Desk.settings.READ",)
LIST_FIELDS = (  # the list example's field set
    "associatedSLAId",
    "accountId",
    "productId",
    "endDate",
    "departmentId",
    "contractName",
    "id",
    "ownerId",
    "startDate",
)
CONTRACT_FIELDS = frozenset(
    {  # the full record's fields: what `fields` may name
        *LIST_FIELDS,
        "contractNumber",
        "description",
        "notifyBefore",
        "notifyOn",
        "notificationAgentIds",
        "customFields",
        "createdBy",
        "modifiedBy",
        "createdTime",
        "modifiedTime",
    }
)
SORT_FIELDS = {
    "accountName": "accountName",
    "contractName": "contractName",
    "contractEndDate": "endDate",
    "contractStartDate": "startDate",
    "createdTime": "createdTime",
    "modifiedTime": "modifiedTime",
}


def _owner(org: Org, agent_id: str | None) -> Record | None:
    agent = org.agents.get(agent_id or "")
    if agent is None:
        return None
    name = full_name(agent.get("firstName"), agent.get("lastName"))
    return {"photoURL": agent.get("photoURL"), "name": name, "id": agent["id"]}


EMBEDS: dict[str, tuple[str, str, Callable[[Org, Any], Record | None]]] = {
    "accounts": ("account", "accountId", account_summary),
    "products": ("product", "productId", product_summary),
    "owner": ("owner", "ownerId", _owner),
    "departments": ("department", "departmentId", department_summary),
}


def _one_view(org: Org, contract: Record) -> Record:
    """One contract: the record plus the keys the vendor's getContractJson requires (embeds as the list's)."""
    sla_id = contract.get("associatedSLAId")
    return {
        **public(contract),
        "account": account_summary(org, contract.get("accountId")),
        "owner": _owner(org, contract.get("ownerId")),
        "product": product_summary(org, contract.get("productId")),
        "sla": {"id": sla_id, "name": f"{contract['contractName']} SLA"} if sla_id else None,
        "supportPlan": None,
        "contractStatus": contract_status(contract, org.now().date()),
        "cf": {},
        "layoutId": None,
    }


def get_contract(call: Call) -> Reply:
    contract = call.org.contracts.get(call.path["contract_id"])
    if contract is None:
        raise not_found()
    return ok(_one_view(call.org, contract))


def _keeps(contract: Record, query: dict[str, Any]) -> bool:
    departments = query.get("departmentIds", []) + ([query["departmentId"]] if "departmentId" in query else [])
    owners = query.get("ownerIds", []) + ([query["ownerId"]] if "ownerId" in query else [])
    return (
        (not departments or contract.get("departmentId") in departments)
        and (not owners or contract.get("ownerId") in owners)
        and ("accountId" not in query or contract.get("accountId") == query["accountId"])
        and ("contractName" not in query or value_matches(contract.get("contractName"), query["contractName"]))
    )


def _item(org: Org, contract: Record, query: dict[str, Any]) -> Record:
    names = query.get("fields") or LIST_FIELDS
    item = {name: contract.get(name) for name in names}
    item["id"] = contract["id"]
    if "fields" not in query:  # the vendor's list item requires it; `fields` names all an item shows
        item["contractStatus"] = contract_status(contract, org.now().date())
    for value in query.get("include", ()):
        key, id_field, summary = EMBEDS[value]
        item[key] = summary(org, contract.get(id_field))
    return item


def _sort_value(org: Org, contract: Record, sort_name: str) -> Any:
    """What a sortBy name reads: accountName is the account's; contractEndDate is endDate, and so on."""
    if sort_name == "accountName":
        return (org.accounts.get(contract.get("accountId") or "") or {}).get("accountName")
    return contract.get(SORT_FIELDS[sort_name])


def list_contracts(call: Call) -> Reply:
    org, query = call.org, call.query
    contracts = [contract for contract in org.contracts.values() if _keeps(contract, query)]
    if "sortBy" in query:
        field_name, descending = query["sortBy"]
        contracts = sort_records(
            contracts, field_name, descending, get=lambda record, name: _sort_value(org, record, name)
        )
    return listing([_item(org, contract, query) for contract in page(contracts, query)])


class FieldNames(Param):
    """`fields=contractName,endDate`: names of contract fields."""

    def parse(self, name: str, raw: str) -> list[str]:
        names = [part.strip() for part in raw.split(",") if part.strip()]
        if not names or any(field_name not in CONTRACT_FIELDS for field_name in names):
            raise unprocessable(f"The value passed for the '{name}' query parameter is invalid.")
        return names


LIST_PARAMS: dict[str, Param] = {
    **PAGING,
    "viewId": Id(),
    "departmentId": Id(),
    "departmentIds": Ids(),
    "accountId": Id(),
    "ownerId": Id(),
    "ownerIds": Ids(),
    "contractName": Text(),
    "fields": FieldNames(),
    "sortBy": Sort(fields=tuple(SORT_FIELDS)),
    "include": include(*EMBEDS),
}
ENDPOINTS = [
    Endpoint("GET", "/contracts", list_contracts, SCOPES, params=LIST_PARAMS),
    Endpoint("GET", "/contracts/{contract_id:id}", get_contract, SCOPES),
]
