"""Organisations: /organizations (the only endpoints that need no orgId header) and /accessibleOrganizations."""

from __future__ import annotations

from worker.desk.models import Organization
from worker.desk.resources._base import Resource, seg


class OrganizationsResource(Resource):
    def get(self, organization_id: str) -> Organization:
        return self._get_one(Organization, f"/organizations/{seg(organization_id)}", org_scoped=False)

    def accessible(self) -> list[Organization]:
        """GET /accessibleOrganizations: the organisations this token reaches (an org call: it sends orgId)."""
        return self._get_list(Organization, "/accessibleOrganizations")

    def list(self) -> list[Organization]:
        """The organisations the token's user belongs to."""
        return self._get_list(Organization, "/organizations", org_scoped=False)
