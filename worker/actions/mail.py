"""`email`: a plain-text mail through the SMTP server of the settings (DESKPILOT_SMTP_*), sent once per action.

Recipients are resolved here where planning could not: an agent's address through the Desk (GET /agents/{id}), a
team's members from the Desk's teams (GET /teams: `derivedAgents`, else `agents`). A recipient that cannot be
resolved (an unassigned ticket, a team the Desk does not show) is left out and named in the outcome; with no
address left the action fails for good.

The Message-ID is derived from the action id, so a retry after an unknown outcome sends the same message, which
mail stores can recognise as a copy; the ledger's delivered mark (outbound.py) makes a retry after an accepted
mail finish without sending. SMTP 5xx replies are permanent (dead letter), 4xx and network failures transient.
Both TLS modes verify the server's certificate (smtplib's implicit-TLS default would not); a certificate not
trusted, or a TLS mode the server does not speak, is a setup error: dead-lettered with the setting to fix.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from worker.actions.base import ActionContext, Executor
from worker.actions.outbound import (
    DeliveryFailed,
    DeliveryRefused,
    OutboundSetupError,
    SmtpConfig,
    mark_delivered,
    tls_context,
    was_delivered,
)
from worker.desk.errors import Forbidden, NotFound

SMTP_SETTINGS = "DESKPILOT_SMTP_HOST and DESKPILOT_SMTP_FROM"
# A TLS session cut short (the server or the network dropped it): the next attempt may get through.
TRANSIENT_TLS_ERRORS = (ssl.SSLEOFError, ssl.SSLZeroReturnError, ssl.SSLSyscallError)


class EmailExecutor(Executor):
    type = "email"

    def execute(self, ctx: ActionContext) -> str:
        smtp = ctx.outbound_required().smtp
        if smtp is None:
            raise OutboundSetupError(f"email needs {SMTP_SETTINGS}; set them, then `deskpilot dlq retry`")
        addresses, unresolved = resolve_recipients(ctx)
        if not addresses:
            raise DeliveryRefused(f"email: no recipient address ({'; '.join(unresolved) or 'none given'})")
        message = build_message(ctx, smtp, addresses)
        refused = send(smtp, message)
        mark_delivered(ctx.store, ctx.action_id)
        left_out = [*unresolved, *(f"{address}: refused by the server" for address in refused)]
        outcome = f"sent to {len(addresses) - len(refused)} recipient(s), Message-ID {message['Message-ID']}"
        return outcome + (f"; left out: {'; '.join(left_out)}" if left_out else "")

    def verify(self, ctx: ActionContext) -> bool:
        """No SMTP server can be asked whether it took a mail: the ledger's delivered mark is the record."""
        return was_delivered(ctx.store, ctx.action_id)


def resolve_recipients(ctx: ActionContext) -> tuple[list[str], list[str]]:
    """(addresses in order without duplicates, what could not be resolved)."""
    addresses: list[str] = []
    unresolved: list[str] = list(ctx.params.get("unresolved") or ())
    for recipient in ctx.params.get("to") or ():
        for address in _addresses(ctx, recipient, unresolved):
            if address.casefold() not in {known.casefold() for known in addresses}:
                addresses.append(address)
    return addresses, unresolved


def _addresses(ctx: ActionContext, recipient: Mapping[str, Any], unresolved: list[str]) -> Iterator[str]:
    if recipient.get("address"):
        yield str(recipient["address"])
    elif recipient.get("agentId"):
        address = _agent_address(ctx, str(recipient["agentId"]))
        if address:
            yield address
        else:
            unresolved.append(f"agent {recipient['agentId']}: no email address on the Desk")
    elif recipient.get("team"):
        yield from _team_addresses(ctx, str(recipient["team"]), unresolved)


def _agent_address(ctx: ActionContext, agent_id: str) -> str | None:
    try:
        return ctx.client.agents.get(agent_id).emailId
    except NotFound:
        return None


def _team_addresses(ctx: ActionContext, team: str, unresolved: list[str]) -> Iterator[str]:
    try:
        teams = ctx.client.teams.list()
    except (NotFound, Forbidden) as exc:  # an edition without teams, a token without the scope
        unresolved.append(f"team {team!r}: the Desk does not list teams ({type(exc).__name__})")
        return
    found = next((item for item in teams if item.id == team or item.name.casefold() == team.casefold()), None)
    if found is None:
        unresolved.append(f"team {team!r}: no such team on the Desk")
        return
    members = list(found.derivedAgents or found.agents)
    if not members:
        unresolved.append(f"team {team!r}: no members")
    for agent_id in members:
        address = _agent_address(ctx, agent_id)
        if address:
            yield address
        else:
            unresolved.append(f"team {team!r}: agent {agent_id} has no email address")


