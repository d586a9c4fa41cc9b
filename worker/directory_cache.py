"""The directory rules resolve names through (agents, departments, reply addresses), fetched rarely and shared.

One fetch per org per `ttl_s` (a few calls), kept in Redis for every process and memoised in each process, plus
each agent's open-ticket count, measured from the mirror (no API call), for assignment caps.
"""
from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import structlog

from worker.desk.client import DeskClient
from worker.desk.paging import MAX_LIMIT, iter_offset
from worker.engine.directory import Directory
from worker.store import Store
from worker.store.keys import key
from worker.changes import is_closed

log = structlog.get_logger(__name__)
SOURCES = {"agents": "/agents", "departments": "/departments", "mailReplyAddresses": "/mailReplyAddress"}
LOCAL_MEMO_S = 30.0  # assignment caps read loads at most this old; the directory itself changes rarely


def _all(client: DeskClient, path: str) -> Iterator[dict[str, Any]]:
    def fetch(from_: int, limit: int) -> list[dict[str, Any]]:
        body = client.transport.request("GET", path, params={"from": from_, "limit": limit})
        return (body or {}).get("data") or []

    if path == "/mailReplyAddress":  # not paged by the Desk
        body = client.transport.request("GET", path)
        return iter((body or {}).get("data") or [])
    return iter_offset(fetch, limit=MAX_LIMIT)


@dataclass
class DirectoryCache:
    store: Store
    ttl_s: float = 600.0
    _memo: dict[str, tuple[float, Directory]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, client: DeskClient) -> Directory:
        org_id = client.org_id
        memo = self._memo.get(org_id)
        if memo and time.monotonic() - memo[0] < LOCAL_MEMO_S:
            return memo[1]
        with self._lock:
            memo = self._memo.get(org_id)  # another thread may have refreshed it while this one waited
            if memo and time.monotonic() - memo[0] < LOCAL_MEMO_S:
                return memo[1]
            data = self._shared(client)
            directory = Directory.from_data(data)
            self._memo[org_id] = (time.monotonic(), directory)
            return directory

    def _shared(self, client: DeskClient) -> dict[str, Any]:
        name = key("directory", client.org_id)
        raw = self.store.redis.get(name)
        if raw:
            data = json.loads(raw)
        else:
            data = {field_name: list(_all(client, path)) for field_name, path in SOURCES.items()}
            self.store.redis.set(name, json.dumps(data), ex=int(self.ttl_s))
            log.info("directory.fetched", org=client.org_id, agents=len(data["agents"]), departments=len(data["departments"]))
        data["openTickets"] = self._open_tickets(client.org_id)
        return data

    def _open_tickets(self, org_id: str) -> dict[str, int]:
        return dict(Counter(
            ticket["assigneeId"] for ticket in self.store.mirror.scan(org_id)
            if ticket.get("assigneeId") and not is_closed(ticket)
        ))
