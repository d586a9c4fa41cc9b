"""Load rule files into a `RuleSet`, reporting every problem as `file:line:col: message`.

One loader serves the CLI (`deskpilot rules check`) and the service (which keeps its last good rule set when a
reload is refused). A path is one file or a folder: every `*.yaml` / `*.yml` under it, in alphabetical order of
their relative paths, except those in a `tests` folder (rule test cases live there).

Steps, each collecting problems instead of stopping at the first:
1. parse each file (YAML syntax errors, duplicate keys);
2. validate the top level, then each rule, calendar and SLA policy on its own, so one bad rule hides no other
   problem;
3. across files: calendar and list names must be unique, and ids among rules and SLA policies together;
4. compile each valid rule (conditions, templates, calendars referenced) and lint it; then lint the order;
5. compile each valid SLA policy (sla/policy.py) and lint it; policies keep file order; warn about unused lists.
Errors refuse the whole set (`RuleLoadError`); warnings are kept on the RuleSet.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path as FilePath

from worker.engine.business_days import meaning_warnings
from worker.engine.calendars import Calendar, CalendarSpec
from worker.engine.conditions import compile_condition
from worker.engine.errors import Problem, RuleLoadError, Severity
from worker.engine.facts import policy_field_problem
from worker.engine.lint import lint_order, lint_policies, lint_rule
from worker.engine.lists import Lists
from worker.engine.notify_targets import bind_targets, merge_targets, read_targets
from worker.engine.paths import make_getter
from worker.engine.planner import compile_action
from worker.engine.routing import RoutingSource, bind_routing, merge_routing, read_routing
from worker.engine.ruleset import CompiledRule, RuleSet
from worker.engine.schema import OncePerAnchor, Rule, RuleFileEnvelope, SlaPolicy
from worker.engine.schema_outbound import NotifyTarget
from worker.engine.sla.policy import CompiledPolicy, compile_policy
from worker.engine.validation import validate
from worker.engine.yamlsource import Locator, Path, parse_yaml, to_plain
from worker.engine.yamltree import BlockString

RULE_SUFFIXES = (".yaml", ".yml")
TESTS_FOLDER = "tests"
# Size limit of one rule file (the service passes the setting; `rules check` uses this same default).
DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FILE_BYTES_SETTING = "DESKPILOT_RULES_MAX_FILE_BYTES"
# Expanded YAML nodes allowed per file: what a file of the size limit holds written out (real rule files need
# about 10 bytes per node), so aliases cannot make a small file cost more than a large one.
BYTES_PER_NODE = 4


class FileReporter:
    """Records problems for one file at the YAML node of a path (templates: plus a line offset)."""

    def __init__(self, locator: Locator, problems: list[Problem]) -> None:
        self.locator, self.problems = locator, problems

    def __call__(
        self, path: Path, message: str, *, at_key: bool = False, line_offset: int = 0, severity: Severity = "error"
    ) -> None:
        problem = self.locator.problem(path, message, at_key=at_key, severity=severity)
        node = self.locator.node(path)
        block = isinstance(node, BlockString)
        if line_offset or block:
            problem = Problem(
                problem.file, problem.line + line_offset + int(block), problem.col, problem.message, problem.severity
            )
        self.problems.append(problem)


@dataclass
class _Source:
    file: str
    rank: int
    locator: Locator
    rules: list[tuple[int, Rule]] = field(default_factory=list)
    calendars: dict[str, CalendarSpec] = field(default_factory=dict)
    policies: list[tuple[int, SlaPolicy]] = field(default_factory=list)
    targets: dict[str, NotifyTarget] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    routing: RoutingSource | None = None


def rule_files(path: str | FilePath) -> list[tuple[str, FilePath]]:
    """(display name, path) of the rule files at `path`: the file itself, or a folder's, tests aside."""
    root = FilePath(path)
    if root.is_file():
        return [(str(path), root)]
    if not root.is_dir():
        raise FileNotFoundError(f"{path}: no such file or folder")
    found = [
        candidate
        for candidate in root.rglob("*")
        if candidate.suffix in RULE_SUFFIXES
        and candidate.is_file()
        and TESTS_FOLDER not in candidate.relative_to(root).parts[:-1]
    ]
    return [
        (str(FilePath(path) / candidate.relative_to(root)), candidate)
        for candidate in sorted(found, key=lambda item: item.relative_to(root).as_posix())
    ]


