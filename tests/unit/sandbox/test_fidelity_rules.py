"""Pure rules fidelity v2 adds: the accounts server's live-token limit per refresh token, the dashboards'
durations, a ticket's history from its records and updates (the activity generator's too), custom values by type."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sandbox.activity import ActivityGenerator
from sandbox.app import endpoints
from sandbox.oauth import ACTIVE_PER_REFRESH, MINT_WINDOW, MINTS_PER_WINDOW, AuthServer, Grant
from sandbox.records.custom_fields import BadCustomValue, by_label, cf_view, checked_value, fields_of
from sandbox.records.durations import day_buckets, span
from sandbox.records.history import record_update, ticket_history
from sandbox.seed import seed_desk
from sandbox.state import Desk
from tests.unit.sandbox.helpers import FrozenClock

NOW = datetime(2026, 3, 18, 15, 30, tzinfo=timezone.utc)  # a Wednesday


def mint_many(server: AuthServer, refresh: str, count: int) -> list[str]:
    """`count` tokens, waiting out the mint window whenever it fills."""
    client = next(iter(server.clients.values()))
    tokens = []
    while len(tokens) < count:
        answer = server.refresh(client, refresh)
        if "error" in answer:
            assert isinstance(server.clock, FrozenClock)
            server.clock.advance(MINT_WINDOW)
            continue
        tokens.append(str(answer["access_token"]))
    return tokens


def test_the_sixteenth_live_token_invalidates_the_oldest():
    server = AuthServer(FrozenClock(NOW), token_ttl=timedelta(days=1))
    client = server.register_client()
    refresh = server.issue_refresh_token(Grant(client.client_id, frozenset({"Desk.tickets.ALL"}), frozenset({"1"})))
    other = server.issue_refresh_token(Grant(client.client_id, frozenset({"Desk.tickets.ALL"}), frozenset({"1"})))
    [kept] = mint_many(server, other, 1)
    tokens = mint_many(server, refresh, ACTIVE_PER_REFRESH)
    assert all(server.lookup(token) for token in tokens)
    [newest] = mint_many(server, refresh, 1)
    assert server.lookup(tokens[0]) is None  # the oldest went
    assert all(server.lookup(token) for token in [*tokens[1:], newest, kept])  # the others, and other refreshes'
    assert MINTS_PER_WINDOW < ACTIVE_PER_REFRESH  # so the limit is only reached across mint windows


def test_expired_tokens_do_not_count_against_the_limit():
    server = AuthServer(FrozenClock(NOW), token_ttl=timedelta(minutes=5))
    client = server.register_client()
    refresh = server.issue_refresh_token(Grant(client.client_id, frozenset(), frozenset({"1"})))
    tokens = mint_many(server, refresh, ACTIVE_PER_REFRESH + 1)  # each window's tokens expire before the next
    assert server.lookup(tokens[-1]) is not None


@pytest.mark.parametrize(
    ("duration", "start", "end"),
    [
        ("TODAY", datetime(2026, 3, 18, tzinfo=timezone.utc), NOW),
        ("YESTERDAY", datetime(2026, 3, 17, tzinfo=timezone.utc), datetime(2026, 3, 18, tzinfo=timezone.utc)),
        ("LAST_7_DAYS", datetime(2026, 3, 12, tzinfo=timezone.utc), NOW),
        ("THIS_WEEK", datetime(2026, 3, 16, tzinfo=timezone.utc), NOW),
        ("LAST_WEEK", datetime(2026, 3, 9, tzinfo=timezone.utc), datetime(2026, 3, 16, tzinfo=timezone.utc)),
        ("LAST_MONTH", datetime(2026, 2, 1, tzinfo=timezone.utc), datetime(2026, 3, 1, tzinfo=timezone.utc)),
        ("LAST_1_HOUR", NOW - timedelta(hours=1), NOW),
    ],
)
def test_durations(duration: str, start: datetime, end: datetime):
    assert span(duration, NOW) == (start, end)


def test_custom_durations_and_day_buckets():
    begin, end = span("CUSTOM_IN_DATE", NOW, "2026-01-30", "2026-02-01")
    assert day_buckets(begin, end) == ["2026-01-30", "2026-01-31", "2026-02-01"]
    assert span("CUSTOM_IN_MILLIS", NOW, "0", "1000")[1] == datetime(1970, 1, 1, 0, 0, 1, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        span("CUSTOM_IN_DATE", NOW)
    with pytest.raises(ValueError):
        span("CUSTOM_IN_DATE", NOW, "2026-13-01", "2026-01-01")


def test_history_reads_the_records_and_the_recorded_updates():
    desk = Desk(clock=FrozenClock(NOW))
    seed_desk(desk, seed=3, orgs=1, tickets=30)
    org = next(iter(desk.orgs.values()))
    ticket = max(org.tickets.values(), key=lambda t: int(t["threadCount"]))
    events = ticket_history(org, ticket)
    names = [event["eventName"] for event in events]
    assert names[-1] == "TicketCreated" and names.count("ThreadAdded") == int(ticket["threadCount"])
    assert [event["eventTime"] for event in events] == sorted((e["eventTime"] for e in events), reverse=True)
    admin = next(iter(org.agents.values()))
    before = {"priority": ticket["priority"], "customFields": dict(ticket["customFields"])}
    ticket["priority"], ticket["customFields"]["ModelName"] = "Urgent", "X1 Pro"
    record_update(org, ticket, before, admin)
    record_update(org, ticket, {"priority": "Urgent"}, admin)  # nothing changed: nothing recorded
    [update] = [event for event in ticket_history(org, ticket) if event["eventName"] == "TicketUpdated"]
    assert [item["propertyName"] for item in update["eventInfo"]] == ["priority", "ModelName"]
    assert update["actor"] == {"id": admin["id"], "name": f"{admin['firstName']} {admin['lastName']}", "type": "Agent"}


def test_the_activity_generator_s_field_changes_are_in_the_history():
    desk = Desk(clock=FrozenClock(NOW))
    seed_desk(desk, seed=3, orgs=1, tickets=30)
    generator = ActivityGenerator(desk, seed=5, rate_per_s=5)
    changed = []
    for _ in range(120):
        desk.clock.advance(timedelta(seconds=2))
        change = generator.step()
        if change["kind"] in ("status.changed", "priority.changed", "assignee.changed"):
            changed.append(change)
    assert changed
    for change in changed:
        org = desk.orgs[change["orgId"]]
        events = ticket_history(org, org.tickets[change["ticketId"]])
        assert any(event["eventName"] == "TicketUpdated" for event in events), change


@pytest.mark.parametrize(
    ("label", "value", "stored"),
    [
        ("ModelName", "X1 Pro", "X1 Pro"),
        ("numberOfItems", 3, "3"),
        ("numberOfItems", "12", "12"),
        ("severityPercentage", "12.5", "12.5"),
        ("dateofPurchase", "2026-02-28", "2026-02-28"),
        ("secondaryEmail", "a@b.co", "a@b.co"),
        ("url", "https://zylker.com/x", "https://zylker.com/x"),
        ("permanentAddress", 221, "221"),
        ("ModelName", None, None),
        ("ModelName", "", None),
    ],
)
def test_custom_values_kept_as_text(label: str, value: object, stored: str | None):
    assert checked_value(by_label("tickets")[label], value) == stored


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("ModelName", "Z9000"),
        ("numberOfItems", "1.5"),
        ("numberOfItems", "1234567890"),
        ("numberOfItems", True),
        ("severityPercentage", "101"),
        ("dateofPurchase", "2026-02-30"),
        ("secondaryEmail", "nobody"),
        ("url", "not a url"),
        ("permanentAddress", ["a"]),
    ],
)
def test_custom_values_refused_by_type(label: str, value: object):
    with pytest.raises(BadCustomValue):
        checked_value(by_label("tickets")[label], value)


def test_cf_is_keyed_by_api_name_and_lists_every_field():
    view = cf_view("contacts", {"lastContactedOn": "2026-01-01"})
    assert view == {"cf_permanent_address": None, "cf_last_contacted_on": "2026-01-01"}
    assert [field.api_name for field in fields_of("tickets")][:2] == ["cf_secondary_email", "cf_model_name"]


def test_the_readme_states_the_endpoint_count():
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"The sandbox serves (\d+) endpoints under `/api/v1`", readme)
    assert stated, "README.md lost the sentence 'The sandbox serves N endpoints under `/api/v1`'"
    assert int(stated[1]) == len(endpoints()), "update the endpoint count in README.md (The sandbox Desk section)"
