"""Closing a client's connection without an answer, as a Desk behind a failing proxy does (the `dropRate` fault)."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response

from sandbox.faults import ConnectionDropped


async def drop_connection(request: Request) -> Response:
    """Close the connection this request came on; the response returned is never sent.

    Under uvicorn the request's `receive` belongs to the connection's request cycle, which holds the transport;
    closing it there is the only way an ASGI app can end a connection without writing a status line. Elsewhere
    (an in-process test client) ConnectionDropped is raised, and the app answers 500.
    """
    transport = getattr(getattr(request.receive, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionDropped()
    transport.close()
    await asyncio.sleep(0)  # let the server see the connection lost, so it writes nothing more on it
    return Response(status_code=500)
