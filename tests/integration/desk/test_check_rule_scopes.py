"""`deskpilot check` probes the scopes the loaded rules' actions need besides deskpilot's own: a tag rule needs
Desk.tickets.CREATE (the vendor's associateTag/dissociateTag), so a token without it fails that line naming the
rule's action and file:line; a dry-run rule, or rules without tags, add nothing to probe."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from tests.integration.desk.conftest import desk_settings, limited_refresh_token
from worker.cli import check

TAG_RULE = """
rules:
  - id: tag-vip
    on: ticket.created
{dry_run}    then:
      - add_tags: [vip]
"""
OWN_SCOPES = list(check.REQUIRED_SCOPES)


def run_check(sandbox, redis_server, rules: Path, scopes: list[str]) -> tuple[int, list[str]]:
    token = limited_refresh_token(sandbox, scopes)
    settings = desk_settings(sandbox, redis_server, refresh_token=token, rules_path=rules)
    out = io.StringIO()
    status = check.run(argparse.Namespace(scopes=None), out=out, settings=settings)
    return status, out.getvalue().splitlines()


def write_rules(folder: Path, text: str) -> Path:
    folder.mkdir()
    (folder / "tags.yaml").write_text(text)
    return folder


def scope_lines(lines: list[str]) -> dict[str, str]:
    return {line.split("]")[1].split(":")[0].strip(): line for line in lines if "] scope " in line}


def test_a_tag_rule_needs_tickets_create_and_a_token_without_it_fails_naming_the_rule(sandbox, redis_server, tmp_path):
    rules = write_rules(tmp_path / "rules", TAG_RULE.format(dry_run=""))
    status, lines = run_check(sandbox, redis_server, rules, OWN_SCOPES)
    assert status == 1
    failed = [line for line in lines if line.startswith("[FAIL]")]
    assert failed == [
        f"[FAIL] scope Desk.tickets.CREATE: missing (401 SCOPE_MISMATCH) (the rules' add_tags at {rules}/tags.yaml:3 "
        "needs it) -> mint a refresh token whose scope list includes Desk.tickets.CREATE"
    ]
    status, lines = run_check(sandbox, redis_server, rules, [*OWN_SCOPES, "Desk.tickets.CREATE"])
    assert status == 0, lines
    assert scope_lines(lines)["scope Desk.tickets.CREATE"] == (
        f"[ok  ] scope Desk.tickets.CREATE: granted (the rules' add_tags at {rules}/tags.yaml:3 needs it)"
    )


def test_a_dry_run_tag_rule_adds_no_scope_to_probe(sandbox, redis_server, tmp_path):
    rules = write_rules(tmp_path / "rules", TAG_RULE.format(dry_run="    dry_run: true\n"))
    status, lines = run_check(sandbox, redis_server, rules, OWN_SCOPES)
    assert status == 0, lines
    assert set(scope_lines(lines)) == {f"scope {scope}" for scope in OWN_SCOPES}
