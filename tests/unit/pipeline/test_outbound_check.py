"""What the start checks say about notify and email: SMTP settings are required once an email rule is loaded, a
variable a notify target names is warned about, and the secret's value never shows."""

from __future__ import annotations

import pytest

from config.settings import Settings
from worker.app.outbound_check import outbound_report
from worker.app.outbound_setup import target_environ
from worker.app.preflight import PreflightError, require_outbound
from worker.app.rules_source import RuleSource
from worker.engine.loader import load_rules_text

RULES = """
notify_targets:
  ops: {url: "https://hooks.example.com/x", secret_env: OPS_SECRET}
  unused: {url_env: UNUSED_URL}
rules:
  - id: page
    on: ticket.updated
    then:
      - notify: {target: ops, text: hi}
  - id: mail
    on: ticket.created
    then:
      - email: {to: ops@example.com, subject: s, body: b}
"""


def test_an_email_rule_without_smtp_settings_refuses_to_start() -> None:
    rules = load_rules_text(RULES)
    with pytest.raises(PreflightError) as refused:
        require_outbound(Settings(smtp_host="smtp.example.com"), rules)
    assert str(refused.value) == (
        "DESKPILOT_SMTP_FROM: missing, and the email action at rules.yaml:10 needs it; set DESKPILOT_SMTP_* "
        "(config/example.env) or remove the action"
    )


def test_a_missing_target_variable_is_a_warning_naming_it_and_the_declaration() -> None:
    settings = Settings(smtp_host="smtp.example.com", smtp_from="deskpilot@example.com")
    report = outbound_report(settings, load_rules_text(RULES), environ={})
    assert report.errors == []
    assert report.warnings == [
        "OPS_SECRET is not set (notify target 'ops' (rules.yaml:3:3) names it); its notifies fail until it is"
    ]
    assert report.summary == "2 notify target(s), 1 rule(s) with email, SMTP smtp.example.com:587 (starttls)"
    assert outbound_report(settings, load_rules_text(RULES), environ={"OPS_SECRET": "x"}).warnings == []


def test_rules_without_notify_or_email_need_nothing() -> None:
    rules = load_rules_text("rules:\n  - id: r\n    on: ticket.updated\n    then:\n      - update: {priority: High}\n")
    report = outbound_report(Settings(), rules, environ={})
    assert (report.errors, report.warnings) == ([], [])


def test_a_bad_sender_address_is_a_settings_error() -> None:
    with pytest.raises(ValueError, match="expected one email address"):
        Settings(smtp_from="not an address")


def test_target_variables_may_live_in_the_env_file_the_settings_read(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("OPS_SECRET=from-file\nSHADOWED=file\n")
    monkeypatch.setenv("SHADOWED", "process")
    environ = target_environ()
    assert (environ["OPS_SECRET"], environ["SHADOWED"]) == ("from-file", "process")
    settings = Settings(smtp_host="smtp.example.com", smtp_from="deskpilot@example.com")
    assert outbound_report(settings, load_rules_text(RULES)).warnings == []


def test_a_reload_that_adds_an_email_rule_without_smtp_settings_is_refused(tmp_path) -> None:
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text("rules:\n  - id: page\n    on: ticket.updated\n    then:\n      - update: {priority: High}\n")
    source = RuleSource(tmp_path, reload_s=0.0)
    source.lacking = lambda rules: outbound_report(Settings(), rules, environ={}).errors
    running = source.load()
    rules_file.write_text(RULES)
    assert source.current() is running
    assert source.refusal is not None
    assert source.refusal.reason == "the deployment lacks what the new rules need"
    assert "DESKPILOT_SMTP_HOST, DESKPILOT_SMTP_FROM: missing" in source.refusal.problems[0]
