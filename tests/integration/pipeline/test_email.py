"""email through the enforcer against a real SMTP server (aiosmtpd on 127.0.0.1, started here), the sandbox Desk
(agents' addresses, a team's members) and a real redis-server: the message arrives with its recipients, subject,
body and a Message-ID made from the action id; a retry sends the same Message-ID; SMTP 5xx is permanent, 4xx is
retried; a login carries the password to the server and nowhere else."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.integration.pipeline.act_support import desk_clients, direct_api, first_ticket, setup
from tests.support.ports import free_port
from worker.actions.enforcer import ApplyResult, Enforcer
from worker.actions.outbound import DeliveryFailed, Outbound, SmtpConfig
from worker.store.records import LedgerAction

SENDER = "deskpilot@zylker.example"
PASSWORD = "smtp-pass-never-logged"


@dataclass
class Inbox:
    """aiosmtpd's handler: records what it accepts; `refuse` answers DATA with that reply instead."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse.pop(0)
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password.decode() == PASSWORD)


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=handler.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def desk(sandbox, redis_server):
    settings, store, _ = setup(sandbox, redis_server)
    with direct_api(sandbox) as api:
        agents = api.get("/agents", params={"limit": 5}).json()["data"]
        teams = api.get("/teams").json()["teams"]
        ticket = first_ticket(api)
    with desk_clients(settings, store) as client_for:
        yield store, client_for, agents, teams, ticket


def email_action(sandbox, ticket: dict[str, Any], to: list[dict[str, Any]]) -> LedgerAction:
    params = {"to": to, "subject": f"Ticket #{ticket['ticketNumber']} breached", "body": "Please look at it.\n"}
    return LedgerAction(rule="sla-mail", type="email", params=params, ticket=ticket["id"], org=sandbox.org_ids[0])


def enforcer(store, port: int, **smtp: Any) -> Enforcer:
    config = SmtpConfig("127.0.0.1", port, SENDER, tls="none", timeout_s=5.0, **smtp)
    return Enforcer(store, "test-worker", lambda _: None, outbound=Outbound(httpx.Client(), config, environ={}))


def test_a_mail_reaches_agents_a_team_and_an_address_once(sandbox, desk, inbox):
    store, client_for, agents, teams, ticket = desk
    handler, port = inbox
    team = next(team for team in teams if team["derivedAgents"])
    to = [{"agentId": agents[0]["id"]}, {"team": team["name"]}, {"address": "oncall@zylker.example"}]
    store.ledger.record("mail-1", email_action(sandbox, ticket, to))
    sending = enforcer(store, port, user="deskpilot", password=PASSWORD)
    assert sending.apply("mail-1", client_for) == ApplyResult.DONE
    assert sending.apply("mail-1", client_for) == ApplyResult.ALREADY_FINAL
    [(recipients, message)] = handler.messages
    with direct_api(sandbox) as api:
        members = {api.get(f"/agents/{agent_id}").json()["emailId"] for agent_id in team["derivedAgents"]}
    assert set(recipients) == {agents[0]["emailId"], *members, "oncall@zylker.example"}
    assert message["Message-ID"] == "<mail-1.deskpilot@zylker.example>"
    assert message["From"] == SENDER
    assert message["Subject"] == f"Ticket #{ticket['ticketNumber']} breached"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_payload(decode=True).decode().replace("\r\n", "\n") == "Please look at it.\n"
    assert handler.logins == [("deskpilot", PASSWORD)]
    record = store.ledger.get("mail-1")
    assert record is not None and record.state == "done"
    assert PASSWORD not in repr(sending.outbound) and PASSWORD not in record.outcome


def test_a_retry_after_a_transient_refusal_sends_the_same_message_id(sandbox, desk, inbox):
    store, client_for, _, _, ticket = desk
    handler, port = inbox
    handler.refuse = ["451 try again later"]
    store.ledger.record("mail-2", email_action(sandbox, ticket, [{"address": "oncall@zylker.example"}]))
    sending = enforcer(store, port)
    with pytest.raises(DeliveryFailed, match="451"):
        sending.apply("mail-2", client_for)
    assert sending.apply("mail-2", client_for) == ApplyResult.DONE
    assert [message["Message-ID"] for _, message in handler.messages] == ["<mail-2.deskpilot@zylker.example>"]


def test_a_permanent_refusal_is_dead_lettered_and_a_missing_server_is_retried(sandbox, desk, inbox):
    store, client_for, _, _, ticket = desk
    handler, port = inbox
    handler.refuse = ["554 no thanks"]
    store.ledger.record("mail-3", email_action(sandbox, ticket, [{"address": "oncall@zylker.example"}]))
    assert enforcer(store, port).apply("mail-3", client_for) == ApplyResult.FAILED
    assert [entry["action_id"] for entry in store.dead_letters.list()] == ["mail-3"]
    store.ledger.record("mail-4", email_action(sandbox, ticket, [{"address": "oncall@zylker.example"}]))
    with pytest.raises(DeliveryFailed, match="cannot reach"):
        enforcer(store, free_port()).apply("mail-4", client_for)


def test_no_smtp_settings_fail_the_action_with_what_to_set(sandbox, desk):
    store, client_for, _, _, ticket = desk
    store.ledger.record("mail-5", email_action(sandbox, ticket, [{"address": "oncall@zylker.example"}]))
    no_smtp = Enforcer(store, "w", lambda _: None, outbound=Outbound(httpx.Client(), None, environ={}))
    assert no_smtp.apply("mail-5", client_for) == ApplyResult.FAILED
    record = store.ledger.get("mail-5")
    assert record is not None and "DESKPILOT_SMTP_HOST and DESKPILOT_SMTP_FROM" in record.outcome
