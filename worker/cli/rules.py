"""`deskpilot rules ...`: check, test and explain rule files; export their JSON Schema.

    deskpilot rules check [PATH] [--desk]
                                      exit 0 when the rules load (warnings printed), 1 otherwise; --desk also
                                      checks every name (department, agent, status...) against each org's Desk
    deskpilot rules test [PATH]       run PATH/tests/*.yaml; exit 0 when every case passes, 1 with a diff otherwise
    deskpilot rules schema [--tests]  print the JSON Schema of rule files (or of rule test files)
    deskpilot rules explain --ticket-file T.json [--previous P.json] [--event KIND] [--now ISO]
                            [--directory D.json] [--contact C.json] [--account A.json] [--timeline TL.json]
                            [--activity STEPS.json] [--changed-by ACTOR] [--rules PATH] [--json]

PATH defaults to the rules_path setting (DESKPILOT_RULES_PATH, default `rules`). `worker/cli/main.py` wires this
module in with `register(subparsers)`; `python -m worker.cli.rules ...` runs it alone.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from worker.engine.activity_cases import ActivityStep, case_view
from worker.engine.changed_by import value_problem
from worker.engine.errors import Problem
from worker.engine.evaluate import Event, evaluate
from worker.engine.explain import explain_text
from worker.engine.facts import needs
from worker.engine.loader import check_rules
from worker.engine.ruletests import RuleTestFile, run_rule_tests
from worker.engine.schema import EVENT_KINDS, SCHEDULE, json_schema
from worker.engine.sla.state import sla_fields
from worker.engine.sla.timeline import Timeline
from worker.engine.values import parse_time


class UsageError(Exception):
    """A bad argument or input file: one line on stderr, exit status 2."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `rules` and its sub-commands to the `deskpilot` parser."""
    parser = subparsers.add_parser(
        "rules",
        help="check, test and explain rule files; export their JSON Schema",
        description=__doc__.splitlines()[0],
    )
    sub = parser.add_subparsers(dest="rules_command", required=True, metavar="SUBCOMMAND")

    check = sub.add_parser("check", help="validate rule files: every problem as file:line:col: message")
    check.add_argument("path", nargs="?", help="a rule file or folder (default: the rules_path setting)")
    check.add_argument(
        "--desk",
        action="store_true",
        help="also check every department, agent, team, status, "
        "priority, picklist value, layout and custom field against the Desk (settings as for run)",
    )
    check.set_defaults(handler=_guarded(run_check))

    test = sub.add_parser("test", help="run the rule test cases in PATH/tests/*.yaml")
    test.add_argument("path", nargs="?", help="a rules folder, a tests folder or one test file")
    test.set_defaults(handler=_guarded(run_test))

    schema = sub.add_parser("schema", help="print the JSON Schema of rule files, for editors")
    schema.add_argument("--tests", action="store_true", help="the schema of rule test files instead")
    schema.set_defaults(handler=_guarded(run_schema))

    explain = sub.add_parser("explain", help="show each rule's verdict on one ticket, and why")
    explain.add_argument("--ticket-file", required=True, help="the ticket JSON as the Desk returns it")
    explain.add_argument("--previous", help="the ticket JSON before the change")
    explain.add_argument(
        "--event", choices=(*EVENT_KINDS, SCHEDULE), help="default: ticket.updated with --previous, else ticket.created"
    )
    explain.add_argument("--now", help="evaluation time, ISO 8601 (default: now)")
    explain.add_argument("--directory", help="JSON {agents: [...], departments: [...], mailReplyAddresses: [...]}")
    explain.add_argument("--contact", help="the requester's JSON as GET /contacts/{id} returns it (contact.* fields)")
    explain.add_argument("--account", help="the account's JSON as GET /accounts/{id} returns it (account.* fields)")
    explain.add_argument(
        "--timeline", help="the ticket's SLA timeline JSON {created, customer_messages, ...} for sla.* (default: none)"
    )
    explain.add_argument(
        "--activity", help='JSON {"activity": [steps]}: the ticket history as rule test cases give it (replies...)'
    )
    explain.add_argument("--changed-by", help="the event's actor: customer, agent, agent:<email>, automation...")
    explain.add_argument("--rules", help="rule file or folder (default: the rules_path setting)")
    explain.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    explain.set_defaults(handler=_guarded(run_explain))


def _guarded(handler):
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except UsageError as exc:
            print(f"deskpilot rules: {exc}", file=sys.stderr)
            return 2
        except BrokenPipeError:  # `deskpilot rules schema | head`: the reader left, which is fine
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0

    run.__name__ = handler.__name__
    return run


