"""`deskpilot rules check --desk` against the sandbox over real HTTP: every wrong name at file:line:col with a
suggestion; the shipped rules pass for the org they were written for; a Desk it cannot reach is one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

WRONG_NAMES = """\
rules:
  - id: wrong-names
    on: ticket.updated
    if:
      all:
        - {{field: department.name, equals: Biling}}
        - {{field: status, in: [Open, On hold]}}
        - {{field: cf.cf_plna, equals: x}}
        - {{field: cf.cf_modle_name, equals: X1 Pro}}
    then:
      - update: {{priority: Hgh}}
      - assign: {{agent: {agent}}}
"""


def cli_env(sandbox, redis_server, org_ids: list[str], **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DESKPILOT_")}
    env.update(
        DESKPILOT_API_ROOT=sandbox.api_root,
        DESKPILOT_ACCOUNTS_URL=sandbox.accounts_url,
        DESKPILOT_CLIENT_ID=sandbox.client_id,
        DESKPILOT_CLIENT_SECRET=sandbox.client_secret,
        DESKPILOT_REFRESH_TOKEN=sandbox.refresh_token,
        DESKPILOT_ORG_IDS=",".join(org_ids),
        DESKPILOT_REDIS_URL=redis_server.url,
    )
    env.update(extra)
    return env


def check_desk(path: Path | str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "worker.cli", "rules", "check", "--desk", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[3],
    )


def an_agent_email(sandbox) -> str:
    headers = {"Authorization": f"Zoho-oauthtoken {sandbox.access_token()}", "orgId": sandbox.org_ids[0]}
    agents = httpx.get(f"{sandbox.api_root}/agents", params={"limit": 100}, headers=headers).json()["data"]
    return agents[-1]["emailId"]


def test_each_wrong_name_is_reported_at_its_place_with_a_suggestion(shared_sandbox, redis_server, tmp_path) -> None:
    # given a rule file with a wrong department, status, custom field, priority and agent email
    email = an_agent_email(shared_sandbox)
    typo = email.replace(".", "", 1)
    rules = tmp_path / "rules.yaml"
    rules.write_text(WRONG_NAMES.format(agent=typo))
    # when it is checked against the sandbox Desk
    result = check_desk(rules, cli_env(shared_sandbox, redis_server, shared_sandbox.org_ids[:1]))
    # then each name is an error at file:line:col with a "did you mean", and the check fails
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert lines == [
        f"{rules}:6:44: unknown department 'Biling' (did you mean 'Billing'?); the Desk has: Billing, "
        + lines[0].split("Billing, ", 1)[1],
        f"{rules}:7:38: status 'On hold' is written 'On Hold' in the Desk; conditions compare exactly "
        "(write 'On Hold', or add ignore_case: true)",
        f"{rules}:8:19: no custom field cf.cf_plna: unknown custom field (API name) 'cf_plna'; the Desk has: "
        "cf_dateof_purchase, cf_model_name, cf_number_of_items, cf_permanent_address, cf_phone, "
        "cf_secondary_email, cf_severity_percentage, cf_url",
        f"{rules}:9:19: no custom field cf.cf_modle_name: unknown custom field (API name) 'cf_modle_name' "
        "(did you mean 'cf_model_name'?); the Desk has: " + lines[3].split("the Desk has: ")[1],
        f"{rules}:11:28: unknown priority 'Hgh' (did you mean 'High'?); the Desk has: High, Low, Medium, Urgent",
        f"{rules}:12:25: unknown agent {typo!r} (did you mean {email!r}?)",
    ]
    assert "Support" in lines[0] and "Tier 2" in lines[0]
    assert "refused: 6 error(s)" in result.stdout


def test_the_shipped_rules_name_only_what_their_org_has(shared_sandbox, redis_server) -> None:
    result = check_desk("rules", cli_env(shared_sandbox, redis_server, shared_sandbox.org_ids[:1]))
    assert result.returncode == 0, result.stderr
    assert f"names checked against org {shared_sandbox.org_ids[0]}" in result.stdout


def test_an_unreachable_desk_is_one_line(shared_sandbox, redis_server, tmp_path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(WRONG_NAMES.format(agent="someone@example.com"))
    env = cli_env(
        shared_sandbox, redis_server, shared_sandbox.org_ids[:1], DESKPILOT_API_ROOT="http://127.0.0.1:9/api/v1"
    )
    result = check_desk(rules, env)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "cannot reach the Desk at http://127.0.0.1:9/api/v1" in line and "DESKPILOT_API_ROOT" in line


def test_missing_credentials_are_one_line(shared_sandbox, redis_server, tmp_path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(WRONG_NAMES.format(agent="someone@example.com"))
    env = cli_env(shared_sandbox, redis_server, shared_sandbox.org_ids[:1], DESKPILOT_REFRESH_TOKEN="")
    result = check_desk(rules, env)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "DESKPILOT_REFRESH_TOKEN: missing" in line and "Traceback" not in result.stderr
