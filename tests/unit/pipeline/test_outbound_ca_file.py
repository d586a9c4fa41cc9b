"""DESKPILOT_SMTP_CA_FILE at start: with an email rule loaded and TLS on, a file that does not load refuses the
start (one line naming the setting, the file and the rule), as each mail would fail with it; unused without TLS."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings
from worker.app.outbound_check import outbound_report
from worker.app.preflight import PreflightError, require_outbound
from worker.engine.loader import load_rules_text

RULES = """
rules:
  - id: mail
    on: ticket.created
    then:
      - email: {to: ops@example.com, subject: s, body: b}
"""


def smtp(ca_file: Path, tls: str = "starttls") -> Settings:
    return Settings(
        _env_file=None, smtp_host="smtp.example.com", smtp_from="deskpilot@example.com", smtp_tls=tls,
        smtp_ca_file=str(ca_file),
    )  # fmt: skip


def test_a_ca_file_that_does_not_load_refuses_to_start(tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    with pytest.raises(PreflightError) as refused:
        require_outbound(smtp(missing), load_rules_text(RULES))
    assert str(refused.value) == (
        f"DESKPILOT_SMTP_CA_FILE={missing}: cannot load CA certificates from it (No such file or directory); point "
        "it at a PEM file of the CA certificates that sign the SMTP server's certificate (the email action at "
        "rules.yaml:3 needs it)"
    )
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("hello\n")
    [error] = outbound_report(smtp(not_pem, tls="tls"), load_rules_text(RULES), environ={}).errors
    assert error.startswith(f"DESKPILOT_SMTP_CA_FILE={not_pem}: cannot load CA certificates from it (")


def test_a_ca_file_is_not_read_without_tls_or_without_an_email_rule(tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    assert outbound_report(smtp(missing, tls="none"), load_rules_text(RULES), environ={}).errors == []
    no_mail = load_rules_text(
        "rules:\n  - id: r\n    on: ticket.updated\n    then:\n      - update: {priority: High}\n"
    )
    assert outbound_report(smtp(missing), no_mail, environ={}).errors == []
