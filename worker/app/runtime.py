"""What one deskpilot process shares between its threads: settings, Redis, the store, rules, Desk clients.

Built once per process (`get_runtime()`), lazily, from the settings; `deskpilot run` and tests may install
their own with `set_runtime`.
"""
from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field

import httpx
import redis as redis_lib

from config.settings import Settings, load_settings
from worker.app.desk_config import desk_config
from worker.desk.config import DeskConfig
from worker.desk.client import DeskClient
from worker.ingest.directory import DirectoryCache
from worker.engine.directory import Directory
from worker.engine.names import Catalogue
from worker.app.rules_source import RuleSource
from worker.store import Store
from worker.store.keys import Keys


@dataclass
class Runtime:
    settings: Settings
    redis: redis_lib.Redis
    store: Store
    rules: RuleSource
    directories: DirectoryCache
    desk_config: DeskConfig
    _clients: dict[str, DeskClient] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Runtime":
        redis = redis_lib.Redis.from_url(settings.redis_url, decode_responses=True, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30)
        keys = Keys(settings.redis_namespace)
        store = Store.connect(redis, int(settings.event_deadline_s * 1000), int(settings.action_deadline_s * 1000), keys)
        runtime = cls(
            settings=settings,
            redis=redis,
            store=store,
            rules=RuleSource(settings.rules_path, settings.rules_reload_s, settings.allow_empty_rules,
                             settings.rules_max_file_bytes),
            directories=DirectoryCache(store, settings.directory_ttl_s),
            desk_config=desk_config(settings, keys),
        )
        runtime.rules.catalogues = runtime.catalogues  # reloads check names against each org's catalogue
        return runtime

    @property
    def owner(self) -> str:
        return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"

    def client(self, org_id: str) -> DeskClient:
        with self._lock:
            client = self._clients.get(org_id)
            if client is None:
                client = DeskClient(self.desk_config, self.redis, org_id)
                self._count_calls(client)
                self._clients[org_id] = client
            return client

    def _count_calls(self, client: DeskClient) -> None:
        """Every answer of the Desk API (not the accounts server) counts in deskpilot_api_calls_total."""
        api_root = self.settings.api_root.rstrip("/")
        metrics = self.store.metrics

        def count(response: httpx.Response) -> None:
            if str(response.request.url).startswith(api_root):
                metrics.incr("api_calls_total", str(response.status_code))

        http = client.transport.http
        http.event_hooks = {**http.event_hooks, "response": [*http.event_hooks.get("response", []), count]}

    def directory(self, org_id: str) -> Directory:
        return self.directories.get(self.client(org_id))

    def catalogues(self) -> dict[str, Catalogue]:
        """Each configured org's catalogue of names (cached with the directory)."""
        return {org_id: self.directories.catalogue(self.client(org_id)) for org_id in self.settings.org_ids}

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()
        self.redis.close()


_runtime: Runtime | None = None
_runtime_lock = threading.Lock()


def get_runtime() -> Runtime:
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            _runtime = Runtime.from_settings(load_settings())
        return _runtime


def set_runtime(runtime: Runtime | None) -> None:
    global _runtime
    with _runtime_lock:
        _runtime = runtime
