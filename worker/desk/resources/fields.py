"""Field definitions of a module (GET /organizationFields?module=tickets; needs Desk.settings.READ): standard and
custom (`cf_*`) fields, with a picklist's allowedValues (the status and priority fields list the org's statuses
and priorities). The Desk sends each allowed value as {"value": ...} (the status field's with its statusType);
they are read as plain strings, in order."""

from __future__ import annotations

from typing import Any

from pydantic import field_validator

from worker.desk.models.common import DeskModel, OptId
from worker.desk.resources._base import Resource


class FieldDefinition(DeskModel):
    apiName: str
    displayLabel: str | None = None
    id: OptId = None
    type: str | None = None
    isCustomField: bool = False
    isMandatory: bool | None = None
    allowedValues: list[str] | None = None

    @field_validator("allowedValues", mode="before")
    @classmethod
    def _values(cls, value: Any) -> Any:
        """Objects with a `value` (the Desk's shape) or plain strings (layout sections show those) read as text."""
        if isinstance(value, list):
            return [str(item.get("value")) if isinstance(item, dict) else str(item) for item in value]
        return value


class FieldsResource(Resource):
    def list(self, module: str = "tickets", *, department_id: str | None = None) -> list[FieldDefinition]:
        return self._get_list(FieldDefinition, "/organizationFields", {"module": module, "departmentId": department_id})
