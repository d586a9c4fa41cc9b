"""A worker process for the multi-process tests: N threads of Desk calls through one DeskClient.

Run as `python -m tests.integration.desk.proc_worker '<json>'`; prints one JSON line with what happened.
Options: settings (dict for Settings), org_id, threads, calls (per thread), seconds (run for a duration instead),
ticket_id, label, mode ("mixed": alternate GET ticket and POST comment with a unique marker; "read").
"""

from __future__ import annotations

import json
import sys
import threading
import time

import redis

from config.logging import configure_logging
from config.settings import Settings
from worker.app.desk_config import desk_config
from worker.desk.client import DeskClient
from worker.desk.models import CommentInput
from worker.desk.retry import RetryPolicy


def main(raw: str) -> int:
    options = json.loads(raw)
    settings = Settings(**options["settings"], _env_file=None)
    configure_logging(level=settings.log_level, fmt="json")
    client = DeskClient(
        desk_config(settings),
        redis.Redis.from_url(settings.redis_url),
        options["org_id"],
        policy=RetryPolicy(attempts=6, base_s=0.02, cap_s=0.3, deadline_s=60),
    )
    label, ticket_id, mode = options["label"], options["ticket_id"], options.get("mode", "mixed")
    done: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()
    refreshed_at: list[float] = []
    mint = client.tokens._mint_and_store

    def timed_mint():  # record when this process minted (a spy on our own provider)
        token = mint()
        refreshed_at.append(time.time())
        return token

    client.tokens._mint_and_store = timed_mint  # type: ignore[method-assign]

    def worker(t: int) -> None:
        c = 0
        while True:
            if "seconds" in options:
                if time.monotonic() >= deadline:
                    return
            elif c >= options["calls"]:
                return
            try:
                if mode == "mixed" and c % 2 == 1:
                    marker = f"{label}-t{t}-c{c}"
                    client.comments.create(ticket_id, CommentInput(content=marker, isPublic=False))
                    with lock:
                        done.append(marker)
                else:
                    client.tickets.get(ticket_id)
                    with lock:
                        done.append("read")
            except Exception as exc:  # reported to the test
                with lock:
                    failures.append(f"{type(exc).__name__}: {exc}")
            c += 1

    # Start together: wait for the go time the test gave (wall clock shared by the processes on one machine).
    time.sleep(max(0.0, options.get("start_at", 0) - time.time()))
    deadline = time.monotonic() + options.get("seconds", 0)
    started = time.time()
    threads = [threading.Thread(target=worker, args=(t,)) for t in range(options["threads"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ended = time.time()
    print(
        json.dumps(
            {
                "label": label,
                "started": started,
                "ended": ended,
                "done": done,
                "failures": failures,
                "refreshes": client.tokens.refreshes,
                "refreshed_at": refreshed_at,
                "tokens_refused": client.transport.stats.tokens_refused,
                "calls": client.transport.stats.calls,
                "attempts": client.transport.stats.attempts,
                "throttled": client.transport.stats.throttled,
            }
        ),
        flush=True,
    )
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
