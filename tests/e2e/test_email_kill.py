"""email end to end through a SIGKILLed worker: real scheduler and dramatiq worker processes, the sandbox Desk, a
real SMTP server (aiosmtpd on 127.0.0.1 in this process). The server answers 451 at first (retried through
dramatiq) and slowly after, and the worker is killed mid-run, so some mails are on the wire when it dies.

What the server keeps is every DATA it read, even one whose sender died before the 250 (the worst case: a
server that delivers what it never confirmed). Each action's mail carries one Message-ID,
<action id.deskpilot@from-domain>, on every copy: a mail is sent again only when the worker died between the
server's reading it and the ledger's delivered mark, and then as the same message, which mail stores drop."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.e2e.scenarios import all_actions_final, open_tickets, raise_priority, wait_backfilled
from tests.support.pipeline import wait_until
from tests.support.ports import free_port

TICKETS = 8
SENDER = "deskpilot@zylker.example"
MAIL_ON_HIGH = """
rules:
  - id: mail-on-high
    on: ticket.updated
    if: {field: priority, changed_to: High}
    then:
      - email: {to: oncall@zylker.example, subject: "#{{ ticket.ticketNumber }} is now High", body: "Look."}
"""


@dataclass
class SlowInbox:
    """Keeps each DATA it reads (Message-ID, X-Deskpilot-Action), then answers after `delay_s`; the first
    answers come from `answers` (451s: try later)."""

    answers: list[str] = field(default_factory=lambda: ["451 try again later"] * 3)
    delay_s: float = 0.3
    received: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content)
        with self.lock:
            self.received.append((str(message["Message-ID"]), str(message["X-Deskpilot-Action"])))
            answer = self.answers.pop(0) if self.answers else "250 OK"
        await asyncio.sleep(self.delay_s)
        return answer


@pytest.fixture
def inbox() -> Iterator[tuple[SlowInbox, int]]:
    handler, port = SlowInbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def test_each_email_has_one_message_id_through_4xx_and_a_worker_kill(pipeline, inbox):
    handler, port = inbox
    smtp = {
        "DESKPILOT_SMTP_HOST": "127.0.0.1",
        "DESKPILOT_SMTP_PORT": str(port),
        "DESKPILOT_SMTP_FROM": SENDER,
        "DESKPILOT_SMTP_TLS": "none",
        "DESKPILOT_SMTP_TIMEOUT_S": "5",
    }
    deployment = pipeline(MAIL_ON_HIGH, workers=1, extra_env=smtp)
    wait_backfilled(deployment)
    raise_priority(deployment, [ticket["id"] for ticket in open_tickets(deployment, TICKETS)])
    wait_until(lambda: len(handler.received) >= 5, 60, "the first mails (3 answered 451)")
    deployment.kill_worker(deployment.worker_processes[0])
    deployment.add_worker()
    wait_until(lambda: all_actions_final(deployment, TICKETS), 120, "every email to finish")
    time.sleep(1)  # a copy still in flight from the killed worker would land by now
    store = deployment.store()
    action_ids = {name.split(":")[2] for name in store.redis.scan_iter("dp:action:act-*") if name.count(":") == 2}
    assert len(action_ids) == TICKETS
    assert {store.ledger.get(action_id).state for action_id in action_ids} == {"done"}
    with handler.lock:
        received = list(handler.received)
    ids_by_action: dict[str, set[str]] = {}
    for message_id, action_id in received:
        ids_by_action.setdefault(action_id, set()).add(message_id)
    assert set(ids_by_action) == action_ids
    assert ids_by_action == {action_id: {f"<{action_id}.deskpilot@zylker.example>"} for action_id in action_ids}
    copies = len(received) - len(action_ids)
    print(f"{len(received)} mails read for {TICKETS} actions: 3 answered 451, {copies - 3} sent again")
