"""Redis memory per mirrored ticket, per closed-ticket snapshot and per event, pending and finished.

    .venv/bin/python bench/bench_redis_memory.py [--tickets 5000]

Ticket bodies are real /tickets/search items from the sandbox Desk (its seed), repeated under new ids up to
`--tickets`. Each figure is the delta of INFO used_memory on a real redis-server (empty but for the figure's keys)
divided by the count, written through deskpilot's own store classes. Events are the poller's shape (the ticket
and its previous snapshot) while pending, and what EventLog.finish leaves. Prints a few lines and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.redis_server import RedisServer  # noqa: E402
from tests.support.sandbox import SandboxProcess  # noqa: E402
from worker.ingest.diff import compact  # noqa: E402
from worker.store import Store  # noqa: E402
from worker.store.events import FINISHED_RETENTION_S, event_id  # noqa: E402
from worker.store.records import EventRecord  # noqa: E402

ORG = "1"
BATCH = 500


def search_items(count: int) -> list[dict[str, Any]]:
    """`count` search items as the poller sees them: the sandbox's tickets, repeated under fresh ids."""
    sandbox = SandboxProcess(orgs=1, tickets=100).start()
    try:
        headers = {"orgId": sandbox.org_ids[0], "Authorization": f"Zoho-oauthtoken {sandbox.access_token()}"}
        with httpx.Client(base_url=sandbox.api_root, headers=headers, timeout=30.0) as api:
            seed = api.get("/tickets/search", params={"limit": 100, "sortBy": "modifiedTime"}).json()["data"]
    finally:
        sandbox.stop()
    return [{**seed[index % len(seed)], "id": str(9_000_000 + index)} for index in range(count)]


def used(store: Store) -> int:
    return int(store.redis.info("memory")["used_memory"])


def per_item(store: Store, count: int, write) -> float:
    """Bytes of Redis memory per item that `write(batch)` adds."""
    before = used(store)
    for start in range(0, count, BATCH):
        write(start, min(start + BATCH, count))
    return (used(store) - before) / count


def event_of(ticket: dict[str, Any]) -> dict[str, Any]:
    previous = {**ticket, "priority": "Low"}
    return EventRecord.from_dict(
        {
            "id": event_id(ORG, ticket["id"], ticket["modifiedTime"], "ticket.updated"),
            "org": ORG,
            "kind": "ticket.updated",
            "ticket_id": ticket["id"],
            "modifiedTime": ticket["modifiedTime"],
            "changes": {"priority": ["Low", ticket.get("priority")]},
            "by_deskpilot": False,
            "ticket": ticket,
            "previous": previous,
            "observed_at": ticket["modifiedTime"],
        }
    )


def measure(tickets: list[dict[str, Any]]) -> dict[str, Any]:
    count = len(tickets)
    events = [event_of(ticket) for ticket in tickets]
    with tempfile.TemporaryDirectory() as tmp:
        server = RedisServer(directory=Path(tmp)).start()
        try:
            store = Store.connect(server.client())
            mirror = per_item(store, count, lambda a, b: store.mirror.put_many(ORG, {t["id"]: t for t in tickets[a:b]}))
            closed = per_item(
                store, count, lambda a, b: store.closed.put_many(ORG, {t["id"]: compact(t) for t in tickets[a:b]})
            )
            pending = per_item(store, count, lambda a, b: [store.events.append(event) for event in events[a:b]])
            freed = -per_item(store, count, lambda a, b: [store.events.finish(event.id) for event in events[a:b]])
            finished = pending - freed
        finally:
            server.stop()
    return {
        "bench": "redis_memory",
        "tickets": count,
        "bytes_per_mirrored_ticket": round(mirror),
        "bytes_per_closed_snapshot": round(closed),
        "bytes_per_pending_event": round(pending),
        "bytes_per_finished_event": round(finished),
        "mb_per_100k_closed_tickets": round(closed * 100_000 / 2**20, 1),
        "mb_held_per_sustained_event_per_s": round(finished * FINISHED_RETENTION_S / 2**20, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000, help="how many tickets and events to write")
    args = parser.parse_args(argv)
    result = measure(search_items(args.tickets))
    print(
        f"per mirrored ticket: {result['bytes_per_mirrored_ticket']} B; per closed snapshot: "
        f"{result['bytes_per_closed_snapshot']} B "
        f"({result['mb_per_100k_closed_tickets']} MB per 100k closed tickets)"
    )
    print(
        f"per event: {result['bytes_per_pending_event']} B pending, {result['bytes_per_finished_event']} B finished "
        f"({result['mb_held_per_sustained_event_per_s']} MB held per sustained event/s over the finished retention)"
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
