"""The console over real HTTP against a real redis-server: every page renders what the store holds, a dead letter
is re-driven only by the console's own form, the live feed streams a new audit entry, a refused reload shows."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest

from tests.integration.console.conftest import ORG, RULES, settings_for, start
from tests.support.pipeline import wait_until
from tests.support.redis_server import RedisServer
from worker.app.console.app import MAX_LIVE_FEEDS
from worker.app.console.server import check_bind
from worker.app.preflight import PreflightError
from worker.store.records import EventRecord


def seed_ticket(store, ticket_id: str = "5001", number: str = "1042") -> None:
    store.mirror.put_many(
        ORG,
        {
            ticket_id: {
                "id": ticket_id,
                "ticketNumber": number,
                "subject": "Printer on fire",
                "status": "Open",
                "priority": "High",
            }
        },
    )
    store.events.append(
        EventRecord(
            id=f"ev-{ticket_id}",
            org=ORG,
            kind="ticket.created",
            ticket_id=ticket_id,
            modified_time="2026-12-01T10:00:00.000Z",
            changes={"priority": ("Low", "High")},
        )
    )
    store.audit.add_many(
        [
            (
                "evaluation",
                {
                    "event": f"ev-{ticket_id}",
                    "event_kind": "ticket.created",
                    "org": ORG,
                    "ticket": ticket_id,
                    "rule": "vip-comment",
                    "verdict": {"status": "fired", "reason": "", "actions": [{"type": "comment"}]},
                },
            ),
            (
                "evaluation",
                {
                    "event": f"ev-{ticket_id}",
                    "event_kind": "ticket.created",
                    "org": ORG,
                    "ticket": ticket_id,
                    "rule": "shadow-close",
                    "verdict": {"status": "not_matched", "reason": "status equals Closed: was Open"},
                },
            ),
        ]
    )
    store.audit.add(
        "action",
        action=f"ac-{ticket_id}",
        rule="vip-comment",
        ticket=ticket_id,
        org=ORG,
        event=f"ev-{ticket_id}",
        type="comment",
        params={"text": "VIP"},
        outcome="done",
        detail="comment 9001 created",
    )


def test_pages_render_the_store(console):
    seed_ticket(console.runtime.store)
    wait_until(lambda: console.http.get("/rules").text.count(">1<") >= 1, 10, "the digest to count the fire")
    overview = console.http.get("/")
    assert overview.status_code == 200 and "<svg" in overview.text and "Queues" in overview.text
    rules = console.http.get("/rules").text
    assert "vip-comment" in rules and "rules.yaml:3" in rules and "dry run" in rules
    by_number = console.http.get("/ticket", params={"q": "#1042"})  # the number index is built at start
    wait_until(lambda: "Printer on fire" in console.http.get("/ticket", params={"q": "#1042"}).text, 40, "number")
    for query in ("5001", "#1042"):
        page = console.http.get("/ticket", params={"q": query}).text
        assert "Printer on fire" in page and "fired" in page and "status equals Closed: was Open" in page
        assert "comment 9001 created" in page and "priority" in page
    assert by_number.status_code == 200
    assert "No ticket" in console.http.get("/ticket", params={"q": "nope"}).text
    for path in ("/sla", "/dead-letters", "/feed", "/static/console.js"):
        assert console.http.get(path).status_code == 200, path


def test_dead_letter_retry_needs_the_consoles_form(console):
    store = console.runtime.store
    store.dead_letters.add(
        {
            "kind": "message",
            "message_id": "m-dead",
            "queue": "deskpilot.reconcile",
            "actor": "reconcile",
            "args": [],
            "kwargs": {},
            "error": ["Boom: it broke"],
        }
    )
    page = console.http.get("/dead-letters").text
    assert "Boom: it broke" in page
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    assert console.http.post("/dead-letters/retry", data={"id": "m-dead"}).status_code == 403
    forged = console.http.post(
        "/dead-letters/retry", data={"id": "m-dead", "csrf": csrf}, headers={"Origin": "https://evil.example"}
    )
    assert forged.status_code == 403
    cross = console.http.post(
        "/dead-letters/retry", data={"id": "m-dead", "csrf": csrf}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross.status_code == 403 and store.dead_letters.list()
    done = console.http.post(
        "/dead-letters/retry",
        data={"id": "m-dead", "csrf": csrf},
        headers={"Origin": str(console.http.base_url).rstrip("/")},
    )
    assert done.status_code == 303 and done.headers["location"] == "/dead-letters?retried=1"
    assert store.dead_letters.list() == []
    queue = f"{store.keys.dramatiq_namespace}:deskpilot.reconcile"
    assert store.redis.llen(queue) == 1  # sent again to its actor
    assert console.http.post("/dead-letters/retry", data={"csrf": csrf}).status_code == 400  # neither one nor all
    for index in range(3):
        store.dead_letters.add(
            {
                "kind": "message",
                "message_id": f"m-{index}",
                "queue": "deskpilot.reconcile",
                "actor": "reconcile",
                "args": [],
                "kwargs": {},
                "error": ["Boom"],
            }
        )
    every = console.http.post("/dead-letters/retry", data={"all": "1", "csrf": csrf})
    assert every.headers["location"] == "/dead-letters?retried=3" and store.dead_letters.list() == []
    assert "3 sent again" in console.http.get(every.headers["location"]).text


def test_live_feed_streams_a_new_entry(console):
    received: list[dict] = []
    with console.http.stream("GET", "/feed/events", timeout=10.0) as stream:
        lines = stream.iter_lines()
        assert next(lines).startswith("retry:")  # the stream has taken its starting point
        console.runtime.store.audit.add(
            "action",
            action="ac-live",
            rule="vip-comment",
            ticket="5002",
            org=ORG,
            event="ev-x",
            type="comment",
            outcome="done",
            detail="",
        )
        deadline = time.monotonic() + 10
        for line in lines:
            if line.startswith("data: "):
                received.append(json.loads(line[6:]))
                break
            assert time.monotonic() < deadline
    assert received[0]["ticket"] == "5002" and "comment done" in received[0]["text"]


def test_a_closed_feed_gives_its_slot_back(console):
    def open_and_close() -> bool:
        with console.http.stream("GET", "/feed/events", timeout=10.0) as stream:
            if stream.status_code != 200:
                return False
            return next(stream.iter_lines()).startswith("retry:")

    for _ in range(MAX_LIVE_FEEDS + 4):  # more than may be open at once, one after another
        # a left feed frees its slot once its current read of Redis (at most a second) returns
        wait_until(open_and_close, 5, "a live feed slot")


def test_refused_reload_is_shown_above_the_rules(console, tmp_path):
    rules_file = console.runtime.settings.rules_path / "rules.yaml"
    rules_file.write_text(RULES + "  - id: broken\n    on: ticket.created\n    then: [{explode: {}}]\n")
    try:
        wait_until(lambda: "was refused" in console.http.get("/rules").text, 20, "the refusal on the page")
        assert "explode" in console.http.get("/rules").text
    finally:
        rules_file.write_text(RULES)
    wait_until(lambda: "was refused" not in console.http.get("/rules").text, 20, "the refusal to clear")


def test_non_loopback_bind_needs_a_token(tmp_path):
    with pytest.raises(PreflightError, match="DESKPILOT_CONSOLE_TOKEN"):
        check_bind("0.0.0.0", "")
    check_bind("127.0.0.1", "")
    check_bind("::1", "")
    check_bind("0.0.0.0", "s3cret-token-of-24-chars")
    with pytest.raises(PreflightError, match="at least 16"):
        check_bind("0.0.0.0", "short")


def test_a_token_is_asked_for_and_kept_in_a_cookie(tmp_path):
    (tmp_path / "redis").mkdir()
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "rules.yaml").write_text(RULES)
    server = RedisServer(directory=tmp_path / "redis").start()
    runtime, console_server = start(settings_for(server.url, tmp_path / "rules", console_token="tok-" + "x" * 20))
    try:
        with httpx.Client(base_url=console_server.url, timeout=10.0) as http:
            assert http.get("/").status_code == 401
            opened = http.get("/rules", params={"token": "tok-" + "x" * 20})
            assert opened.status_code == 303 and "token" not in opened.headers["location"]
            assert http.get("/rules").status_code == 200  # the cookie now
            assert http.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401  # a header wins
    finally:
        console_server.stop()
        runtime.close()
        server.stop()


def test_redis_away_is_one_line_not_a_traceback(tmp_path):
    (tmp_path / "redis").mkdir()
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "rules.yaml").write_text(RULES)
    server = RedisServer(directory=tmp_path / "redis").start()
    runtime, console_server = start(settings_for(server.url, tmp_path / "rules"))
    try:
        server.stop()
        with httpx.Client(base_url=console_server.url, timeout=20.0) as http:
            answer = http.get("/rules")
        assert answer.status_code == 503 and answer.text.startswith("Redis does not answer")
        assert "Traceback" not in answer.text and "DESKPILOT_REDIS_URL" in answer.text
    finally:
        console_server.stop()
        runtime.close()
