"""Finding a ticket and one of its children (comments, attachments, time entries) from the path, or 404.

A child id that exists but under another ticket is unknown here, as the Desk answers for a mismatched path.
"""
from __future__ import annotations

from sandbox.api import Call
from sandbox.errors import not_found
from sandbox.state import Record


def path_ticket(call: Call) -> Record:
    ticket = call.org.tickets.get(call.path["ticket_id"])
    if ticket is None:
        raise not_found()
    return ticket


def path_child(call: Call, kind: str, id_param: str) -> tuple[Record, Record]:
    """The path's ticket and its child of `kind` ("comments", ...) named by the path parameter `id_param`."""
    ticket = path_ticket(call)
    child = getattr(call.org, kind).get(call.path[id_param])
    if child is None or child.get("_ticketId") != ticket["id"]:
        raise not_found()
    return ticket, child
