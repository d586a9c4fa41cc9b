"""`deskpilot rules check|test|schema|explain`, driven through a tiny argparse harness (as worker/cli/main.py does)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from tests.unit.engine.helpers import directory, ticket
from worker.cli import rules as rules_cli

GOOD = """rules:
  - id: vip
    on: ticket.created
    if: {field: contact.account.accountName, in: [Zylker]}
    then: [{move: {department: Tier 2}}]
  - id: billing
    on: ticket.created
    if: {field: subject, contains: invoice, ignore_case: true}
    then: [{update: {category: billing}}]
"""


def deskpilot(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="deskpilot")
    rules_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.handler(args)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "rules" / "tests").mkdir(parents=True)
    (tmp_path / "rules" / "main.yaml").write_text(GOOD)
    (tmp_path / "rules" / "tests" / "main.yaml").write_text(
        "cases:\n  - name: vip\n    now: '2026-12-01T10:00:00Z'\n    event: ticket.created\n"
        "    ticket: {id: '1', subject: Hi, contact: {account: {accountName: Zylker}}}\n"
        "    expect: {fired: [vip], actions: [{rule: vip, move: {department: Tier 2}}]}\n"
    )
    monkeypatch.chdir(tmp_path)
    for name in ("DESKPILOT_RULES_PATH",):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_check_passes_valid_rules_and_defaults_to_the_rules_path_setting(project: Path, capsys) -> None:
    assert deskpilot("rules", "check") == 0
    assert capsys.readouterr().out == "rules: 2 rules in 1 files, 0 calendars: ok\n"


def test_check_fails_listing_every_problem_on_stderr(project: Path, capsys) -> None:
    (project / "rules" / "bad.yaml").write_text(
        "rules:\n  - id: x\n    on: ticket.created\n    then: [{mov: {}}]\n"
        "  - {id: y, on: ticket.created, then: [{move: {}}]}\n"
    )
    assert deskpilot("rules", "check", "rules/") == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "rules/bad.yaml:4:12: unknown action 'mov'; expected one of update, assign, move, comment, time_entry, "
        "task, reply, mark_spam, notify, email, add_tags, remove_tags",
        "rules/bad.yaml:5:47: missing required key 'department'",
    ]
    assert captured.out == "rules/: refused: 2 error(s), 0 warning(s)\n"


def test_check_prints_warnings_and_still_passes(project: Path, capsys) -> None:
    (project / "rules" / "main.yaml").write_text(GOOD.replace("contact.account.accountName", "cf.tier"))
    assert deskpilot("rules", "check", "rules") == 0
    captured = capsys.readouterr()
    assert "rules/main.yaml:4:17: warning: 'cf.tier': cf. takes a custom field's API name" in captured.err
    assert captured.out.endswith("ok (1 warning(s))\n")


def test_an_unknown_ticket_field_is_an_error_with_a_suggestion(project: Path, capsys) -> None:
    (project / "rules" / "main.yaml").write_text(GOOD.replace("field: subject", "field: subjct"))
    assert deskpilot("rules", "check", "rules") == 1
    captured = capsys.readouterr()
    assert "rules/main.yaml:8:17: no ticket has the field 'subjct' (did you mean 'subject'?)" in captured.err


def test_test_passes_and_fails_with_a_diff(project: Path, capsys) -> None:
    assert deskpilot("rules", "test") == 0
    assert capsys.readouterr().out.endswith("1 cases: 1 passed, 0 failed\n")
    case = project / "rules" / "tests" / "main.yaml"
    case.write_text(case.read_text().replace("department: Tier 2", "department: Tier 3"))
    assert deskpilot("rules", "test", "rules") == 1
    assert "move.department: expected 'Tier 3', got 'Tier 2'" in capsys.readouterr().out


def test_schema_prints_the_json_schema_of_rule_files_and_of_test_files(project: Path, capsys) -> None:
    assert deskpilot("rules", "schema") == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "deskpilot rule file"
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {
        "rules",
        "calendars",
        "sla_policies",
        "lists",
        "notify_targets",
        "skills",
        "shifts",
    }
    assert {"id", "if", "calendar", "metrics", "pause_statuses"} <= set(schema["$defs"]["SlaPolicy"]["properties"])
    rule = schema["$defs"]["Rule"]
    assert {"id", "on", "if", "then", "once", "dry_run"} <= set(rule["properties"])
    assert "equals" in schema["$defs"]["FieldCondition"]["properties"]
    assert "in" in schema["$defs"]["FieldCondition"]["properties"]
    assert deskpilot("rules", "schema", "--tests") == 0
    assert set(json.loads(capsys.readouterr().out)["properties"]) == {"rules", "fixtures", "cases"}


def test_explain_prints_each_verdict_and_why(project: Path, capsys) -> None:
    (project / "t.json").write_text(json.dumps(ticket(subject="Invoice 7")))
    (project / "d.json").write_text(json.dumps(directory()))
    assert (
        deskpilot(
            "rules", "explain", "--ticket-file", "t.json", "--now", "2026-12-01T10:00:00Z", "--directory", "d.json"
        )
        == 0
    )
    assert capsys.readouterr().out.splitlines() == [
        "Event ticket.created on ticket 1892000000143237 at 2026-12-01T10:00:00Z: 1 of 2 rules fired",
        "  NOT MATCHED    vip      rules/main.yaml:2",
        "                   contact.account.accountName in ['Zylker']: actual 'Globex'",
        "  FIRED          billing  rules/main.yaml:6",
        "                   update  category='billing'",
    ]


def test_explain_of_an_update_and_as_json(project: Path, capsys) -> None:
    (project / "t.json").write_text(json.dumps(ticket()))
    (project / "p.json").write_text(json.dumps(ticket(status="Closed")))
    assert deskpilot("rules", "explain", "--ticket-file", "t.json", "--previous", "p.json", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["event"]["kind"] == "ticket.updated"
    assert [verdict["status"] for verdict in data["verdicts"]] == ["not_triggered", "not_triggered"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "deskpilot rules: cannot read the ticket file t.json: No such file or directory"),
        ("{not json", "deskpilot rules: t.json:1:2: invalid JSON: Expecting property name enclosed in double quotes"),
        ("[1]", "deskpilot rules: t.json: expected a JSON object (the ticket as the Desk returns it)"),
    ],
)
def test_explain_refuses_a_bad_ticket_file_with_one_line(project: Path, capsys, content, message) -> None:
    if content is not None:
        (project / "t.json").write_text(content)
    assert deskpilot("rules", "explain", "--ticket-file", "t.json") == 2
    assert capsys.readouterr().err == message + "\n"


def test_the_module_runs_alone(project: Path, capsys) -> None:
    assert rules_cli.main(["check", "rules"]) == 0
    assert "ok" in capsys.readouterr().out
