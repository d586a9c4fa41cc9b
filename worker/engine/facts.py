"""Fields rules read beyond the ticket the poller mirrors, and which of them a loaded rule set needs.

- `text`: the subject, the description and (when the ticket carries it) the latest customer message, one per
  line: one field for "subject or description matches". Derived here, no call.
- `contact.*` beyond the embedded contact (id, names, email, phone, mobile, type, account): the requester's full
  record (custom fields as `contact.cf.cf_NAME` / `contact.customFields.LABEL`), GET /contacts/{id}.
- `account.*`: the requester's account, GET /accounts/{id} (the ticket's accountId, else the contact's).
- `sla.*`: the governing policy's clocks at the evaluation's time (sla/state.py), from the ticket's timeline.
- `tags`: the ticket's tag names (GET /tickets/{id}/tags; tickets as listed or searched carry none).

The engine stays pure: the caller fetches what `needs(rules, kind)` names for the event's kind before evaluating
and passes it in as `facts` ({"contact": {...}, "account": {...}, "sla": {...}}); `view` lays them over the
ticket. Rules' conditions are what count: a field named only in a template is not fetched (it reads as missing),
and SLA policies' conditions, evaluated by the SLA sweep over the mirror, may not name these fields (a load
error).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from worker.engine.paths import DESKPILOT_FIELDS, EMBEDDED_CONTACT, split_path

if TYPE_CHECKING:
    from worker.engine.ruleset import RuleSet

LATEST_CUSTOMER_TEXT = "latest_customer_reply_text"  # kept by the ticket activity (engine/activity.py)
TEXT_FIELD = "text"  # subject, description and the latest customer message (`ticket_text`)


@dataclass(frozen=True)
class Needs:
    """What a rule set's conditions read beyond the ticket."""

    text: bool = False
    contact: bool = False
    account: bool = False
    sla: bool = False
    tags: bool = False

    @property
    def fetches(self) -> bool:
        return self.contact or self.account


NOTHING = Needs()


def needs(rules: RuleSet, kind: str | None = None) -> Needs:
    """Which extra fields the conditions of the rules listening to `kind` (None: of every rule) read; memoised on
    the rule set. SLA policies' conditions read the mirrored ticket only (see `policy_field_problem`)."""
    key = ("needs", kind)
    found = rules.memo.get(key)
    if found is None:
        chosen = rules.rules if kind is None else rules.for_kind(kind)
        found = rules.memo[key] = _needs_of(leaf.path for rule in chosen for leaf in rule.condition.leaves)
    result: Needs = found
    return result


def policy_field_problem(path: str) -> str | None:
    """Why an SLA policy's condition cannot read `path` (the sweep reads the mirror, fetches nothing), else None."""
    if split_path(path)[0] in DESKPILOT_FIELDS:
        return (
            f"{path!r} is not available to SLA policies: the ticket activity, changed_by and thread serve rules "
            "(the SLA clocks read the ticket's timeline)"
        )
    found = _needs_of((path,))
    if found == NOTHING:
        return None
    return (
        f"{path!r} is not available to SLA policies: their sweep reads the mirrored ticket only "
        "(text, sla.*, tags, account.* and contact fields beyond the embedded contact serve rules)"
    )


def _needs_of(paths: Iterable[str]) -> Needs:
    text = contact = account = sla = tags = False
    for path in paths:
        parts = split_path(path)
        text = text or parts[0] == TEXT_FIELD
        sla = sla or parts[0] == "sla"
        tags = tags or parts[0] == "tags"
        account = account or parts[0] == "account"
        contact = contact or (parts[0] == "contact" and len(parts) > 1 and parts[1] not in EMBEDDED_CONTACT)
    return Needs(text, contact, account, sla, tags)


def ticket_text(ticket: Mapping[str, Any]) -> str:
    """Subject, description and the latest customer message, the present ones, one per line."""
    parts = (ticket.get("subject"), ticket.get("description"), ticket.get(LATEST_CUSTOMER_TEXT))
    return "\n".join(str(part) for part in parts if part not in (None, ""))


def view(ticket: Mapping[str, Any], facts: Mapping[str, Any] | None, wanted: Needs) -> Mapping[str, Any]:
    """The ticket as conditions see it: `text` derived when wanted, `facts` laid over (a fetched contact over
    the embedded one, keeping the embedded keys it lacks). The ticket itself when there is nothing to add."""
    if not facts and not wanted.text:
        return ticket
    seen = dict(ticket)
    for key, value in (facts or {}).items():
        embedded = seen.get(key)
        seen[key] = {**embedded, **value} if isinstance(embedded, dict) and isinstance(value, dict) else value
    if wanted.text:
        seen[TEXT_FIELD] = ticket_text(seen)
    return seen