def _rules_path(given: str | None) -> str:
    if given:
        return given
    from config.settings import load_settings

    return str(load_settings().rules_path)


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def run_check(args: argparse.Namespace) -> int:
    path = _rules_path(args.path)
    rules, problems = check_rules(path)
    checked: list[str] = []
    if rules is not None and args.desk:
        from worker.app.names_check import DeskCheckError, desk_name_problems

        try:
            unknown, checked = desk_name_problems(rules)
        except DeskCheckError as exc:
            _print_problems(problems)
            print(f"deskpilot rules check --desk: {exc}", file=sys.stderr)
            return 2
        problems = sorted(problems + unknown)
        rules = None if any(problem.is_error for problem in unknown) else rules
    _print_problems(problems)
    errors = sum(problem.is_error for problem in problems)
    warnings = len(problems) - errors
    if rules is None:
        print(f"{path}: refused: {errors} error(s), {warnings} warning(s)")
        return 1
    policies = f", {len(rules.sla_policies)} SLA policies" if rules.sla_policies else ""
    desk = f"; names checked against org {', '.join(checked)}" if checked else ""
    print(
        f"{path}: {len(rules)} rules in {len(rules.files)} files, {len(rules.calendars)} calendars{policies}: ok"
        + desk
        + (f" ({warnings} warning(s))" if warnings else "")
    )
    return 0


def run_test(args: argparse.Namespace) -> int:
    report = run_rule_tests(_rules_path(args.path))
    print(report.text())
    return 0 if report.passed else 1


def run_schema(args: argparse.Namespace) -> int:
    schema = RuleTestFile.model_json_schema(by_alias=True) if args.tests else json_schema()
    print(json.dumps(schema, indent=2, sort_keys=False))
    return 0


def run_explain(args: argparse.Namespace) -> int:
    rules, problems = check_rules(_rules_path(args.rules))
    if rules is None:
        _print_problems(problems)
        return 1
    ticket = _read_json(args.ticket_file, "ticket")
    previous = _read_json(args.previous, "previous") if args.previous else None
    directory = _read_json(args.directory, "directory") if args.directory else None
    kind = args.event or ("ticket.updated" if previous is not None else "ticket.created")
    try:
        ticket = _with_activity(args, ticket)
        facts = _explain_facts(args, rules, ticket)
        evaluation = evaluate(
            rules, Event(kind, str(ticket.get("id") or "")), ticket, previous, directory, args.now, facts=facts
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(evaluation.as_dict(), indent=2, default=str))
    else:
        print(explain_text(rules, evaluation))
    return 0


def _explain_facts(args: argparse.Namespace, rules: Any, ticket: dict[str, Any]) -> dict[str, Any]:
    """The fields beyond the ticket (engine/facts.py), from --contact, --account and --timeline."""
    facts: dict[str, Any] = {}
    if args.contact:
        facts["contact"] = _read_json(args.contact, "contact")
    if args.account:
        facts["account"] = _read_json(args.account, "account")
    if needs(rules).sla:
        data = _read_json(args.timeline, "timeline") if args.timeline else None
        timeline = Timeline.from_dict(data) if data is not None else Timeline.from_threads(ticket, [])
        now = parse_time(args.now) if args.now else datetime.now(timezone.utc)
        if now is None:
            raise ValueError(f"now: expected an ISO time like 2026-11-28T10:00:00Z, got {args.now!r}")
        facts["sla"] = sla_fields(rules, ticket, timeline, now)
    return facts


def _with_activity(args: argparse.Namespace, ticket: dict[str, Any]) -> dict[str, Any]:
    """The ticket with the anchors, counters and actor --activity and --changed-by give (activity_cases.py)."""
    if not args.activity and not args.changed_by:
        return ticket
    steps = _read_json(args.activity, "activity").get("activity") if args.activity else None
    try:
        parsed = [ActivityStep.model_validate(step) for step in steps or ()] if args.activity else None
    except ValidationError as exc:
        raise ValueError(f"{args.activity}: {exc.errors()[0]['msg']}") from None
    problem = value_problem(args.changed_by) if args.changed_by else None
    if problem is not None:
        raise ValueError(f"--changed-by: {problem}")
    return case_view(ticket, parsed, args.changed_by)


def _read_json(path: str, what: str) -> Any:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read the {what} file {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a JSON object (the {what} as the Desk returns it)")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deskpilot")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["rules", *(sys.argv[1:] if argv is None else argv)])
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
