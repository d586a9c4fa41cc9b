"""Rule test cases (`rules/tests/*.yaml`): run them and say, readably, what differs.

The format (more keys may be added; these stay):

    rules: ../            # optional: rule file(s) or folder, relative to this file; default: the rules/ folder
    cases:
      - name: VIP ticket goes to Tier 2
        now: "2026-11-28T10:00:00Z"     # optional: default the ticket's modifiedTime, else its createdTime
        event: ticket.created           # or ticket.updated / replied / agent_replied / reopened / commented, schedule
        ticket: {...}                   # the ticket JSON as the Desk returns it
        previous: {...}                 # optional: the ticket before the change (ticket.updated)
        directory: {agents: [...], departments: [...]}   # optional: as the Desk returns them
        expect:
          fired: [vip-to-tier2]         # exactly the rule ids that fire, in order
          actions:                      # optional: exactly the planned actions, in order; each listed key must
            - {rule: vip-to-tier2, move: {department: Tier 2}}   # equal the planned one's (mappings: listed keys)

Fields beyond the ticket (engine/facts.py): `contact` and `account` ({...} as GET /contacts/{id} and
/accounts/{id} return them) stand for what the pipeline fetches; `sla.*` is computed from the case's `threads` /
`statuses` / `timeline` (below) at `now`, which is also the time `business_hours` and `only_when_open` read;
`lists:` come from the rule files. The ticket's activity (anchors such as last_agent_reply_at, counters such as
agent_reply_count, latest texts) and the event's `changed_by` come from the case's `activity` steps and
`changed_by` (engine/activity_cases.py).

Added keys: top-level `fixtures` (free-form, ignored: a home for YAML anchors such as &ticket), and per case
`changes` ({field: [old, new]}, as the poller sends them), `by_deskpilot` (the change was ours),
`history` ({fires_last_hour: {rule: n}, fired_once: [rule] or {rule: anchor value}}), and under `expect`,
`status` ({rule: fired | not_matched | skipped | failed | disabled | not_triggered}). `event` defaults to
ticket.updated when `previous` is given, else ticket.created. Default rules: the folder holding the `tests/`
folder the file is in.

SLA policies (worker/engine/sla/): a case may give the ticket's history and check its clocks and levels.

    threads: [...]            # optional: the thread list as GET /tickets/{id}/threads returns it (direction,
                              #   createdTime, status, visibility); or, instead of threads and statuses:
    statuses: [[time, status], ...]   # optional with threads: the status history (default: inferred from the
                              #   ticket: Open at createdTime, then its current status since closedTime/onholdTime)
    timeline: {created, customer_messages: [...], agent_responses: [...], statuses: [[time, status]]}
    sla_fired: [...]          # levels already fired: "policy|metric|cycle|level" keys or {metric, level} (the
                              #   governing policy and the metric's current cycle by default; policy, cycle given)
    expect:
      policy: support-sla     # the governing policy (null: none applies)
      sla:                    # exactly the governing policy's clocks, in its metric order; listed keys compared
        - {metric: first_response, state: running, due_at: "2026-12-01T13:00:00Z", breached: false}
      escalations:            # exactly the levels due now (not in sla_fired), oldest first, with their actions
        - {metric: first_response, level: 2, due_at: "...", actions: [{comment: {text: ...}}]}
      next_level: {metric: first_response, level: 3, due_at: "..."}   # or null

Clock keys: policy, metric, state (running | paused | stopped | not_started), cycle, started_at, target,
elapsed, remaining, due_at, breached, pauses ([[from, to or null]]), stopped_at, stopped_by, cycles. Level keys:
key, policy, metric, cycle, level, name, offset, due_at, breach_at, ticket, dry_run, actions, error. Times may be
written in any ISO form and durations in any rule form. `fired` is optional when an SLA expectation is given
(the rules are then not checked); a case must expect something.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any, Literal

from pydantic import Field, model_validator

from worker.engine.activity_cases import ActivityStep, case_view
from worker.engine.errors import Problem
from worker.engine.evaluate import Evaluation, Event, MemoryHistory, evaluate
from worker.engine.facts import needs
from worker.engine.loader import TESTS_FOLDER, check_rules
from worker.engine.ruleset import RuleSet
from worker.engine.schema import StrictModel, invalid
from worker.engine.sla.cases import case_timeline, compare_sla, fired_keys
from worker.engine.sla.state import sla_fields
from worker.engine.validation import validate
from worker.engine.values import loose_equal, parse_time
from worker.engine.yamlsource import Locator, parse_yaml, to_plain

EventName = Literal[
    "ticket.created",
    "ticket.updated",
    "ticket.replied",
    "ticket.agent_replied",
    "ticket.reopened",
    "ticket.commented",
    "schedule",
]
Status = Literal["fired", "not_matched", "skipped", "failed", "disabled", "not_triggered"]


class Expect(StrictModel):
    fired: list[str] | None = None
    actions: list[dict[str, Any]] | None = None
    status: dict[str, Status] | None = None
    policy: str | None = Field(None, description="the governing SLA policy (null: none applies)")
    sla: list[dict[str, Any]] | None = Field(None, description="exactly the governing policy's clocks")
    escalations: list[dict[str, Any]] | None = Field(None, description="exactly the SLA levels due now")
    next_level: dict[str, Any] | None = Field(None, description="the next SLA level to come (null: none)")

    @model_validator(mode="after")
    def _expects_something(self) -> Expect:
        if not self.model_fields_set & {"fired", "actions", "status"} and not self.checks_sla:
            raise invalid("expect nothing? give fired (rules) and/or policy, sla, escalations, next_level (SLA)")
        return self

    @property
    def checks_rules(self) -> bool:
        return bool(self.model_fields_set & {"fired", "actions", "status"})

    @property
    def checks_sla(self) -> bool:
        return bool(self.model_fields_set & {"policy", "sla", "escalations", "next_level"})


class HistorySpec(StrictModel):
    fires_last_hour: dict[str, int] = {}
    fired_once: list[str] | dict[str, Any] = []


class Case(StrictModel):
    name: str = Field(min_length=1)
    now: str | None = None
    event: EventName | None = None
    ticket: dict[str, Any]
    previous: dict[str, Any] | None = None
    changes: dict[str, list[Any]] | None = None
    by_deskpilot: bool = False
    directory: dict[str, Any] | None = None
    contact: dict[str, Any] | None = Field(None, description="the requester as GET /contacts/{id} returns it")
    account: dict[str, Any] | None = Field(None, description="the account as GET /accounts/{id} returns it")
    history: HistorySpec | None = None
    threads: list[dict[str, Any]] | None = None
    statuses: list[Any] | None = None
    timeline: dict[str, Any] | None = None
    sla_fired: list[str | dict[str, Any]] | None = None
    activity: list[ActivityStep] | None = Field(None, description="the ticket's history, oldest first (replies, ...)")
    changed_by: str | dict[str, Any] | None = Field(None, description="the event's actor, e.g. agent:jane@x.test")
    expect: Expect


class RuleTestEnvelope(StrictModel):
    rules: str | list[str] | None = None
    fixtures: dict[str, Any] | None = None
    cases: list[Any] = Field(min_length=1)


class RuleTestFile(StrictModel):
    """The schema of a rule test file (exported for editors by `rules schema --tests`)."""

    rules: str | list[str] | None = None
    fixtures: dict[str, Any] | None = Field(None, description="free-form: a home for YAML anchors (&ticket)")
    cases: list[Case] = Field(min_length=1)


@dataclass
class CaseResult:
    file: str
    line: int
    name: str
    diffs: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.diffs


@dataclass
class RuleTestReport:
    results: list[CaseResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not any(p.is_error for p in self.problems) and all(r.passed for r in self.results) and bool(self.results)

    def text(self) -> str:
        lines = [str(problem) for problem in self.problems]
        current = None
        for result in self.results:
            if result.file != current:
                current = result.file
                lines.append(current)
            lines.append(
                f"  {'PASS' if result.passed else 'FAIL'}  {result.name}"
                + ("" if result.passed else f"  ({result.file}:{result.line})")
            )
            lines.extend(f"        {diff}" for diff in result.diffs)
        failed = sum(not result.passed for result in self.results)
        lines.append(
            f"{len(self.results)} cases: {len(self.results) - failed} passed, {failed} failed"
            + (f"; {sum(p.is_error for p in self.problems)} file errors" if self.problems else "")
        )
        return "\n".join(lines)


def find_test_files(path: str | FilePath) -> list[FilePath]:
    """The test files at `path`: a file, a folder's tests/*.yaml, or (a tests folder) its *.yaml."""
    root = FilePath(path)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise FileNotFoundError(f"{path}: no such file or folder")
    folder = root / TESTS_FOLDER if (root / TESTS_FOLDER).is_dir() else root
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def run_rule_tests(path: str | FilePath) -> RuleTestReport:
    """Run every case of every test file at `path` (see the module docstring)."""
    report = RuleTestReport()
    try:
        files = find_test_files(path)
    except FileNotFoundError as exc:
        report.problems.append(Problem(str(path), 1, 1, str(exc).split(": ", 1)[1]))
        return report
    if not files:
        report.problems.append(Problem(str(path), 1, 1, "no rule test files found (expected tests/*.yaml)"))
    cache: RuleCache = {}
    for file in files:
        _run_file(file, report, cache)
    return report


