"""Builds what notify and email deliver through (actions/outbound.py) from the settings: one HTTP client for
webhooks, the SMTP settings, and the environment the variables notify targets name are read from: the process
environment over the `.env` file the settings read, so a secret may live in either, as DESKPILOT_* ones do."""

from __future__ import annotations

import os
from collections.abc import Mapping

import httpx
from dotenv import dotenv_values

from config.settings import Settings
from worker.actions.outbound import Outbound, SmtpConfig
from worker.desk.transport import USER_AGENT

ENV_FILE = ".env"  # the settings' env_file (config/settings.py), read from the working directory


def target_environ() -> Mapping[str, str]:
    from_file = {name: value for name, value in dotenv_values(ENV_FILE).items() if value is not None}
    return {**from_file, **os.environ}


def smtp_config(settings: Settings) -> SmtpConfig | None:
    """None when DESKPILOT_SMTP_HOST or _FROM is not set (the start check refuses email rules then)."""
    if not (settings.smtp_host and settings.smtp_from):
        return None
    return SmtpConfig(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_from,
        settings.smtp_user,
        settings.smtp_password.get_secret_value(),
        settings.smtp_tls,
        settings.smtp_timeout_s,
        settings.smtp_ca_file,
    )


def build_outbound(settings: Settings) -> Outbound:
    timeout = settings.notify_timeout_s
    http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)), headers={"User-Agent": USER_AGENT})
    return Outbound(http, smtp_config(settings), target_environ())
