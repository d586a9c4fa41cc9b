"""What one deskpilot process shares between its threads: settings, Redis, the store, rules, Desk clients.

Built explicitly, once per process, by whoever runs it (`Runtime.from_settings(settings)`: the service, a CLI
command, a test) and handed to what needs it (the actors: `app/actors.declare_actors`); nothing builds one at
import. The Desk clients of all orgs share one httpx client, built with the hook that counts API answers, and one
token provider; their budget reads Redis time from the message's step clock (store/keys.py) when one is open.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field

import httpx
import redis as redis_lib

from config.settings import Settings
from worker.actions.outbound import Outbound
from worker.app.desk_config import desk_config
from worker.app.outbound_check import outbound_report
from worker.app.outbound_setup import build_outbound
from worker.app.rules_source import RuleSource
from worker.desk.auth import TokenProvider
from worker.desk.budget import Budget
from worker.desk.client import DeskClient
from worker.desk.config import DeskConfig
from worker.desk.transport import USER_AGENT
from worker.engine.directory import Directory
from worker.engine.names import Catalogue
from worker.ingest.directory import DirectoryCache
from worker.store import Store
from worker.store.keys import Keys, step_clock_ms


@dataclass
class Runtime:
    settings: Settings
    redis: redis_lib.Redis
    store: Store
    rules: RuleSource
    directories: DirectoryCache
    desk_config: DeskConfig
    _clients: dict[str, DeskClient] = field(default_factory=dict)
    _http: httpx.Client | None = None
    _tokens: TokenProvider | None = None
    _budget: Budget | None = None  # one for every org (its keys are per org), on the step clock's Redis time
    _outbound: Outbound | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        redis = redis_lib.Redis.from_url(
            settings.redis_url,
            decode_responses=True,
            socket_timeout=10,
            socket_connect_timeout=5,
            health_check_interval=30,
        )
        keys = Keys(settings.redis_namespace)
        store = Store.connect(
            redis, int(settings.event_deadline_s * 1000), int(settings.action_deadline_s * 1000), keys
        )
        runtime = cls(
            settings=settings,
            redis=redis,
            store=store,
            rules=RuleSource(
                settings.rules_path, settings.rules_reload_s, settings.allow_empty_rules, settings.rules_max_file_bytes
            ),
            directories=DirectoryCache(store, settings.directory_ttl_s),
            desk_config=desk_config(settings, keys),
        )
        runtime.rules.catalogues = runtime.catalogues  # reloads check names against each org's catalogue
        runtime.rules.lacking = lambda rules: outbound_report(settings, rules).errors  # e.g. SMTP for email rules
        return runtime

    @property
    def owner(self) -> str:
        return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"

    def client(self, org_id: str) -> DeskClient:
        with self._lock:
            client = self._clients.get(org_id)
            if client is None:
                if self._http is None:
                    self._http = self._build_http()
                    self._tokens = TokenProvider(self.desk_config, self.redis, http=self._http)
                    self._budget = Budget.from_config(self.desk_config, self.redis, clock=step_clock_ms)  # no TIME
                client = DeskClient(
                    self.desk_config, self.redis, org_id, http=self._http, tokens=self._tokens, budget=self._budget
                )
                self._clients[org_id] = client
            return client

    def _build_http(self) -> httpx.Client:
        """The process's one HTTP client for the Desk and its accounts server; every answer of the Desk API (not
        the accounts server) counts in deskpilot_api_calls_total."""
        config, metrics = self.desk_config, self.store.metrics
        api_root = config.api_root.rstrip("/")

        def count(response: httpx.Response) -> None:
            if str(response.request.url).startswith(api_root):
                metrics.incr("api_calls_total", str(response.status_code))

        return httpx.Client(
            timeout=httpx.Timeout(config.http_timeout_s, connect=config.connect_timeout_s),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
            event_hooks={"response": [count]},
        )

    def outbound(self) -> Outbound:
        """What notify and email deliver through: one HTTP client for webhooks, the SMTP settings (None when
        DESKPILOT_SMTP_HOST or _FROM is not set: preflight refuses to start with an email rule then)."""
        with self._lock:
            if self._outbound is None:
                self._outbound = build_outbound(self.settings)
            return self._outbound

    def directory(self, org_id: str) -> Directory:
        return self.directories.get(self.client(org_id))

    def catalogues(self) -> dict[str, Catalogue]:
        """Each configured org's catalogue of names (cached with the directory)."""
        return {org_id: self.directories.catalogue(self.client(org_id)) for org_id in self.settings.org_ids}

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()
        if self._tokens is not None:
            self._tokens.close()
        if self._http is not None:
            self._http.close()
        if self._outbound is not None:
            self._outbound.close()
            self._outbound = None
        self._http = self._tokens = None
        self.redis.close()