RuleCache = dict[str, tuple[RuleSet | None, list[Problem]]]


def _run_file(file: FilePath, report: RuleTestReport, cache: RuleCache) -> None:
    name = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report.problems.append(Problem(name, 1, 1, f"cannot read the file: {exc}"))
        return
    root, problems = parse_yaml(text, name)
    report.problems.extend(problems)
    if root is None:
        return
    locator = Locator(name, root)
    envelope, problems = validate(RuleTestEnvelope, to_plain(root), locator)
    report.problems.extend(problems)
    if envelope is None:
        return
    rules = _rules_for(file, envelope.rules, report, cache)
    for index, item in enumerate(envelope.cases):
        case, problems = validate(Case, item, locator, ("cases", index))
        report.problems.extend(problems)
        if case is not None and rules is not None:
            line = locator.position(("cases", index))[0]
            report.results.append(run_case(rules, case, name, line))


def _rules_for(
    file: FilePath, given: str | list[str] | None, report: RuleTestReport, cache: RuleCache
) -> RuleSet | None:
    default = file.parent.parent if file.parent.name == TESTS_FOLDER else file.parent
    paths = (
        [default] if given is None else [file.parent / item for item in ([given] if isinstance(given, str) else given)]
    )
    sets: list[RuleSet] = []
    failed = False
    for path in paths:
        key = str(path.resolve())
        if key not in cache:
            cache[key] = check_rules(_display(path))
            report.problems.extend(problem for problem in cache[key][1] if problem.is_error)
        rule_set = cache[key][0]
        if rule_set is None:
            failed = True  # still check the other paths: their problems are reported too
        else:
            sets.append(rule_set)
    if failed:
        return None
    if len(sets) == 1:
        return sets[0]
    merged = [rule for rule_set in sets for rule in rule_set.rules]
    return RuleSet(
        tuple(merged),
        {name: cal for rule_set in sets for name, cal in rule_set.calendars.items()},
        sla_policies=tuple(policy for rule_set in sets for policy in rule_set.sla_policies),
    )


