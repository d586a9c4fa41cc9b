"""What every Desk model shares: lenient field types for reading, the input base for writing, small references.

Reading (`DeskModel`): ids stay str, counts become int, "true"/"false" are booleans, an empty string where a
timestamp or number is expected is None, unknown fields are ignored. Writing (`DeskInput`): only the fields the
caller set are sent (`exclude_unset`); extra fields pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and value.strip() in ("", "null"):
        return None
    return value


def _to_id(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


Id = Annotated[str, BeforeValidator(_to_id)]
OptId = Annotated[str | None, BeforeValidator(_to_id)]
Ids = list[Id]
Count = Annotated[int | None, BeforeValidator(_blank_to_none)]
Money = Annotated[float | None, BeforeValidator(_blank_to_none)]
Timestamp = Annotated[datetime | None, BeforeValidator(_blank_to_none)]
Day = Annotated[date | None, BeforeValidator(_blank_to_none)]
Flag = Annotated[bool | None, BeforeValidator(_blank_to_none)]
# The seed documents customFields as a list but sends an object; accept either.
CustomFields = dict[str, Any] | list[Any] | None


class DeskModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, coerce_numbers_to_str=True)


class DeskInput(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    # Fields sent even when left at their default (the Desk requires them and the default is the usual value).
    always_sent: ClassVar[tuple[str, ...]] = ()

    def to_body(self) -> dict[str, Any]:
        body = self.model_dump(mode="json", exclude_unset=True, by_alias=True)
        for name in self.always_sent:
            body.setdefault(name, getattr(self, name))
        return body


def body_of(data: DeskInput | Mapping[str, Any] | None) -> dict[str, Any]:
    """A request body from an input model (only fields set) or a plain mapping (as given)."""
    if data is None:
        return {}
    if isinstance(data, DeskInput):
        return data.to_body()
    return dict(data)


# -- small shared shapes ------------------------------------------------------------------------------------------
class NamedRef(DeskModel):
    id: OptId = None
    name: str | None = None


class AccountRef(DeskModel):
    id: OptId = None
    accountName: str | None = None
    name: str | None = None  # cross-entity search writes the account's name as `name`
    website: str | None = None


class ContactRef(DeskModel):
    id: OptId = None
    firstName: str | None = None
    lastName: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    type: str | None = None
    accountId: OptId = None
    account: AccountRef | None = None


class Author(DeskModel):
    """A thread author or a commenter."""

    id: OptId = None
    name: str | None = None
    email: str | None = None
    type: str | None = None  # AGENT | END_USER
    photoURL: str | None = None


class AttachmentRef(DeskModel):
    id: Id
    name: str | None = None
    size: Count = None
    href: str | None = None


class Action(DeskModel):
    rel: str | None = None
    href: str | None = None
    method: str | None = None


# -- lists and searches ---------------------------------------------------------------------------------------------
T = TypeVar("T", bound=DeskModel)


class SearchPage(BaseModel, Generic[T]):
    """One page of a search: the items and the Desk's `count` (None when it did not send one)."""

    data: list[T] = Field(default_factory=list)
    count: Count = None
