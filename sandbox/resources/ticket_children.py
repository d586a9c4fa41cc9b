"""Finding a ticket and one of its children (comments, attachments, time entries) from the path, or 404; and
deleting such a child.

A child id that exists but under another ticket is unknown here, as the Desk answers for a mismatched path.
"""

from __future__ import annotations

from sandbox.api import Call, Reply, deleted
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


def delete_child(call: Call, kind: str, id_param: str) -> Reply:
    """DELETE of the path's child of `kind`: it leaves the ticket's child index (so the ticket's count follows),
    the ticket's modifiedTime moves, and the answer is 204 with no body."""
    ticket, child = path_child(call, kind, id_param)
    call.org.remove_child(kind, child["id"])
    call.org.touch(ticket)
    return deleted()
