"""A ticket's history (GET /tickets/{id}/History) and the records fidelity v2's read endpoints answer: an
account's contracts with their status."""

from __future__ import annotations

from typing import Any

from worker.desk.models.common import DeskModel, Flag, OptId, Timestamp


class Actor(DeskModel):
    """Who did it: {id, name, type} with type Agent, Contact, System, Workflow, SLA..."""

    id: OptId = None
    name: str | None = None
    type: str | None = None


class HistoryItem(DeskModel):
    """One property of an event. A changed field's propertyType is ValueTransition and its propertyValue
    {"previousValue", "updatedValue"}; other items carry text."""

    propertyName: str | None = None
    propertyType: str | None = None
    propertyValue: Any = None
    systemProperty: Flag = None

    @property
    def transition(self) -> tuple[Any, Any] | None:
        """(previous, updated) of a ValueTransition item, else None."""
        value = self.propertyValue
        if self.propertyType != "ValueTransition" or not isinstance(value, dict):
            return None
        return value.get("previousValue"), value.get("updatedValue")


class HistoryEvent(DeskModel):
    eventName: str | None = None  # TicketCreated, TicketUpdated, ThreadAdded, CommentAdded...
    eventTime: Timestamp = None
    actor: Actor | None = None
    source: str | None = None
    eventInfo: list[HistoryItem] | None = None
    actorInfo: list[Any] | None = None

    def changes(self) -> dict[str, tuple[Any, Any]]:
        """The fields a TicketUpdated event changed: {name: (previous, updated)}."""
        found = {}
        for item in self.eventInfo or ():
            transition = item.transition
            if transition is not None and item.propertyName:
                found[item.propertyName] = transition
        return found


class AccountContract(DeskModel):
    """An item of GET /accounts/{id}/contracts; contractStatus is ACTIVE, EXPIRED or FUTURE."""

    id: OptId = None
    contractName: str | None = None
    contractNumber: str | None = None
    accountId: OptId = None
    departmentId: OptId = None
    associatedSLAId: OptId = None
    slaName: str | None = None
    startDate: str | None = None
    endDate: str | None = None
    contractStatus: str | None = None
