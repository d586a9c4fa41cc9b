"""What keeping ticket activity costs per change: Desk API calls and Redis commands of one poll that sees N changes
of one kind, without the activity keeper, with it lean (no rule reads a reply's text, author or thread, nor
changed_by) and full (a rule reads changed_by: threads and the History are read), and with SLA timelines kept
beside it: `_sla` shares the thread read both need (ingest/thread_reads.py, as the poll actor wires it),
`_sla_apart` does not.

    .venv/bin/python bench/bench_activity.py [--changes N]

Each run: a fresh redis-server and sandbox (60 tickets), a backfill, one change on each of N open tickets and a
poll (their first change: a ticket mirrored before reads its threads once), then the measured round: one more
change on each and one poll. Kinds: a field update (subject), an agent's reply (sendReply), a customer's reply
(the sandbox's customerReply control). Redis commands are INFO commandstats over the poll (the Desk client's
budget costs about 12 per call). Prints human lines, then one JSON line {"bench": "activity", ...}.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.desk.conftest import desk_settings  # noqa: E402
from tests.support.redis_server import RedisServer  # noqa: E402
from tests.support.sandbox import SandboxProcess  # noqa: E402
from worker.app.desk_config import desk_config  # noqa: E402
from worker.desk.client import DeskClient  # noqa: E402
from worker.desk.retry import RetryPolicy  # noqa: E402
from worker.engine.schema import EVENT_KINDS  # noqa: E402
from worker.ingest.activity_sync import ActivityKeeper  # noqa: E402
from worker.ingest.poller import Poller  # noqa: E402
from worker.ingest.timeline_sync import TimelineKeeper  # noqa: E402
from worker.store import Store  # noqa: E402

KINDS = ("update", "agent_reply", "customer_reply")
MODES = ("none", "lean", "full", "lean_sla", "full_sla_apart", "full_sla")
NO_RETRY = RetryPolicy(attempts=1, base_s=0.01, cap_s=0.01, deadline_s=5.0)


def commands(redis: Any) -> int:
    return sum(stats["calls"] for stats in redis.info("commandstats").values())


def change(client: DeskClient, sandbox: SandboxProcess, kind: str, ticket_id: str, round_: int) -> None:
    request = client.transport.request
    if kind == "agent_reply":
        body = {"channel": "FACEBOOK", "content": f"reply {round_}"}
        request("POST", f"/tickets/{ticket_id}/sendReply", json=body, idempotent=False)
    elif kind == "customer_reply":
        sandbox.control.post(f"/_sandbox/tickets/{ticket_id}/customerReply").raise_for_status()
    else:
        request("PATCH", f"/tickets/{ticket_id}", json={"subject": f"changed {round_}"})


def keepers_for(mode: str, client: DeskClient, store: Store) -> tuple[TimelineKeeper | None, ActivityKeeper | None]:
    timelines = TimelineKeeper(client, store) if "_sla" in mode else None
    if mode == "none":
        return timelines, None
    full = mode.startswith("full")
    shared = timelines.reads if timelines is not None and not mode.endswith("apart") else None
    actors = frozenset(EVENT_KINDS) if full else frozenset()
    return timelines, ActivityKeeper(client, store, actor_kinds=actors, read_threads=full, share_threads=shared)


def run(kind: str, mode: str, changes: int) -> dict[str, Any]:
    redis_server = RedisServer(directory=Path(tempfile.mkdtemp())).start()
    sandbox = SandboxProcess(orgs=1, tickets=60).start()
    try:
        config = desk_config(desk_settings(sandbox, redis_server))
        with DeskClient(config, redis_server.client(), sandbox.org_ids[0], policy=NO_RETRY) as client:
            store = Store.connect(redis_server.client())
            timelines, activity = keepers_for(mode, client, store)
            poller = Poller(
                client, store, lambda _id: None, overlap=timedelta(seconds=5), timelines=timelines, activity=activity
            )
            poller.poll()
            if timelines is not None:
                timelines.fill()  # the backfill's timelines, read once
            listed = client.transport.request("GET", "/tickets", params={"limit": 100, "status": "Open"})["data"]
            ids = [ticket["id"] for ticket in listed[:changes]]
            for round_ in (1, 2):
                for ticket_id in ids:
                    change(client, sandbox, kind, ticket_id, round_)
                if round_ == 1:
                    poller.poll()
            calls: Counter[str] = Counter()
            original = client.transport.request

            def counted(method: str, path: str, **kwargs: Any) -> Any:
                calls[path.rsplit("/", 1)[-1] if "/tickets/" in path else path] += 1
                return original(method, path, **kwargs)

            client.transport.request = counted  # type: ignore[method-assign]
            before = commands(store.redis)
            events = len(poller.poll().events)
            redis_commands = commands(store.redis) - before
        calls.pop("search", None)  # the poll's own page
        return {
            "kind": kind,
            "mode": mode,
            "changes": len(ids),
            "events": events,
            "calls_per_change": {name: count / len(ids) for name, count in calls.items()},
            "redis_commands_per_change": round(redis_commands / len(ids), 1),
        }
    finally:
        sandbox.stop()
        redis_server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    results = [run(kind, mode, args.changes) for kind in KINDS for mode in MODES]
    for item in results:
        print(
            f"{item['kind']:15s} {item['mode']:14s} changes={item['changes']} events={item['events']} "
            f"calls/change={item['calls_per_change'] or 0} redis/change={item['redis_commands_per_change']}"
        )
    print(json.dumps({"bench": "activity", "results": results}))


if __name__ == "__main__":
    main()