def _display(path: FilePath) -> str:
    try:
        return str(path.resolve().relative_to(FilePath.cwd()))
    except ValueError:
        return str(path)


def run_case(rules: RuleSet, case: Case, file: str = "", line: int = 0) -> CaseResult:
    """Evaluate one case and compare with its expectations."""
    result = CaseResult(file, line, case.name)
    now = case.now or case.ticket.get("modifiedTime") or case.ticket.get("createdTime")
    if now is None or parse_time(now) is None:
        result.diffs.append(f"now: expected an ISO time like 2026-11-28T10:00:00Z, got {now!r}")
        return result
    if case.expect.checks_rules:
        kind = case.event or ("ticket.updated" if case.previous is not None else "ticket.created")
        ticket_id = str(case.ticket.get("id") or "")
        changes = {key: tuple(value) for key, value in case.changes.items()} if case.changes is not None else None
        event = Event(kind, ticket_id, changes, case.by_deskpilot, f"test:{case.name}")
        try:
            facts = _facts(rules, case, parse_time(now))
        except ValueError as exc:
            result.diffs.append(f"timeline: {exc}")
            return result
        try:
            ticket = case_view(case.ticket, case.activity, case.changed_by)
        except ValueError as exc:
            result.diffs.append(f"activity: {exc}")
            return result
        evaluation = evaluate(
            rules,
            event,
            ticket,
            case.previous,
            case.directory,
            now,
            history=_history(case.history, ticket_id),
            facts=facts,
        )
        result.diffs.extend(compare(case.expect, evaluation))
    if case.expect.checks_sla:
        result.diffs.extend(_compare_sla(rules, case, parse_time(now)))
    return result


