"""Fetch what rules name from one Desk organisation, with the typed client: the directory (agents, departments,
mail reply addresses) and the rest of the catalogue names are checked against (teams, ticket fields with their
picklist values, layouts). Six calls for a small org; the result is plain JSON, cached and shared through Redis.

A list the Desk refuses to show (the token lacks its scope, the edition lacks teams or layouts) is left out and
its names go unchecked; any other failure is the caller's (the Desk is unreachable, the token is refused). The
scopes (the vendor's spec): teams need Desk.basic.READ or Desk.settings.READ, layouts Desk.basic.READ, and ticket
fields Desk.settings.READ alone, so a token without it leaves statuses, priorities and custom fields unchecked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import structlog

from worker.desk.client import DeskClient
from worker.desk.errors import Forbidden, InvalidRequest, NotFound, ScopeMismatch
from worker.desk.models.common import DeskModel

log = structlog.get_logger(__name__)
OPTIONAL_REFUSALS = (NotFound, Forbidden, ScopeMismatch, InvalidRequest)


def _plain(models: Iterable[DeskModel]) -> list[dict[str, Any]]:
    return [model.model_dump(mode="json", exclude_none=True) for model in models]


def fetch_names(client: DeskClient) -> dict[str, Any]:
    """{agents, departments, mailReplyAddresses[, teams, ticketFields, layouts]} of the client's org."""
    data: dict[str, Any] = {
        "agents": _plain(client.agents.iter()),
        "departments": _plain(client.departments.iter()),
        "mailReplyAddresses": _plain(client.mail_reply_addresses.list()),
    }
    optional: dict[str, Callable[[], Iterable[DeskModel]]] = {
        "teams": client.teams.list,
        "ticketFields": lambda: client.fields.list("tickets"),
        "layouts": lambda: client.layouts.list("tickets"),
    }
    for name, fetch in optional.items():
        try:
            data[name] = _plain(fetch())
        except OPTIONAL_REFUSALS as exc:
            log.warning(
                "catalogue.list_unavailable",
                org=client.org_id,
                list=name,
                error=str(exc),
                hint="names of this kind are not checked",
            )
    return data
