"""Sends deliveries: after the write that caused them, one queue per webhook with `concurrency` workers (one by
default, so one webhook's deliveries go out in order; a slow receiver holds up only its own), through one shared
httpx client.

`submit` is called inside a write (no await): it rolls the drop, duplicate and reorder dice, and queues now or
after the hold. A worker signs each send afresh, waits `timeoutMs` for an answer, records how it ended, and on
410 asks for the webhook to be removed. Nothing is retried: deliveries are best effort, as on the Desk.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import replace

import httpx
import orjson
import structlog

from sandbox.clock import Clock, format_time
from sandbox.webhooks.deliveries import Delivery, DeliveryLog, Outcome, Request
from sandbox.webhooks.settings import DeliveryControls
from sandbox.webhooks.signing import Signer
from sandbox.webhooks.subscriptions import Webhook, WebhookStore

log = structlog.get_logger(__name__)
USER_AGENT = "sandbox-desk-webhooks/1"
JWT_HEADER = "X-ZDesk-JWT"
GONE = 410


class Sender:
    def __init__(
        self,
        store: WebhookStore,
        signer: Signer,
        controls: DeliveryControls,
        deliveries: DeliveryLog,
        clock: Clock,
        on_gone: Callable[[str, str], object],
    ) -> None:
        self.store, self.signer, self.controls, self.deliveries = store, signer, controls, deliveries
        self.clock, self.on_gone = clock, on_gone
        self.pending = 0
        self._client: httpx.AsyncClient | None = None
        self._queues: dict[str, asyncio.Queue[Delivery | None]] = {}  # None: the webhook is gone, stop
        self._workers: dict[str, list[asyncio.Task[None]]] = {}
        self._timers: set[asyncio.TimerHandle] = set()
        self._idle = asyncio.Event()
        self._resume = asyncio.Event()
        self._idle.set()
        self._resume.set()

    # queueing (inside a write) ----------------------------------------------------------------
    def submit(self, webhook: Webhook, events: list[dict[str, object]]) -> None:
        first = Delivery(webhook.id, webhook.org_id, webhook.url, events, "first", format_time(self.clock.now()))
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a write outside the server (a unit test driving the state directly)
            self._finish(first, "cancelled")
            return
        if self.controls.roll(self.controls.drop_rate):
            self._finish(first, "dropped")
            return
        copies = [first]
        if self.controls.roll(self.controls.duplicate_rate):
            copies.append(replace(first, kind="duplicate"))
        for delivery in copies:
            self._hold(loop, delivery, self.controls.hold_ms())

    def _hold(self, loop: asyncio.AbstractEventLoop, delivery: Delivery, hold_ms: int) -> None:
        self.pending += 1
        self._idle.clear()
        if hold_ms <= 0:
            self._enqueue(delivery)
            return

        def release() -> None:
            self._timers.discard(timer)
            self._enqueue(delivery)

        timer = loop.call_later(hold_ms / 1000, release)
        self._timers.add(timer)

    def _enqueue(self, delivery: Delivery) -> None:
        """Into the webhook's queue, topping its workers up to `concurrency` (sends in flight at once)."""
        queue = self._queues.setdefault(delivery.webhook_id, asyncio.Queue())
        workers = self._workers.setdefault(delivery.webhook_id, [])
        workers[:] = [worker for worker in workers if not worker.done()]
        loop = asyncio.get_running_loop()
        workers.extend(
            loop.create_task(self._work(queue, index)) for index in range(len(workers), self.controls.concurrency)
        )
        queue.put_nowait(delivery)

    # sending -----------------------------------------------------------------------------------
    async def _work(self, queue: asyncio.Queue[Delivery | None], index: int) -> None:
        """Send the queue's deliveries one at a time; a worker past a lowered `concurrency` ends, and every
        worker ends at the stop mark `forget` queues."""
        while index < self.controls.concurrency:
            delivery = await queue.get()
            if delivery is None:
                return
            try:
                await self._resume.wait()
                await self._send(delivery)
            except Exception:  # one bad send must not stop this webhook's deliveries
                log.exception("webhooks.send_failed", webhook_id=delivery.webhook_id)
            finally:
                self._done()

    def _done(self) -> None:
        self.pending -= 1
        if self.pending <= 0:
            self.pending = 0
            self._idle.set()

    async def _send(self, delivery: Delivery) -> None:
        webhook = self.store.get(delivery.org_id, delivery.webhook_id)
        if webhook is None or not webhook.is_enabled:
            self._finish(delivery, "cancelled")
            return
        signed = self.signer.sign(delivery.org_id, delivery.webhook_id, self.controls.jwt_fault)
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if signed.token is not None:
            headers[JWT_HEADER] = signed.token
        delivery.jti = signed.jti
        delivery.request = Request(webhook.url, headers, orjson.dumps(delivery.events))
        await self._post(delivery)
        if delivery.outcome == "gone":
            self.on_gone(delivery.org_id, delivery.webhook_id)

    async def _post(self, delivery: Delivery) -> None:
        request = delivery.request
        assert request is not None
        if self._client is None:
            self._client = httpx.AsyncClient(follow_redirects=False)
        delivery.sent_at = format_time(self.clock.now())
        started = time.perf_counter()
        status: int | None = None
        try:
            answer = await self._client.post(
                request.url, content=request.body, headers=request.headers, timeout=self.controls.timeout_ms / 1000
            )
        except httpx.TimeoutException:
            outcome: Outcome = "timeout"
        except httpx.HTTPError:
            outcome = "unreachable"
        else:
            status = answer.status_code
            outcome = "gone" if status == GONE else "delivered" if 200 <= status < 300 else "failed"
        delivery.duration_ms = round((time.perf_counter() - started) * 1000, 2)
        self._finish(delivery, outcome, status)

    def _finish(self, delivery: Delivery, outcome: Outcome, status: int | None = None) -> None:
        delivery.outcome, delivery.status = outcome, status
        self.deliveries.record(delivery)

    # controls ----------------------------------------------------------------------------------
    async def replay(self, original: Delivery) -> Delivery:
        """The same request again (same body, same JWT), logged as a new entry of kind "replay"."""
        again = replace(original, kind="replay", queued_at=format_time(self.clock.now()), outcome=None, status=None)
        await self._post(again)
        return again

    def forget(self, webhook_id: str) -> None:
        """The webhook is gone: its workers end once what is queued before the stop marks is done (and logged
        as cancelled), and a later delivery for its id starts afresh."""
        queue, workers = self._queues.pop(webhook_id, None), self._workers.pop(webhook_id, [])
        if queue is not None:
            for _ in workers:
                queue.put_nowait(None)

    def set_paused(self, paused: bool) -> None:
        if paused:
            self._resume.clear()
        else:
            self._resume.set()

    async def drain(self, timeout_s: float) -> int:
        """Wait until nothing is held, queued or in flight (or the timeout); how many are still pending."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout=timeout_s)
        return self.pending

    async def aclose(self) -> None:
        for timer in self._timers:
            timer.cancel()
        workers = [worker for group in self._workers.values() for worker in group]
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        self._timers.clear()
        self._workers.clear()
        self._queues.clear()
        self.pending = 0
        if self._client is not None:
            await self._client.aclose()
            self._client = None