def _facts(rules: RuleSet, case: Case, now: Any) -> dict[str, Any]:
    """What the pipeline would fetch for the case (plan/facts.py): its contact and account, and the SLA state
    from its timeline when a rule reads sla.*; raises ValueError for a bad timeline."""
    facts: dict[str, Any] = {}
    if case.contact is not None:
        facts["contact"] = case.contact
    if case.account is not None:
        facts["account"] = case.account
    if needs(rules).sla:
        timeline = case_timeline(case.ticket, case.threads, case.statuses, case.timeline)
        facts["sla"] = sla_fields(rules, case.ticket, timeline, now)
    return facts


def _compare_sla(rules: RuleSet, case: Case, now: Any) -> list[str]:
    try:
        timeline = case_timeline(case.ticket, case.threads, case.statuses, case.timeline)
    except ValueError as exc:
        return [f"timeline: {exc}"]
    fired = fired_keys(rules, case.ticket, timeline, now, case.sla_fired)
    return compare_sla(rules, case.expect, case.ticket, timeline, now, case.directory, fired)


def _history(spec: HistorySpec | None, ticket_id: str) -> MemoryHistory:
    history = MemoryHistory()
    if spec is None:
        return history
    history.fires = {(rule, ticket_id): count for rule, count in spec.fires_last_hour.items()}
    once = spec.fired_once
    if isinstance(once, list):
        history.once = {(rule, ticket_id, None) for rule in once}
    else:
        history.once = {(rule, ticket_id, None if anchor is None else str(anchor)) for rule, anchor in once.items()}
    return history


def compare(expect: Expect, evaluation: Evaluation) -> list[str]:
    """Readable differences between what a case expects and what the evaluation gave; empty when they agree."""
    diffs: list[str] = []
    fired = evaluation.fired_ids
    if expect.fired is not None and fired != expect.fired:
        diffs.append(f"fired: expected {_ids(expect.fired)}, got {_ids(fired)}")
        for rule_id in expect.fired:
            verdict = evaluation.verdict(rule_id)
            if rule_id not in fired:
                diffs.append(f"  {rule_id} did not fire: {verdict.reason if verdict else 'no such rule'}")
    for rule_id, status in (expect.status or {}).items():
        verdict = evaluation.verdict(rule_id)
        got = verdict.status if verdict else "no such rule"
        if got != status:
            diffs.append(
                f"status of {rule_id}: expected {status}, got {got}"
                + (f" ({verdict.reason})" if verdict and verdict.reason else "")
            )
    if expect.actions is not None:
        diffs.extend(_compare_actions(expect.actions, [action.as_dict() for action in evaluation.actions]))
    return diffs


def _ids(ids: list[str]) -> str:
    return "[" + ", ".join(ids) + "]"


def _compare_actions(expected: list[dict[str, Any]], planned: list[dict[str, Any]]) -> list[str]:
    diffs = []
    if len(expected) != len(planned):
        diffs.append(
            f"actions: expected {len(expected)}, planned {len(planned)}: "
            + ", ".join(f"{action['rule']} {action['type']}" for action in planned)
        )
    for index, (want, got) in enumerate(zip(expected, planned, strict=False)):  # a length mismatch is reported above
        label = f"actions[{index}] ({got['rule']} {got['type']})"
        diffs.extend(f"{label}{where}: {message}" for where, message in partial_diff(want, got))
    return diffs


def partial_diff(expected: Any, actual: Any, where: str = "") -> list[tuple[str, str]]:
    """Where `actual` differs from `expected`: mappings compare only the keys `expected` lists, recursively."""
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [(where, f"expected a mapping, got {actual!r}")]
        out = []
        for key, value in expected.items():
            if key not in actual:
                out.append((f"{where}.{key}", f"expected {value!r}, but the planned action has no {key!r}"))
            else:
                out.extend(partial_diff(value, actual[key], f"{where}.{key}"))
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [(where, f"expected {expected!r}, got {actual!r}")]
        return [
            diff
            for index, (want, got) in enumerate(zip(expected, actual, strict=True))
            for diff in partial_diff(want, got, f"{where}[{index}]")
        ]
    if expected == actual or (expected is not None and actual is not None and loose_equal(actual, expected)):
        return []
    return [(where, f"expected {expected!r}, got {actual!r}")]