def check_rules(
    path: str | FilePath, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> tuple[RuleSet | None, list[Problem]]:
    """(the rule set or None when refused, every problem found); a missing path is one problem."""
    try:
        files = rule_files(path)
    except FileNotFoundError as exc:
        return None, [Problem(str(path), 1, 1, str(exc).split(": ", 1)[1])]
    sources, refused = [], []
    for name, file in files:
        try:
            size = file.stat().st_size
            if size > max_file_bytes:  # refused unread: a huge file must not cost memory to be refused
                refused.append(_too_large(name, size, max_file_bytes))
                continue
            sources.append((name, file.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            return None, [Problem(name, 1, 1, f"cannot read the file: {exc}")]
    rules, problems = check_sources(sources, max_file_bytes)
    if refused:
        return None, sorted(set(problems + refused))
    return rules, problems


def _too_large(name: str, size: int, limit: int) -> Problem:
    return Problem(
        name,
        1,
        1,
        f"the file is {size:,} bytes, over the limit of {limit:,} bytes for one rule file "
        f"({MAX_FILE_BYTES_SETTING}); split it into several files in the rules folder, or "
        "raise the setting",
    )


def load_rules(path: str | FilePath, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> RuleSet:
    """The rule set at `path`; raises RuleLoadError listing every problem when any is an error."""
    rules, problems = check_rules(path, max_file_bytes)
    if rules is None:
        raise RuleLoadError(problems)
    return rules


def load_rules_text(text: str, file: str = "rules.yaml") -> RuleSet:
    """The rule set in one YAML text (tests, tools); raises RuleLoadError like load_rules."""
    rules, problems = check_sources([(file, text)])
    if rules is None:
        raise RuleLoadError(problems)
    return rules


def check_sources(
    sources: Iterable[tuple[str, str]], max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> tuple[RuleSet | None, list[Problem]]:
    """Steps 1-4 of the module docstring over (display name, text) pairs, in the given order."""
    with _collector_paused():
        return _check_sources(sources, max_file_bytes)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a rule set is built: the load allocates hundreds of thousands
    of long-lived objects, and each allocation burst set off full collections that walked all of them again (40%
    of a 1 MB load's CPU). Nothing is lost: the collector runs as usual afterwards. It is process-wide; a
    concurrent load that paused it first, or code that disabled it, finds it as it left it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_sources(sources: Iterable[tuple[str, str]], max_file_bytes: int) -> tuple[RuleSet | None, list[Problem]]:
    problems: list[Problem] = []
    parsed = [
        source
        for rank, (name, text) in enumerate(sources)
        if (source := _read_source(name, text, rank, problems, max_file_bytes)) is not None
    ]
    calendars = _calendars(parsed, problems)
    lists = _lists(parsed, problems)
    compiled = _compile_rules(parsed, calendars, problems, lists)
    ordered = sorted(compiled, key=lambda rule: rule.sort_key)
    reporters = {source.file: FileReporter(source.locator, problems) for source in parsed}

    def report(
        rule: CompiledRule, path: Path, message: str, severity: Severity = "error", at_key: bool = False
    ) -> None:
        reporters[rule.file](path, message, severity=severity, at_key=at_key)

    for rule in ordered:
        lint_rule(rule, report)
    lint_order(ordered, report)
    policies = _compile_policies(parsed, calendars, {rule.id: rule.source for rule in compiled}, problems, lists)
    _lint_lists(parsed, lists, problems)

    def report_policy(
        policy: CompiledPolicy, path: Path, message: str, severity: Severity = "error", at_key: bool = False
    ) -> None:
        reporters[policy.file](path, message, severity=severity, at_key=at_key)

    lint_policies(policies, report_policy)
    for policy in policies:  # their sweep reads the mirror: fields fetched for rules are not there
        conditions = [policy.condition, *(item for metric in policy.metrics for item in metric.stop_conditions)]
        for leaf in (leaf for condition in conditions for leaf in condition.leaves):
            if (problem := policy_field_problem(leaf.path)) is not None:
                report_policy(policy, leaf.loc + ("field",), problem)
    targets = merge_targets(((source.locator, source.targets) for source in parsed), problems)
    bind_targets(ordered, policies, targets, lambda file: reporters[file])
    routing = merge_routing((source.routing for source in parsed if source.routing), calendars, problems)
    bind_routing(ordered, policies, routing)
    problems = sorted(set(problems))
    if any(problem.is_error for problem in problems):
        return None, problems
    warnings = tuple(problem for problem in problems if not problem.is_error)
    return RuleSet(
        tuple(ordered),
        calendars,
        warnings,
        tuple(source.file for source in parsed),
        tuple(policies),
        notify_targets=targets,
    ), problems


def _read_source(name: str, text: str, rank: int, problems: list[Problem], max_file_bytes: int) -> _Source | None:
    size = len(text.encode("utf-8"))
    if size > max_file_bytes:
        problems.append(_too_large(name, size, max_file_bytes))
        return None
    root, syntax = parse_yaml(text, name, max_nodes=max_file_bytes // BYTES_PER_NODE)
    problems.extend(syntax)
    if syntax:
        return None
    locator = Locator(name, root)
    source = _Source(name, rank, locator)
    if root is None:
        problems.append(Problem(name, 1, 1, "the file is empty; expected rules: and/or calendars:", "warning"))
        return source
    data = to_plain(root)
    if not isinstance(data, dict):
        problems.append(locator.problem((), "expected a mapping with rules: and calendars: at the top level"))
        return None
    meaning_warnings(data, FileReporter(locator, problems))
    envelope, found = validate(RuleFileEnvelope, data, locator)
    problems.extend(found)
    if envelope is None:
        return None
    for index, item in enumerate(envelope.rules):
        rule, found = validate(Rule, item, locator, ("rules", index))
        problems.extend(found)
        if rule is not None:
            source.rules.append((index, rule))
    for name_, item in envelope.calendars.items():
        spec, found = validate(CalendarSpec, item, locator, ("calendars", name_))
        problems.extend(found)
        if spec is not None:
            source.calendars[name_] = spec
    source.lists = {name_: list(items) for name_, items in envelope.lists.items()}
    source.targets = read_targets(envelope.notify_targets, locator, problems)
    source.routing = read_routing(envelope.skills, envelope.shifts, locator, problems)
    for index, item in enumerate(envelope.sla_policies):
        policy, found = validate(SlaPolicy, item, locator, ("sla_policies", index))
        problems.extend(found)
        if policy is not None:
            source.policies.append((index, policy))
    return source


def _calendars(sources: list[_Source], problems: list[Problem]) -> dict[str, Calendar]:
    calendars: dict[str, Calendar] = {}
    where: dict[str, str] = {}
    for source in sources:
        for name, spec in source.calendars.items():
            line, col = source.locator.position(("calendars", name), at_key=True)
            if name in calendars:
                problems.append(
                    Problem(source.file, line, col, f"calendar {name!r} is already defined at {where[name]}")
                )
                continue
            calendars[name] = Calendar.from_spec(name, spec)
            where[name] = f"{source.file}:{line}:{col}"
    return calendars


def _lists(sources: list[_Source], problems: list[Problem]) -> Lists:
    """The lists of every file; a name is defined once across files (lists.py)."""
    lists: dict[str, tuple[str, ...]] = {}
    where: dict[str, str] = {}
    for source in sources:
        for name, items in source.lists.items():
            line, col = source.locator.position(("lists", name), at_key=True)
            if name in lists:
                problems.append(Problem(source.file, line, col, f"list {name!r} is already defined at {where[name]}"))
                continue
            lists[name] = tuple(items)
            where[name] = f"{source.file}:{line}:{col}"
    return Lists(lists)


def _lint_lists(sources: list[_Source], lists: Lists, problems: list[Problem]) -> None:
    for source in sources:
        for name in source.lists:
            if name not in lists.used:
                line, col = source.locator.position(("lists", name), at_key=True)
                problems.append(
                    Problem(source.file, line, col, f"list {name!r} is not used by any condition", "warning")
                )


def _compile_rules(
    sources: list[_Source], calendars: dict[str, Calendar], problems: list[Problem], lists: Lists
) -> list[CompiledRule]:
    compiled: list[CompiledRule] = []
    first_seen: dict[str, str] = {}
    for source in sources:
        report = FileReporter(source.locator, problems)
        for index, model in source.rules:
            line, col = source.locator.position(("rules", index, "id"))
            if model.id in first_seen:
                report(
                    ("rules", index, "id"),
                    f"duplicate rule id {model.id!r}; first defined at "
                    f"{first_seen[model.id]}; ids must be unique across files",
                )
                continue
            first_seen[model.id] = f"{source.file}:{line}:{col}"
            compiled.append(_compile_rule(model, source, index, calendars, report, lists))
    return compiled


def _compile_rule(
    model: Rule, source: _Source, index: int, calendars: dict[str, Calendar], report: FileReporter, lists: Lists
) -> CompiledRule:
    loc: Path = ("rules", index)
    line, col = source.locator.position(loc)
    condition = compile_condition(model.if_, calendars, loc + ("if",), report, lists)
    gate = model.schedule.only_when_open if model.schedule else None
    if gate is not None and gate not in calendars:
        known = ", ".join(sorted(calendars)) or "none defined"
        report(loc + ("on",), f"only_when_open: unknown calendar {gate!r}; expected one of: {known}")
    actions = tuple(
        compile_action(action, position, loc + ("then", position), calendars, report)
        for position, action in enumerate(model.then)
    )
    anchor = make_getter(model.once.per_anchor) if isinstance(model.once, OncePerAnchor) else None
    return CompiledRule(model, source.file, line, col, source.rank, index, condition, actions, anchor)


def _compile_policies(
    sources: list[_Source],
    calendars: dict[str, Calendar],
    rule_ids: dict[str, str],
    problems: list[Problem],
    lists: Lists,
) -> list[CompiledPolicy]:
    """Compile every valid policy in file order; ids are unique among policies and rules together."""
    compiled: list[CompiledPolicy] = []
    first_seen: dict[str, str] = {}
    for source in sources:
        report = FileReporter(source.locator, problems)
        for index, model in source.policies:
            line, col = source.locator.position(("sla_policies", index, "id"))
            where = first_seen.get(model.id) or (f"rule {rule_ids[model.id]}" if model.id in rule_ids else None)
            if where is not None:
                report(
                    ("sla_policies", index, "id"),
                    f"duplicate id {model.id!r}; first defined at {where}; "
                    "ids must be unique among rules and SLA policies, across files",
                )
                continue
            first_seen[model.id] = f"{source.file}:{line}:{col}"
            policy_line, policy_col = source.locator.position(("sla_policies", index))
            compiled.append(
                compile_policy(
                    model, source.file, policy_line, policy_col, source.rank, index, calendars, report, lists
                )
            )
    return compiled


def problems_text(problems: Iterable[Problem]) -> str:
    return "\n".join(str(problem) for problem in problems)
