"""What rules name in each org, fetched rarely and shared: the directory rules resolve names through (agents,
departments, reply addresses) and the catalogue reloads are checked against (plus teams, ticket fields,
layouts).

One fetch per org per `ttl_s` (a few calls, worker/ingest/catalogue.py), kept in Redis for every process and
memoised in each process, plus each agent's open-ticket count, measured from the mirror (no API call), for
assignment caps.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import structlog

from worker.desk.client import DeskClient
from worker.engine.directory import Directory
from worker.engine.names import Catalogue
from worker.engine.values import is_closed
from worker.ingest.catalogue import fetch_names
from worker.store import Store

log = structlog.get_logger(__name__)
LOCAL_MEMO_S = 30.0  # assignment caps read loads at most this old; the directory itself changes rarely


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
            data["openTickets"] = self._open_tickets(client.org_id)
            directory = Directory.from_data(data)
            self._memo[org_id] = (time.monotonic(), directory)
            return directory

    def catalogue(self, client: DeskClient) -> Catalogue:
        """The org's catalogue for checking rule names (the same shared fetch as the directory)."""
        with self._lock:
            return Catalogue.from_data(self._shared(client))

    def _shared(self, client: DeskClient) -> dict[str, Any]:
        name = self.store.keys.key("directory", client.org_id)
        raw = self.store.redis.get(name)
        if raw:
            return json.loads(raw)
        data = fetch_names(client)
        self.store.redis.set(name, json.dumps(data), px=max(1, int(self.ttl_s * 1000)))  # ex=int() was 0 under 1 s
        log.info(
            "directory.fetched",
            org=client.org_id,
            agents=len(data["agents"]),
            departments=len(data["departments"]),
            teams=len(data.get("teams", ())),
            ticket_fields=len(data.get("ticketFields", ())),
        )
        return data

    def _open_tickets(self, org_id: str) -> dict[str, int]:
        return dict(
            Counter(
                ticket["assigneeId"]
                for ticket in self.store.mirror.scan(org_id)
                if ticket.get("assigneeId") and not is_closed(ticket)
            )
        )
