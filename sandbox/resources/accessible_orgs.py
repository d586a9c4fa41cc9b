"""GET /accessibleOrganizations: every organisation the token can reach, in the vendor's full organisation shape.

From the vendor's spec (Organization.json, organizationListArray): it takes the orgId (header or query) like any
org call, needs Desk.basic.READ or Desk.settings.READ, and lists each org with every key of its schema (address,
currency, edition, portal and sandbox flags). Choices: the keys the sandbox has no value for are null; `edition`
is the org's plan in the spec's capitals (PROFESSIONAL); `portalName` its portal (the seed's organizationName,
which this shape does not have); the list is not paged (the spec has no paging here).
"""

from __future__ import annotations

from sandbox.api import Call, Endpoint, Reply, listing
from sandbox.records.vendor_fields import organization_extras
from sandbox.state import Org, Record, public

SCOPES = ("Desk.basic.READ", "Desk.settings.READ")


def accessible_view(org: Org) -> Record:
    profile = public(org.profile)
    profile.pop("organizationName")  # the seed's name of the portal: this shape calls it portalName
    return {**organization_extras(org), **profile}


def list_accessible(call: Call) -> Reply:
    granted = call.token.grant.org_ids if call.token is not None else frozenset()
    return listing([accessible_view(org) for org_id, org in call.sandbox.desk.orgs.items() if org_id in granted])


ENDPOINTS = [Endpoint("GET", "/accessibleOrganizations", list_accessible, SCOPES)]
