"""Fields beyond the ticket, through the worker's parts against the sandbox Desk over real HTTP and a real
redis-server: a rule on the requester's custom field and account, and on business hours, fetches the contact and
the account once (then reads them from Redis) and fires only when the calendar is closed."""

from __future__ import annotations

from datetime import datetime, timezone

from structlog.testing import capture_logs

from tests.integration.pipeline.act_support import desk_clients, direct_api, setup
from worker.engine.directory import Directory
from worker.engine.loader import load_rules_text
from worker.plan.facts import FactsFetcher
from worker.plan.on_event import evaluate_event
from worker.store.records import EventRecord

RULES = """
calendars:
  support:
    timezone: Europe/Berlin
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"],
            fri: ["09:00-17:00"]}
rules:
  - id: out-of-hours-vip
    on: ticket.created
    if:
      all:
        - business_hours: {calendar: support, is: closed}
        - {field: contact.customFields.permanentAddress, equals: 1 VIP Street}
        - {field: account.accountName, exists: true}
    then:
      - comment: {text: "We are closed; {{ ticket.account.accountName }} will hear from us at 09:00."}
"""
OPEN = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # Tuesday 11:00 in Berlin
CLOSED = datetime(2026, 12, 1, 20, 0, tzinfo=timezone.utc)  # Tuesday 21:00


def test_contact_and_account_are_fetched_once_and_the_rule_fires_only_out_of_hours(sandbox, redis_server):
    settings, store, _ = setup(sandbox, redis_server)
    org = sandbox.org_ids[0]
    with direct_api(sandbox) as api:
        tickets = api.get("/tickets", params={"limit": 50}).json()["data"]
        accounts = {contact["id"]: contact.get("accountId") for contact in api.get("/contacts").json()["data"]}
        ticket = next(item for item in tickets if accounts.get(item.get("contactId")))
        answer = api.patch(
            f"/contacts/{ticket['contactId']}", json={"customFields": {"permanentAddress": "1 VIP Street"}}
        )
        assert answer.status_code == 200, answer.text
        account_name = api.get(f"/accounts/{accounts[ticket['contactId']]}").json()["accountName"]
    ticket = {key: value for key, value in ticket.items() if key not in ("accountId", "contact")}  # only contactId
    rules = load_rules_text(RULES)
    for event_id in ("ev-open", "ev-closed"):
        store.events.append(
            EventRecord(id=event_id, org=org, kind="ticket.created", ticket_id=ticket["id"], ticket=ticket)
        )
    sent: list[str] = []
    with desk_clients(settings, store) as client_for, capture_logs() as logs:
        facts = FactsFetcher(store, client_for)
        # When the same change is evaluated in open hours, then out of hours
        evaluate_event(store, rules, lambda _: Directory(), "ev-open", OPEN, sent.append, facts.for_ticket)
        assert sent == []
        evaluate_event(store, rules, lambda _: Directory(), "ev-closed", CLOSED, sent.append, facts.for_ticket)
    # Then only the out-of-hours evaluation fired, reading the fetched account in its template
    [action_id] = sent
    planned = store.ledger.get(action_id).action
    assert planned.rule == "out-of-hours-vip"
    assert planned.params["text"].startswith(f"We are closed; {account_name} will hear")
    # and the contact and the account were each fetched once: the second evaluation read them from Redis
    fetched = [(entry["kind"], entry["found"]) for entry in logs if entry["event"] == "facts.fetched"]
    assert fetched == [("contact", True), ("account", True)]