def build_message(ctx: ActionContext, smtp: SmtpConfig, addresses: list[str]) -> EmailMessage:
    """The same message on every attempt of the action, but for its Date."""
    domain = smtp.sender.rsplit("@", 1)[-1]
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = ", ".join(addresses)
    message["Subject"] = str(ctx.params.get("subject") or "")
    message["Message-ID"] = f"<{ctx.action_id}.deskpilot@{domain}>"
    message["Date"] = formatdate(usegmt=True)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a robot
    message["X-Deskpilot-Action"] = ctx.action_id
    message["X-Deskpilot-Rule"] = ctx.rule
    message.set_content(str(ctx.params.get("body") or ""))
    return message


def send(smtp: SmtpConfig, message: EmailMessage) -> list[str]:
    """Hand the message to the server; the addresses it refused while accepting the others. Once the server has
    accepted the message, a failed QUIT is ignored: raising then would send it again."""
    with _session(smtp) as client:
        refused = client.send_message(message)
        with contextlib.suppress(OSError, smtplib.SMTPException):
            client.quit()
        return sorted(refused)


def probe(smtp: SmtpConfig) -> str:
    """What `deskpilot check` asks the server: connect, TLS, login, NOOP; nothing is sent. How it went, or the
    error a mail would fail with."""
    with _session(smtp) as client:
        client.noop()
        tls = client.sock.version() if isinstance(client.sock, ssl.SSLSocket) else None
        with contextlib.suppress(OSError, smtplib.SMTPException):
            client.quit()
    return (
        f"{smtp.host}:{smtp.port} answers"
        + (f" over {tls}" if tls else " (no TLS)")
        + (f", login as {smtp.user} accepted" if smtp.user else "")
    )


@contextlib.contextmanager
def _session(smtp: SmtpConfig) -> Iterator[smtplib.SMTP]:
    """A client connected as the settings say (TLS verified against DESKPILOT_SMTP_CA_FILE when set, else the
    system's CAs; logged in when a user is set); every failure as the error the action fails with."""
    where = f"{smtp.host}:{smtp.port}"
    try:
        client = _connect(smtp)
        try:
            yield client
        finally:
            client.close()
    except smtplib.SMTPAuthenticationError as exc:
        raise OutboundSetupError(
            f"the SMTP server refused the login ({exc.smtp_code}); check DESKPILOT_SMTP_USER and _PASSWORD"
        ) from None
    except ssl.SSLCertVerificationError as exc:
        raise OutboundSetupError(
            f"email: the certificate of the SMTP server {where} is not trusted ({exc.verify_message}); set "
            "DESKPILOT_SMTP_CA_FILE to the CA that signed it, or DESKPILOT_SMTP_HOST to the name it was issued for"
        ) from None
    except ssl.SSLError as exc:
        if isinstance(exc, TRANSIENT_TLS_ERRORS):
            raise DeliveryFailed(f"email: the TLS connection to {where} dropped ({type(exc).__name__})") from None
        raise OutboundSetupError(
            f"email: no TLS with the SMTP server {where} ({exc.reason or type(exc).__name__}); check "
            "DESKPILOT_SMTP_TLS (tls: implicit TLS, usually port 465; starttls: usually port 587)"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        error = DeliveryRefused if all(code >= 500 for code in codes) else DeliveryFailed
        raise error(f"email: the SMTP server refused every recipient ({sorted(set(codes))})") from None
    except smtplib.SMTPResponseException as exc:
        error = DeliveryRefused if exc.smtp_code >= 500 else DeliveryFailed
        raise error(f"email: the SMTP server answered {exc.smtp_code} {_reply(exc.smtp_error)}") from None
    except (OSError, smtplib.SMTPException) as exc:  # refused, timed out, dropped: the server may take it later
        raise DeliveryFailed(f"email: cannot reach {where} ({type(exc).__name__})") from None


def _connect(smtp: SmtpConfig) -> smtplib.SMTP:
    context = tls_context(smtp.ca_file) if smtp.tls != "none" else None
    if smtp.tls == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_s, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s)
    where = f"{smtp.host}:{smtp.port}"
    try:
        if smtp.tls == "starttls":
            client.ehlo_or_helo_if_needed()
            if not client.has_extn("starttls"):
                raise OutboundSetupError(f"the SMTP server {where} does not offer STARTTLS; set DESKPILOT_SMTP_TLS")
            client.starttls(context=context)
        if smtp.user:
            client.ehlo_or_helo_if_needed()
            if not client.has_extn("auth"):
                raise OutboundSetupError(
                    f"the SMTP server {where} does not offer AUTH{'' if smtp.tls == 'none' else ' over TLS'}; "
                    "unset DESKPILOT_SMTP_USER, or set DESKPILOT_SMTP_TLS if it offers AUTH only over TLS"
                )
            client.login(smtp.user, smtp.password)
    except BaseException:
        client.close()
        raise
    return client


def _reply(raw: bytes | str) -> str:
    text = raw.decode(errors="replace") if isinstance(raw, bytes) else raw
    return " ".join(text.split())[:200]
