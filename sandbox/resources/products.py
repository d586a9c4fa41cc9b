"""Products: GET /products and GET /products/{id} (Desk.settings.READ or Desk.products.READ).

From the vendor's spec (Product.json): the list takes departmentId (0: every department), ownerId, viewId,
include=owner, sortBy (productName, productCode, unitPrice, createdTime, modifiedTime; `-` descending), from and
limit 1..100; one product takes include=departments,owner.

One product shows the spec's productResponse keys (id, productName, productCode, productCategory, manufacturer,
unitPrice, description, departmentIds, ownerId, layoutId, layoutDetails, cf, customFields, isDeleted,
created/modified time and by); a list item the list example's (id, productName, productCode, unitPrice,
departmentIds, which the list's schema leaves out). The owner embed is {id, firstName, lastName, name, photoURL}
(the spec's), the departments embed [{id, name}].

Choices where the spec is silent: products have no layout in the sandbox (layoutId and layoutDetails null); viewId
is accepted and ignored (no views); an unknown product is 404; an empty list 204; lists run oldest first.
"""

from __future__ import annotations

from collections.abc import Collection

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.errors import not_found
from sandbox.listing import page, sort_records
from sandbox.params import PAGING, Id, Sort, include
from sandbox.records.common import full_name
from sandbox.state import Org, Record, public

SCOPES = ("Desk.settings.READ", "Desk.products.READ")
SORTS = ("productName", "productCode", "unitPrice", "createdTime", "modifiedTime")


LIST_KEYS = ("id", "productName", "productCode", "unitPrice", "departmentIds")


def _owner(org: Org, agent_id: str | None) -> Record | None:
    agent = org.agents.get(agent_id or "")
    if agent is None:
        return None
    keys = ("id", "firstName", "lastName", "photoURL")
    return {**{key: agent.get(key) for key in keys}, "name": full_name(agent.get("firstName"), agent.get("lastName"))}


def product_view(org: Org, product: Record, embeds: Collection[str], keys: Collection[str] = ()) -> Record:
    """The product (`keys`: only those), with the asked embeds."""
    view = {key: product.get(key) for key in keys} if keys else public(product)
    if "owner" in embeds:
        view["owner"] = _owner(org, product.get("ownerId"))
    if "departments" in embeds:
        ids = product.get("departmentIds", [])
        view["departments"] = [{"id": i, "name": org.departments[i]["name"]} for i in ids if i in org.departments]
    return view


def get_product(call: Call) -> Reply:
    product = call.org.products.get(call.path["product_id"])
    if product is None:
        raise not_found()
    return ok(product_view(call.org, product, call.query.get("include", ())))


def list_products(call: Call) -> Reply:
    query = call.query
    products = list(call.org.products.values())
    if query.get("departmentId", "0") != "0":
        products = [p for p in products if query["departmentId"] in p.get("departmentIds", [])]
    if "ownerId" in query:
        products = [p for p in products if p.get("ownerId") == query["ownerId"]]
    if "sortBy" in query:
        products = sort_records(products, *query["sortBy"])
    embeds = query.get("include", ())
    return listing([product_view(call.org, p, embeds, LIST_KEYS) for p in page(products, query)])


ENDPOINTS = [
    Endpoint(
        "GET",
        "/products",
        list_products,
        SCOPES,
        params={
            **PAGING,
            "departmentId": Id(),
            "ownerId": Id(),
            "viewId": Id(),
            "sortBy": Sort(SORTS),
            "include": include("owner"),
        },
    ),
    Endpoint(
        "GET",
        "/products/{product_id:id}",
        get_product,
        SCOPES,
        params={"include": include("departments", "owner")},
    ),
]
