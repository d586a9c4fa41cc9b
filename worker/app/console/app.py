"""The console's routes: read-mostly pages rendered on the server, one POST (re-drive dead letters), and the live
feed as server-sent events. Handlers are plain functions (Starlette runs them in its thread pool), since the
store's Redis client is synchronous."""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import redis as redis_lib
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from worker.app.console import pages
from worker.app.console.access import COOKIE
from worker.app.console.context import ConsoleContext
from worker.app.console.overview import overview
from worker.app.console.tailer import parse_entry
from worker.app.console.ticket_view import ticket_view
from worker.store.replies import stream_batches

HERE = Path(__file__).parent
FEED_BLOCK_MS = 1000
FEED_KEEPALIVE_S = 15.0
MAX_LIVE_FEEDS = 16  # each open feed holds a worker thread of the console while it waits on Redis


def build_app(ctx: ConsoleContext, stop: threading.Event) -> Starlette:
    handlers = _Handlers(ctx, stop)
    routes = [
        Route("/", handlers.home),
        Route("/rules", handlers.rules),
        Route("/ticket", handlers.ticket),
        Route("/sla", handlers.sla),
        Route("/dead-letters", handlers.dead_letters),
        Route("/dead-letters/retry", handlers.retry, methods=["POST"]),
        Route("/feed", handlers.feed),
        Route("/feed/events", handlers.feed_events),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(_Guard, ctx=ctx)],
        exception_handlers={redis_lib.RedisError: _redis_away},
    )


class _Handlers:
    """One method per route; each page's data comes from its module, the template renders it."""

    def __init__(self, ctx: ConsoleContext, stop: threading.Event) -> None:
        self.ctx, self.stop = ctx, stop
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.globals["csrf"] = ctx.access.csrf_token
        self.feeds = threading.BoundedSemaphore(MAX_LIVE_FEEDS)

    def page(self, request: Request, name: str, **data: Any) -> Response:
        return self.templates.TemplateResponse(request, name, {"page": name.removesuffix(".html"), **data})

    def home(self, request: Request) -> Response:
        return self.page(request, "overview.html", o=overview(self.ctx))

    def rules(self, request: Request) -> Response:
        return self.page(request, "rules.html", r=pages.rules_page(self.ctx))

    def ticket(self, request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        return self.page(request, "ticket.html", query=query, t=ticket_view(self.ctx, query) if query else None)

    def sla(self, request: Request) -> Response:
        return self.page(request, "sla.html", s=pages.sla_page(self.ctx))

    def dead_letters(self, request: Request) -> Response:
        retried = request.query_params.get("retried")
        return self.page(request, "dead_letters.html", d=pages.dead_letters(self.ctx), retried=retried)

    async def retry(self, request: Request) -> Response:
        form = await request.form()
        refused = self.ctx.access.same_site_post(request, str(form.get("csrf") or ""))
        if refused:
            return PlainTextResponse(f"refused: {refused}", status_code=403)
        entry_id = str(form.get("id") or "") or None
        if entry_id is None and form.get("all") != "1":
            return PlainTextResponse("name a dead letter (id) or all=1", status_code=400)
        count = await run_in_threadpool(pages.retry, self.ctx, entry_id)
        return RedirectResponse(f"/dead-letters?retried={count}", status_code=303)

    def feed(self, request: Request) -> Response:
        rows, last = pages.feed_backlog(self.ctx)
        return self.page(request, "feed.html", rows=rows, last=last)

    def feed_events(self, request: Request) -> Response:
        if not self.feeds.acquire(blocking=False):
            return PlainTextResponse(f"{MAX_LIVE_FEEDS} live feeds are open already; close one", status_code=503)
        start = request.headers.get("last-event-id") or request.query_params.get("after") or "$"
        return StreamingResponse(
            _stream(self.ctx, start, self.stop, self.feeds.release),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store"},
        )


def _redis_away(request: Request, exc: Exception) -> Response:
    """One line instead of a traceback page: the console reads everything from Redis."""
    return PlainTextResponse(
        f"Redis does not answer ({type(exc).__name__}): start or repair redis-server, check DESKPILOT_REDIS_URL; "
        "reload this page then",
        status_code=503,
    )


async def _stream(
    ctx: ConsoleContext, start: str, stop: threading.Event, done: Callable[[], None]
) -> AsyncIterator[str]:
    """Feed rows as server-sent events (the id lets a reconnecting browser continue where it was), with a comment
    line as keep-alive; ends when the service stops or the browser leaves (its cancellation lands at an await, so
    `done` gives the slot back at once). Each blocking read runs in the thread pool."""
    key, idle = ctx.store.keys.key("audit"), 0.0
    try:
        last = await run_in_threadpool(_newest, ctx, key) if start == "$" else start
        yield "retry: 2000\n\n"
        while not stop.is_set():
            try:
                reply = await run_in_threadpool(_read, ctx, key, last)
            except (redis_lib.RedisError, OSError, ValueError):  # Redis away, or the service closing its client
                return  # the browser reconnects from the last id it got
            sent = False
            for entry_id, fields in reply:
                last = entry_id
                row = pages.feed_row(entry_id, parse_entry(fields))
                if row is not None:
                    sent = True
                    yield f"id: {entry_id}\ndata: {json.dumps(row)}\n\n"
            idle = 0.0 if sent else idle + FEED_BLOCK_MS / 1000
            if idle >= FEED_KEEPALIVE_S:
                idle = 0.0
                yield ": keep-alive\n\n"
    finally:
        done()


def _read(ctx: ConsoleContext, key: str, last: str) -> list[tuple[str, dict[str, str]]]:
    reply = stream_batches(ctx.store.redis.xread({key: last}, block=FEED_BLOCK_MS, count=100))
    return [entry for _, entries in reply for entry in entries]


def _newest(ctx: ConsoleContext, key: str) -> str:
    """The newest entry id: reading on from it misses nothing that lands between two reads (as '$' would)."""
    newest = ctx.store.redis.xrevrange(key, count=1)
    return str(newest[0][0]) if newest else "0-0"


class _Guard:
    """The access token (see access.py); `?token=` is swapped for a cookie and a clean address. Plain ASGI, so a
    streamed answer (the live feed) sees the browser leave."""

    def __init__(self, app: ASGIApp, ctx: ConsoleContext) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request, access = Request(scope), self.ctx.access
        if not access.allowed(request):
            refused = PlainTextResponse(
                "the console needs its access token: open it with ?token=<DESKPILOT_CONSOLE_TOKEN>", status_code=401
            )
            await refused(scope, receive, send)
            return
        if access.token and "token" in request.query_params:
            clean = RedirectResponse(str(request.url.remove_query_params("token")), status_code=303)
            clean.set_cookie(COOKIE, access.token, httponly=True, samesite="strict")
            await clean(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)
