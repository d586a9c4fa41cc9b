"""/metrics (Prometheus) and /healthz, served on 127.0.0.1 by default.

Figures come from Redis (counters every process adds to, gauges, queue lengths, poll lag), so the one process
that serves them reports for all workers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import structlog
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from worker.app.broker import QUEUES
from worker.app.health import HealthVerdict
from worker.app.preflight import PreflightError
from worker.store import Store
from worker.store.keys import server_now

# A connection that sends nothing (a stuck scraper, a port scan) is dropped after this; others are served alongside.
CONNECTION_TIMEOUT_S = 10.0
log = structlog.get_logger(__name__)

COUNTERS = {
    "events_total": ("deskpilot_events_total", "Events evaluated, by kind", ["kind"]),
    "rule_matches_total": ("deskpilot_rule_matches_total", "Rules fired, by rule", ["rule"]),
    "actions_total": ("deskpilot_actions_total", "Actions finished, by type and outcome", ["type", "outcome"]),
    "api_calls_total": ("deskpilot_api_calls_total", "Desk API calls, by status", ["status"]),
    "sla_escalations_total": (
        "deskpilot_sla_escalations_total",
        "SLA escalation levels fired",
        ["policy", "metric", "level"],
    ),
    "rule_errors_total": ("deskpilot_rule_errors_total", "Rule evaluations that failed, by rule", ["rule"]),
    "action_rule_errors_total": (
        "deskpilot_action_rule_errors_total",
        "Actions refused for the rule's fault, by rule",
        ["rule"],
    ),
    "search_bad_answers_total": (
        "deskpilot_search_bad_answers_total",
        "Search answers without a data list (the poll's cursor stayed)",
        ["org"],
    ),
    "search_items_skipped_total": (
        "deskpilot_search_items_skipped_total",
        "Search items without an id or modifiedTime, skipped",
        ["org"],
    ),
    "late_changes_total": (
        "deskpilot_late_changes_total",
        "Changes the search index showed later than the poll overlap",
        ["org"],
    ),
    "events_logged_total": ("deskpilot_events_logged_total", "Events logged, by what saw the change", ["source"]),
    "webhook_deliveries_total": (
        "deskpilot_webhook_deliveries_total",
        "Webhook deliveries answered, by org ('-' when refused before it was known) and status",
        ["org", "status"],
    ),
    "webhook_fetches_total": (
        "deskpilot_webhook_fetches_total",
        "Tickets read from the Desk because a delivery needed it (new, moved, a thread or comment)",
        ["org"],
    ),
    "changes_without_snapshot_total": (
        "deskpilot_changes_without_snapshot_total",
        "Changes to tickets with no snapshot to diff against",
        ["org"],
    ),
}


class StoreCollector(Collector):
    def __init__(self, store: Store, org_ids: list[str], credits_left: Callable[[str], int | None]) -> None:
        self.store = store
        self.org_ids = org_ids
        self.credits_left = credits_left

    def collect(self) -> Iterator:
        counters = self.store.metrics.counters()
        for name, (metric, doc, labels) in COUNTERS.items():
            family = CounterMetricFamily(metric, doc, labels=labels)
            for key, value in counters.items():
                if key[0] == name and len(key) - 1 == len(labels):
                    family.add_metric(list(key[1:]), value)
            yield family
        yield self._queue_depths()
        yield self._poll_lag()
        yield self._credits()

    def _credits(self) -> GaugeMetricFamily:
        family = GaugeMetricFamily(
            "deskpilot_credits_left", "Daily API credits left, as the Desk last reported", labels=["org"]
        )
        for org_id in self.org_ids:
            left = self.credits_left(org_id)
            if left is not None:
                family.add_metric([org_id], float(left))
        return family

    def _queue_depths(self) -> GaugeMetricFamily:
        family = GaugeMetricFamily("deskpilot_queue_depth", "Messages waiting, by queue", labels=["queue"])
        for queue in QUEUES:
            family.add_metric([queue], float(self.store.redis.llen(f"{self.store.keys.dramatiq_namespace}:{queue}")))
        family.add_metric(["events_pending"], float(self.store.events.pending_count()))
        family.add_metric(["actions_pending"], float(self.store.ledger.pending_count()))
        return family

    def _poll_lag(self) -> GaugeMetricFamily:
        family = GaugeMetricFamily("deskpilot_poll_lag_seconds", "Seconds since each org's cursor", labels=["org"])
        now = server_now(self.store.redis)
        for org_id in self.org_ids:
            cursor = self.store.cursors.get(org_id)
            if cursor is not None:
                family.add_metric([org_id], (now - cursor).total_seconds())
        return family


class _QuietHandler(WSGIRequestHandler):
    timeout = CONNECTION_TIMEOUT_S  # socketserver sets it on each connection

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
        return


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    """One thread per connection, so an idle or slow client never holds up /healthz for the others."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        log.debug("metrics.connection_dropped", client=client_address[0])


def serve(collector: StoreCollector, health: Callable[[], HealthVerdict], host: str, port: int) -> WSGIServer:
    """Start the metrics server in a daemon thread; returns it so the caller can shut it down.

    /healthz answers 200 or 503 with the verdict as JSON: status, reasons, and per org and queue the figures behind it.
    """
    registry = CollectorRegistry()
    registry.register(collector)

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            start_response("200 OK", [("Content-Type", "text/plain; version=0.0.4")])
            return [generate_latest(registry)]
        if path == "/healthz":
            verdict = health()
            start_response(
                "200 OK" if verdict.healthy else "503 Service Unavailable", [("Content-Type", "application/json")]
            )
            return [json.dumps(verdict.as_dict()).encode() + b"\n"]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    try:
        server = make_server(host, port, app, server_class=_ThreadingServer, handler_class=_QuietHandler)
    except OSError as exc:
        raise PreflightError(
            f"cannot serve /metrics on {host}:{port} ({exc.strerror}); "
            "set DESKPILOT_METRICS_PORT to a free port, or 0 for none"
        ) from None
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
