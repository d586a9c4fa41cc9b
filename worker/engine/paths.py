"""Field paths into a ticket as the Desk returns it with include=contacts,products,assignee,departments.

A path is dot-separated: `priority`, `customFields.ModelName`, `cf.cf_model_name`, `contact.account.accountName`;
a number steps into a list (`secondaryContacts.0`). Getters are compiled once (at load) into small closures; a
missing key, an index past the end or a scalar on the way yields None.

`KNOWN_FIELDS` lists the paths a Desk ticket can have (the seed's examples plus the vendor's OpenAPI file, plus
the fields facts.py adds: text, the fetched contact and account, sla.METRIC.KEY); a
condition on any other path is an error (a typo such as `priorty` would never match). Anything under
`customFields.` or `cf.` (of the ticket, or of an embedded record: `contact.cf.cf_tier`) is the org's own field:
accepted offline, checked against the Desk by `rules check --desk` (names.py); a `cf.` key must still look like
a custom field's API name (`cf_...`), or it is a warning.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from worker.engine.activity import ACTIVITY_FIELDS

Getter = Callable[[Any], Any]

CUSTOM_FIELD_ROOTS = ("customFields", "cf")
CF_API_NAME = re.compile(r"cf_[A-Za-z0-9_]+")  # the Desk's API names of custom fields: cf_model_name

TICKET_FIELDS = (
    "id",
    "ticketNumber",
    "subject",
    "description",
    "status",
    "statusType",
    "priority",
    "channel",
    "channelCode",
    "category",
    "subCategory",
    "classification",
    "language",
    "resolution",
    "email",
    "phone",
    "webUrl",
    "departmentId",
    "assigneeId",
    "contactId",
    "productId",
    "accountId",
    "teamId",
    "layoutId",
    "slaId",
    "createdTime",
    "modifiedTime",
    "closedTime",
    "dueDate",
    "responseDueDate",
    "customerResponseTime",
    "onholdTime",
    "threadCount",
    "commentCount",
    "taskCount",
    "attachmentCount",
    "approvalCount",
    "timeEntryCount",
    "isDeleted",
    "isTrashed",
    "isArchived",
    "isSpam",
    "isEscalated",
    "isOverDue",
    "isResponseOverdue",
    "modifiedBy",
    "source",
    "sharedDepartments",
    "secondaryContacts",
    "entitySkills",
    "channelRelatedInfo",
    "layoutDetails",
    "tags",
    # embedded by include=contacts,products,assignee,departments
    "contact",
    "product",
    "assignee",
    "department",
    "team",
    # beyond the ticket (worker/engine/facts.py): subject and description as one text, the requester's account,
    # the SLA clocks
    "text",
    "account",
    "sla",
)
EMBEDDED_CONTACT = ("id", "firstName", "lastName", "email", "phone", "mobile", "type", "account")
FETCHED_CONTACT = (  # GET /contacts/{id}: read only when a rule names one of these (facts.py)
    "secondaryEmail",
    "facebook",
    "twitter",
    "city",
    "country",
    "state",
    "street",
    "zip",
    "description",
    "title",
    "ownerId",
    "accountId",
    "isDeleted",
    "photoURL",
    "createdTime",
    "modifiedTime",
)
ACCOUNT_FIELDS = (  # GET /accounts/{id}
    "id",
    "accountName",
    "email",
    "website",
    "fax",
    "ownerId",
    "industry",
    "city",
    "country",
    "state",
    "street",
    "code",
    "description",
    "phone",
    "annualrevenue",
    "createdTime",
    "modifiedTime",
)
SLA_KEYS = ("state", "remaining", "elapsed", "target", "breached", "due_at", "started_at", "level", "cycles")
NESTED_FIELDS = {
    "contact": EMBEDDED_CONTACT + FETCHED_CONTACT,
    "account": ACCOUNT_FIELDS,
    "contact.account": ("id", "accountName", "website"),
    "product": ("id", "productName", "productCode"),
    "assignee": ("id", "firstName", "lastName", "email", "emailId", "photoURL", "zuid"),
    "department": ("id", "name"),
    "team": ("id", "name"),
    "source": ("type", "appName", "extId", "permalink", "appPhotoURL"),
    "layoutDetails": ("id", "layoutName"),
    "sharedDepartments": ("id", "name"),
}
# Kept by deskpilot beside each ticket (engine/activity.py), and carried by each event: who made the change
# (engine/changed_by.py) and the new thread it brought.
DESKPILOT_FIELDS = (*ACTIVITY_FIELDS, "changed_by", "thread")
DESKPILOT_NESTED = {
    "changed_by": ("kind", "id", "email", "name", "teams", "source"),
    "thread": ("id", "direction", "channel", "author_type", "author_email", "visibility", "created_at"),
}
KNOWN_FIELDS: frozenset[str] = frozenset((*TICKET_FIELDS, *DESKPILOT_FIELDS)) | frozenset(
    f"{parent}.{child}" for parent, children in (NESTED_FIELDS | DESKPILOT_NESTED).items() for child in children
)


def split_path(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def make_getter(path: str) -> Getter:
    """A closure reading `path` from a ticket-like dict; None when any step is missing."""
    parts = split_path(path)
    if len(parts) == 1:
        key = parts[0]

        def get_one(data: Any) -> Any:
            return data.get(key) if isinstance(data, dict) else None

        return get_one

    def get_many(data: Any) -> Any:
        for part in parts:
            if isinstance(data, dict):
                data = data.get(part)
            elif isinstance(data, list) and part.isdigit():
                data = data[int(part)] if int(part) < len(data) else None
            else:
                return None
        return data

    return get_many


def _custom_split(parts: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
    """(the record's path, the parts from the custom root on) when `parts` names a custom field, else None."""
    for index, part in enumerate(parts):
        owner = ".".join(parts[:index])
        if part in CUSTOM_FIELD_ROOTS and (not owner or owner in NESTED_FIELDS):
            return owner, parts[index:]
    return None


def is_known_path(path: str) -> bool:
    """Whether some ticket can have `path` (list indexes are skipped: sharedDepartments.0.name)."""
    parts = tuple(part for part in split_path(path) if not part.isdigit())
    if parts[0] == "sla":  # sla.policy, sla.METRIC.KEY (metric names are the policies')
        return parts[1:] == ("policy",) or (len(parts) == 3 and bool(parts[1]) and parts[2] in SLA_KEYS)
    custom = _custom_split(parts)
    if custom is not None:
        rest = custom[1]
        return len(rest) >= 2 and all(rest[1:])
    return ".".join(parts) in KNOWN_FIELDS


def custom_key_problem(path: str) -> str | None:
    """Why a `cf.` path cannot name a custom field (its key is not an API name like cf_model_name), else None."""
    custom = _custom_split(tuple(split_path(path)))
    if (
        custom is None
        or custom[1][0] != "cf"
        or len(custom[1]) < 2
        or not custom[1][1]
        or CF_API_NAME.fullmatch(custom[1][1])
    ):
        return None
    key = custom[1][1]
    return (
        f"{path!r}: cf. takes a custom field's API name, which starts with cf_ (e.g. cf.cf_{key.lower()}); "
        f"for the field's label write customFields.{key}"
    )


def suggest_path(path: str) -> str | None:
    """The closest known path, for "did you mean" in the lint warning."""
    matches = difflib.get_close_matches(path, sorted(KNOWN_FIELDS), n=1, cutoff=0.75)
    return matches[0] if matches else None
