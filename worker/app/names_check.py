"""`deskpilot rules check --desk`: the names a rule set uses, checked against each configured org's own lists.

Settings are those of `deskpilot run` (credentials, org ids, Redis for the shared token). The lists are fetched
fresh (not from the service's cache): an operator who just added a department checks against it at once.
Anything that keeps the check from asking the Desk is a `DeskCheckError` whose message is one line saying what
to fix.
"""

from __future__ import annotations

import redis as redis_lib

from config.settings import Settings, SettingsError, load_settings
from worker.app.desk_config import desk_config
from worker.app.preflight import PreflightError, require_desk_credentials, require_redis
from worker.app.rules_source import read_file
from worker.desk.client import DeskClient
from worker.desk.errors import AuthError, DeskError, NetworkError
from worker.desk.retry import RetryPolicy
from worker.engine.errors import Problem
from worker.engine.names import Catalogue, name_problems
from worker.engine.ruleset import RuleSet
from worker.ingest.catalogue import fetch_names

CHECK_POLICY = RetryPolicy(attempts=2, base_s=0.2, cap_s=1.0, deadline_s=20.0)


class DeskCheckError(Exception):
    """The Desk could not be asked (settings, Redis, token, network); the message says what to fix."""


def desk_name_problems(rules: RuleSet, settings: Settings | None = None) -> tuple[list[Problem], list[str]]:
    """(every unknown name as an error at file:line:col, the org ids checked)."""
    settings = _usable(settings)
    redis = redis_lib.Redis.from_url(
        settings.redis_url, decode_responses=True, socket_timeout=10, socket_connect_timeout=5
    )
    catalogues: dict[str, Catalogue] = {}
    try:
        for org_id in settings.org_ids:
            with DeskClient(desk_config(settings), redis, org_id, policy=CHECK_POLICY) as client:
                catalogues[org_id] = Catalogue.from_data(_fetch(client))
    finally:
        redis.close()
    return name_problems(rules, catalogues, read_file), list(settings.org_ids)


def _usable(settings: Settings | None) -> Settings:
    try:
        settings = settings or load_settings()
        require_desk_credentials(settings)
        require_redis(settings)
    except (SettingsError, PreflightError) as exc:
        raise DeskCheckError(str(exc).replace("\n", "; ")) from None
    return settings


def _fetch(client: DeskClient) -> dict:
    try:
        return fetch_names(client)
    except AuthError as exc:
        raise DeskCheckError(
            f"org {client.org_id}: the Desk refused the credentials ({exc.error_code}: "
            f"{exc.message}); check DESKPILOT_CLIENT_ID, DESKPILOT_CLIENT_SECRET, "
            "DESKPILOT_REFRESH_TOKEN, DESKPILOT_ORG_IDS (or run deskpilot check)"
        ) from None
    except NetworkError as exc:
        raise DeskCheckError(
            f"org {client.org_id}: cannot reach the Desk at {client.transport.config.api_root} "
            f"({exc.message}); check DESKPILOT_API_ROOT and the network"
        ) from None
    except DeskError as exc:
        raise DeskCheckError(f"org {client.org_id}: the Desk did not list its names: {exc}") from None
