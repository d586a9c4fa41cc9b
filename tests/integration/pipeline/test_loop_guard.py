"""The loop guard against the sandbox over real HTTP and a real redis-server: a person's change is never taken for
deskpilot's own, and deskpilot's own still is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.pipeline.act_support import action, desk_clients, direct_api, setup
from worker.actions.enforcer import ApplyResult
from worker.engine.evaluate import Event, evaluate
from worker.engine.loader import load_rules_text
from worker.ingest.poller import Poller

ANSWER_PEOPLE = """
rules:
  - id: answer-people
    on: ticket.commented
    then:
      - comment: {public: false, text: "Seen by the team."}
"""
TOO_LONG = "x" * 40_000  # past the Desk's comment size: refused for good (INVALID_DATA)


@pytest.fixture
def world(sandbox, redis_server) -> Iterator[dict[str, Any]]:
    settings, store, enforcer = setup(sandbox, redis_server)
    with desk_clients(settings, store) as client_for, direct_api(sandbox) as api:
        sent: list[str] = []
        poller = Poller(client_for(sandbox.org_ids[0]), store, sent.append, overlap=timedelta(seconds=5))
        poller.poll()  # the backfill: later polls log events
        ticket = api.get("/tickets", params={"limit": 1, "status": "Open"}).json()["data"][0]
        yield {
            "store": store,
            "enforcer": enforcer,
            "client_for": client_for,
            "api": api,
            "poller": poller,
            "sent": sent,
            "ticket": ticket,
        }


def commented_events(world: dict[str, Any]) -> list[dict[str, Any]]:
    events = [world["store"].events.get(event_id) for event_id in world["sent"]]
    return [event for event in events if event.kind == "ticket.commented"]


def comment_action(world, sandbox, action_id: str, text: str) -> ApplyResult:
    world["store"].ledger.record(
        action_id, action(sandbox, world["ticket"], "comment", {"public": False, "text": text})
    )
    return world["enforcer"].apply(action_id, world["client_for"])


def test_after_a_refused_comment_a_persons_comment_fires_the_rule_meant_for_people(world, sandbox):
    # given a comment action the Desk refused for good
    assert comment_action(world, sandbox, "act-refused", TOO_LONG) == ApplyResult.FAILED
    # when a person comments on the same ticket and the poller sees it
    person = world["api"].post(
        f"/tickets/{world['ticket']['id']}/comments", json={"content": "Any news?", "isPublic": True}
    )
    assert person.status_code == 200
    world["poller"].poll()
    # then the comment is a person's, and the rule meant for people's comments fires
    [event] = commented_events(world)
    assert event.by_deskpilot is False
    seen = Event("ticket.commented", event.ticket_id, {}, event.by_deskpilot, event.id)
    assert evaluate(load_rules_text(ANSWER_PEOPLE), seen, event.ticket, event.previous).fired_ids == ["answer-people"]


def test_a_persons_comment_beside_ours_in_one_poll_is_a_persons(world, sandbox):
    # given deskpilot's comment and a person's comment on the ticket since the last poll
    assert comment_action(world, sandbox, "act-ours", "Noted.") == ApplyResult.DONE
    world["api"].post(f"/tickets/{world['ticket']['id']}/comments", json={"content": "Thanks", "isPublic": True})
    # when the poller sees both
    world["poller"].poll()
    # then the change is not all ours: rules for people's comments still run
    [event] = commented_events(world)
    assert event.by_deskpilot is False


def test_our_own_comment_is_ours(world, sandbox):
    # given deskpilot's comment alone
    assert comment_action(world, sandbox, "act-alone", "Noted.") == ApplyResult.DONE
    # when the poller sees it, then it is tagged as deskpilot's (rules without retrigger skip it)
    world["poller"].poll()
    [event] = commented_events(world)
    assert event.by_deskpilot is True
    assert world["store"].own_writes.pending_comments(sandbox.org_ids[0], world["ticket"]["id"]) == {}
