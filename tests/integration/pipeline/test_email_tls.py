"""email over TLS against real aiosmtpd servers on 127.0.0.1 with a self-signed certificate made here: STARTTLS
(the server requires it, and offers AUTH only after it) and implicit TLS both deliver with DESKPILOT_SMTP_CA_FILE
naming the certificate; without it the certificate is not trusted and the action fails once, audited and
dead-lettered with what to set, before any password is sent; a CA file that does not load, or a TLS mode the
server does not speak, fails the same way naming the setting. `deskpilot check` asks the server the same."""

from __future__ import annotations

import argparse
import datetime
import io
import ipaddress
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.integration.desk.conftest import desk_settings
from tests.integration.pipeline.act_support import desk_clients, direct_api, first_ticket, setup
from tests.support.ports import free_port
from worker.actions.enforcer import ApplyResult, Enforcer
from worker.actions.outbound import Outbound, SmtpConfig
from worker.cli import check
from worker.store.records import LedgerAction

SENDER = "deskpilot@zylker.example"
PASSWORD = "tls-pass-never-logged"


@dataclass(frozen=True)
class Certificate:
    cert: Path  # also the CA file: a self-signed certificate is its own authority
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "deskpilot test SMTP")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("smtp-tls")
    paths = Certificate(folder / "smtp.pem", folder / "smtp.key")
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


@dataclass
class Inbox:
    """Records each accepted message with the TLS version it came over (None: in the clear) and each login."""

    messages: list[tuple[str | None, Message]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        tls = server.transport.get_extra_info("ssl_object")
        self.messages.append((tls.version() if tls else None, message_from_bytes(envelope.content)))
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password.decode() == PASSWORD)


ServerFactory = Callable[[str], tuple[Inbox, int]]


@pytest.fixture
def smtp_server(certificate: Certificate) -> Iterator[ServerFactory]:
    """Starts aiosmtpd servers: "starttls" (required before MAIL and AUTH), "tls" (implicit), "plain"."""
    controllers: list[Controller] = []

    def start(mode: str) -> tuple[Inbox, int]:
        handler, port = Inbox(), free_port()
        options: dict[str, Any] = {"authenticator": handler.authenticate}
        if mode == "starttls":
            options.update(tls_context=certificate.server_context(), require_starttls=True)
        elif mode == "tls":
            options.update(ssl_context=certificate.server_context(), auth_require_tls=False)
        else:
            options.update(auth_require_tls=False)
        controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
        controller.start()
        controllers.append(controller)
        return handler, port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def desk(sandbox, redis_server):
    settings, store, _ = setup(sandbox, redis_server)
    with direct_api(sandbox) as api:
        ticket = first_ticket(api)
    with desk_clients(settings, store) as client_for:
        yield store, client_for, ticket, sandbox.org_ids[0]


def send(desk, action_id: str, port: int, tls: str, ca_file: str = "") -> ApplyResult:
    store, client_for, ticket, org = desk
    params = {"to": [{"address": "oncall@zylker.example"}], "subject": "Over TLS", "body": "Sealed.\n"}
    store.ledger.record(
        action_id, LedgerAction(rule="tls-mail", type="email", params=params, ticket=ticket["id"], org=org)
    )
    config = SmtpConfig("127.0.0.1", port, SENDER, "deskpilot", PASSWORD, tls=tls, timeout_s=5.0, ca_file=ca_file)
    outbound = Outbound(httpx.Client(), config, environ={})
    try:
        return Enforcer(store, "test-worker", lambda _: None, outbound=outbound).apply(action_id, client_for)
    finally:
        outbound.close()


def failure(store, action_id: str) -> str:
    """The one error the action failed with, the same in the ledger, the audit trail and the dead letter."""
    record = store.ledger.get(action_id)
    assert record is not None and record.state == "failed"
    [audited] = [entry for entry in store.audit.query() if entry.get("action") == action_id]
    [dead] = [entry for entry in store.dead_letters.list() if entry["action_id"] == action_id]
    assert audited["detail"] == dead["error"] == record.outcome
    assert PASSWORD not in record.outcome and "Traceback" not in record.outcome and "\n" not in record.outcome
    return record.outcome


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_a_mail_arrives_over_tls_when_the_ca_file_trusts_the_server(desk, smtp_server, certificate, mode):
    handler, port = smtp_server(mode)
    assert send(desk, f"tls-ok-{mode}", port, mode, ca_file=str(certificate.cert)) == ApplyResult.DONE
    [(version, message)] = handler.messages
    assert version is not None and version.startswith("TLSv1.")
    assert message["Message-ID"] == f"<tls-ok-{mode}.deskpilot@zylker.example>"
    assert handler.logins == [("deskpilot", PASSWORD)]


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_an_untrusted_certificate_fails_once_with_what_to_set_and_no_password_sent(desk, smtp_server, mode):
    handler, port = smtp_server(mode)
    store = desk[0]
    assert send(desk, f"tls-untrusted-{mode}", port, mode) == ApplyResult.FAILED
    error = failure(store, f"tls-untrusted-{mode}")
    assert error.startswith(f"email: the certificate of the SMTP server 127.0.0.1:{port} is not trusted (")
    assert "DESKPILOT_SMTP_CA_FILE" in error
    assert handler.messages == [] and handler.logins == []


