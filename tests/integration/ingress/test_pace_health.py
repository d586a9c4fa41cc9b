"""The poll's pace and /healthz with webhooks, against a real redis-server: the safety net's long interval while
deliveries arrive, the fallback (a warning, not a 503) when polls find changes no delivery brought."""

from __future__ import annotations

from config.settings import Settings
from worker.app.health import HealthCheck
from worker.app.poll_pace import PollPace
from worker.store.health import PollHealth
from worker.store.keys import Keys, server_ms
from worker.store.webhooks import WebhookState

ORG = "7"


def settings(**overrides) -> Settings:
    values = dict(_env_file=None, org_ids=[ORG], poll_interval_s=2.0, health_grace_s=5.0, webhook_port=9999)
    return Settings(**{**values, **overrides})


def test_the_pace_follows_the_deliveries_and_healthz_says_so(redis_server):
    client = redis_server.client()
    state = WebhookState(client, Keys())
    PollHealth(client, Keys()).succeeded(ORG)

    def verdict():
        pace = PollPace(settings(webhook_silence_s=1.0), state, lambda: server_ms(client))
        health = HealthCheck(client, settings(), server_ms(client), lambda _: 0.0, webhooks=pace.info)
        return pace.interval_s(ORG), health.verdict()

    # no subscription: the short poll
    interval, result = verdict()
    assert interval == 2.0 and result.orgs[ORG]["webhooks"]["mode"] == "poll" and result.healthy
    # installed, a delivery arrived: the safety net's interval, healthy
    state.remember(ORG, "1", {"url": "https://x.example/desk", "events": ["Ticket_Update"]})
    state.note_delivery(ORG)
    interval, result = verdict()
    assert interval == 60.0 and result.orgs[ORG]["webhooks"]["deliveries"] == 1 and not result.warnings
    # a poll found changes no delivery brought, and none arrived since (past the silence): the short poll again,
    # a warning, still 200
    client.hset(Keys().key("webhooks", ORG, "status"), "last_delivery_ms", server_ms(client) - 5_000)
    state.note_missed(ORG, 3)
    interval, result = verdict()
    assert interval == 2.0 and result.orgs[ORG]["webhooks"]["mode"] == "fallback"
    assert result.healthy and "no webhook delivered" in result.warnings[0]
    # a delivery arrives again: back to the safety net
    state.note_delivery(ORG)
    assert verdict()[0] == 60.0


def test_without_a_receiver_the_pace_is_the_poll_interval(redis_server):
    client = redis_server.client()
    state = WebhookState(client, Keys())
    state.remember(ORG, "1", {"url": "https://x.example/desk", "events": ["Ticket_Update"]})
    pace = PollPace(settings(webhook_port=0), state, lambda: server_ms(client))
    assert pace.info(ORG) == {"mode": "poll", "poll_interval_s": 2.0, "receiver": False}
