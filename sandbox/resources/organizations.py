"""GET /organizations and /organizations/{id}: the orgs the token's user belongs to (no orgId header)."""

from __future__ import annotations

from collections.abc import Collection

from sandbox.api import Call, Endpoint, Reply, listing, ok
from sandbox.errors import not_found
from sandbox.records.vendor_fields import organization_extras
from sandbox.state import public

SCOPES = ("Desk.basic.READ",)


def list_organizations(call: Call) -> Reply:
    orgs = call.sandbox.desk.orgs
    return listing([public(orgs[org_id].profile) for org_id in orgs if org_id in _granted(call)])


def get_organization(call: Call) -> Reply:
    """One organisation's `id` is a number, as the seed's example shows it (its list shows strings); besides the
    seed's fields it shows the vendor's (records/vendor_fields.py: address, currency, edition...)."""
    org = call.sandbox.desk.org(call.path["organization_id"])
    if org is None or org.id not in _granted(call):
        raise not_found()
    return ok({**organization_extras(org), **public(org.profile), "id": int(org.id)})


ENDPOINTS = [
    Endpoint("GET", "/organizations", list_organizations, SCOPES, needs_org=False),
    Endpoint("GET", "/organizations/{organization_id:id}", get_organization, SCOPES, needs_org=False),
]


def _granted(call: Call) -> Collection[str]:
    """The org ids the call's token was granted (none without a token: the API checks one before any handler)."""
    return call.token.grant.org_ids if call.token is not None else ()