def test_a_ca_file_that_does_not_load_names_the_setting(desk, smtp_server, tmp_path):
    _, port = smtp_server("starttls")
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("not a certificate\n")
    assert send(desk, "tls-bad-ca", port, "starttls", ca_file=str(not_pem)) == ApplyResult.FAILED
    assert failure(desk[0], "tls-bad-ca").startswith(f"DESKPILOT_SMTP_CA_FILE={not_pem}: cannot load CA certificates")


def test_a_tls_mode_the_server_does_not_speak_names_the_tls_setting(desk, smtp_server, certificate):
    _, plain = smtp_server("plain")
    assert send(desk, "tls-on-plain", plain, "tls", ca_file=str(certificate.cert)) == ApplyResult.FAILED
    assert "DESKPILOT_SMTP_TLS" in failure(desk[0], "tls-on-plain")
    assert send(desk, "starttls-on-plain", plain, "starttls") == ApplyResult.FAILED
    assert failure(desk[0], "starttls-on-plain") == (
        f"the SMTP server 127.0.0.1:{plain} does not offer STARTTLS; set DESKPILOT_SMTP_TLS"
    )


def run_check(sandbox, redis_server, port: int, tls: str, ca_file: str = "") -> tuple[int, str]:
    settings = desk_settings(
        sandbox, redis_server, smtp_host="127.0.0.1", smtp_port=port, smtp_from=SENDER, smtp_user="deskpilot",
        smtp_password=PASSWORD, smtp_tls=tls, smtp_ca_file=ca_file, smtp_timeout_s=5.0,
    )  # fmt: skip
    out = io.StringIO()
    status = check.run(argparse.Namespace(scopes=["Desk.tickets.READ"]), out=out, settings=settings)
    [line] = [line for line in out.getvalue().splitlines() if "] smtp:" in line]
    assert PASSWORD not in out.getvalue()
    return status, line


def test_deskpilot_check_asks_the_smtp_server_what_a_mail_would(sandbox, redis_server, smtp_server, certificate):
    handler, port = smtp_server("starttls")
    status, line = run_check(sandbox, redis_server, port, "starttls", ca_file=str(certificate.cert))
    assert line.startswith(f"[ok  ] smtp: 127.0.0.1:{port} answers over TLSv1.")
    assert line.endswith(", login as deskpilot accepted") and status == 0
    status, line = run_check(sandbox, redis_server, port, "starttls")
    assert status == 1
    assert line.startswith(f"[FAIL] smtp: email: the certificate of the SMTP server 127.0.0.1:{port} is not trusted")
    assert handler.messages == [] and handler.logins == [("deskpilot", PASSWORD)]  # the first check's login only


class GrumpyQuit(Inbox):
    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        return "554 not now"  # after the 250 for the message: the mail is taken, whatever QUIT hears


def test_a_mail_the_server_took_is_done_whatever_quit_answers_and_no_auth_is_named(desk):
    handler, port = GrumpyQuit(), free_port()
    options: dict[str, Any] = {"hostname": "127.0.0.1", "port": port, "auth_require_tls": False}
    controller = Controller(handler, authenticator=handler.authenticate, **options)
    controller.start()
    try:
        assert send(desk, "quit-554", port, "none") == ApplyResult.DONE
    finally:
        controller.stop()
    assert [message["Message-ID"] for _, message in handler.messages] == ["<quit-554.deskpilot@zylker.example>"]
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)  # AUTH only over TLS: not offered here
    controller.start()
    try:
        assert send(desk, "no-auth", port, "none") == ApplyResult.FAILED
    finally:
        controller.stop()
    assert failure(desk[0], "no-auth") == (
        f"the SMTP server 127.0.0.1:{port} does not offer AUTH; unset DESKPILOT_SMTP_USER, or set DESKPILOT_SMTP_TLS "
        "if it offers AUTH only over TLS"
    )
