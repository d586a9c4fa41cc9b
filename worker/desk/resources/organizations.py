"""Organisations: the only endpoints that need no orgId header."""

from __future__ import annotations

from worker.desk.models import Organization
from worker.desk.resources._base import Resource, seg


class OrganizationsResource(Resource):
    def get(self, organization_id: str) -> Organization:
        return self._get_one(Organization, f"/organizations/{seg(organization_id)}", org_scoped=False)

    def list(self) -> list[Organization]:
        """The organisations the token's user belongs to."""
        return self._get_list(Organization, "/organizations", org_scoped=False)
