"""What the loaded rules' notify and email actions need from the deployment, checked at start and by
`deskpilot check`: the SMTP settings once an email action is loaded (missing, or a DESKPILOT_SMTP_CA_FILE that
does not load: the service refuses to start), and the environment variables notify targets name (missing: a
warning; each notify to that target then fails with the variable's name and is dead-lettered, so
`deskpilot dlq retry` sends it once the variable is set)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from config.settings import Settings
from worker.actions.outbound import OutboundSetupError, tls_context
from worker.app.outbound_setup import target_environ
from worker.engine.notify_targets import needs
from worker.engine.ruleset import RuleSet


@dataclass
class OutboundReport:
    errors: list[str] = field(default_factory=list)  # the service must not start
    warnings: list[str] = field(default_factory=list)  # some notify actions will fail until fixed
    summary: str = ""


def outbound_report(settings: Settings, rules: RuleSet, environ: Mapping[str, str] | None = None) -> OutboundReport:
    environ = target_environ() if environ is None else environ
    found = needs(rules)
    report = OutboundReport()
    if found.email_at and not (settings.smtp_host and settings.smtp_from):
        missing = [name for name, value in (("HOST", settings.smtp_host), ("FROM", settings.smtp_from)) if not value]
        report.errors.append(
            f"{', '.join('DESKPILOT_SMTP_' + name for name in missing)}: missing, and the email action at "
            f"{', '.join(found.email_at)} needs it; set DESKPILOT_SMTP_* (config/example.env) or remove the action"
        )
    if found.email_at and settings.smtp_ca_file:
        report.errors.extend(_ca_file_problems(settings, found.email_at))
    for variable, where in found.env.items():
        if not environ.get(variable):
            report.warnings.append(f"{variable} is not set ({where} names it); its notifies fail until it is")
    targets = len(rules.notify_targets)
    mail = f"SMTP {settings.smtp_host}:{settings.smtp_port} ({settings.smtp_tls})" if settings.smtp_host else "no SMTP"
    report.summary = f"{targets} notify target(s), {len(found.email_at)} rule(s) with email, {mail}"
    return report


def _ca_file_problems(settings: Settings, email_at: list[str]) -> list[str]:
    """DESKPILOT_SMTP_CA_FILE must load when TLS uses it: each mail would fail with the same message otherwise."""
    if settings.smtp_tls == "none":
        return []  # unused without TLS; harmless
    try:
        tls_context(settings.smtp_ca_file)
    except OutboundSetupError as exc:
        return [f"{exc} (the email action at {', '.join(email_at)} needs it)"]
    return []
