"""Names a rule set uses, checked against what one Desk organisation has (its `Catalogue`).

A department `Biling`, a status `On hold` or an agent who left pass every schema check and fail only when a
ticket matches; this module finds them at load, each at the YAML node that names it, with "did you mean ...?".

Checked (literal values only; a template is checked when it has no Jinja markup):
- conditions (rules' `if`, SLA policies' `if` and `stop`): values of equals / not_equals / in / not_in /
  changed_to / changed_from on department (departmentId, department.*), agent (assigneeId, assignee.*), team,
  layout, status, priority and every picklist field; the custom field a `cf.*` or `customFields.*` path names;
- actions: move and assign departments; assign / time_entry / task agents; `mention("...")` in texts; reply
  `from` addresses; update values of status, priority and picklist fields, and the custom fields it sets;
- SLA policies: pause_statuses, closed_statuses, and the priorities of `targets`.
A list the catalogue does not carry (None: not fetched) is not checked. Conditions compare exactly (unless
`ignore_case`), so a value that differs from the Desk's only in case is reported too; directory lookups in
actions ignore case, as the planner does.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from worker.engine.errors import Problem, Severity
from worker.engine.loader import FileReporter
from worker.engine.routing import bound_routing
from worker.engine.ruleset import RuleSet
from worker.engine.schema import (
    AllCondition,
    AnyCondition,
    FieldCondition,
    NotCondition,
    action_params,
    action_type,
)
from worker.engine.schema_actions import REPLY_FROM_DEPARTMENT
from worker.engine.schema_outbound import AgentRecipient, TeamRecipient
from worker.engine.schema_routing import AGENT_PREVIOUS
from worker.engine.schema_sla import DEFAULT_TARGET
from worker.engine.yamlsource import Locator, Path, parse_yaml

Record = Mapping[str, Any]
CHECKED_OPERATORS = ("equals", "not_equals", "in", "not_in", "changed_to", "changed_from")
MENTION = re.compile(r"""mention\(\s*(['"])([^'"{}]+)\1\s*\)""")
TEMPLATE_MARKERS = ("{{", "{%", "{#")
SUGGEST_CUTOFF = 0.75  # difflib ratio: Biling/Billing 0.92, Hgh/High 0.86, cf_plna/cf_plan 0.86
LISTED_AT_MOST = 12  # a message lists the Desk's names when there are this few
# condition path (list indexes dropped) -> the kind of name its values are
PATH_KINDS = {
    "departmentId": "department",
    "department.id": "department",
    "department.name": "department",
    "sharedDepartments.id": "department",
    "sharedDepartments.name": "department",
    "assigneeId": "agent",
    "assignee.id": "agent",
    "assignee.email": "agent",
    "assignee.emailId": "agent",
    "teamId": "team",
    "team.id": "team",
    "team.name": "team",
    "layoutId": "layout",
    "layoutDetails.id": "layout",
    "layoutDetails.layoutName": "layout",
    "status": "status",
    "priority": "priority",
}


@dataclass(frozen=True)
class Names:
    """One kind of name the Desk has (departments, statuses, ...): what people write, and ids also accepted."""

    kind: str
    names: tuple[str, ...]
    ids: frozenset[str] = frozenset()
    listed: bool = True  # whether a message may list them all (not for agents' emails)

    def problem(self, value: Any, *, exact: bool) -> str | None:
        """Why `value` is not one of these names (None when it is)."""
        text = str(value).strip()
        if text in self.ids or text in self.exact:
            return None
        same = self.folded.get(text.casefold())
        if same is not None:
            if not exact:
                return None
            return (
                f"{self.kind} {text!r} is written {same!r} in the Desk; conditions compare exactly "
                f"(write {same!r}, or add ignore_case: true)"
            )
        return f"unknown {self.kind} {text!r}{self.hint(text)}"

    @cached_property
    def exact(self) -> frozenset[str]:
        return frozenset(self.names)

    @cached_property
    def folded(self) -> dict[str, str]:
        return {name.casefold(): name for name in self.names}

    @cached_property
    def hints(self) -> dict[str, str]:
        return {}

    def hint(self, text: str) -> str:
        """ " (did you mean X?)" and, for a short list, the names themselves (memoised: a typo often repeats)."""
        if text not in self.hints:
            self.hints[text] = self._hint(text)
        return self.hints[text]

    def _hint(self, text: str) -> str:
        folded = self.folded
        close = difflib.get_close_matches(text.casefold(), list(folded), n=1, cutoff=SUGGEST_CUTOFF)
        hint = f" (did you mean {folded[close[0]]!r}?)" if close else ""
        if self.listed and len(self.names) <= LISTED_AT_MOST:
            hint += f"; the Desk has: {', '.join(sorted(self.names)) or 'none'}"
        return hint


@dataclass(frozen=True)
class Catalogue:
    """What one Desk organisation names, from its own lists (GET /departments, /agents, /teams,
    /organizationFields?module=tickets, /layouts?module=tickets, /mailReplyAddress). None: not known."""

    departments: Sequence[Record] | None = None
    agents: Sequence[Record] | None = None
    teams: Sequence[Record] | None = None
    fields: Sequence[Record] | None = None  # ticket fields: apiName, displayLabel, isCustomField, allowedValues
    layouts: Sequence[Record] | None = None
    mail_reply_addresses: Sequence[Record] | None = None
    _memo: dict[str, Names | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Catalogue:
        """From {departments, agents, teams, ticketFields, layouts, mailReplyAddresses}; absent keys: not known."""
        return cls(
            data.get("departments"),
            data.get("agents"),
            data.get("teams"),
            data.get("ticketFields"),
            data.get("layouts"),
            data.get("mailReplyAddresses"),
        )

    def names(self, kind: str) -> Names | None:
        """The names of one kind (department, agent, team, layout, status, priority, reply address); memoised."""
        if kind not in self._memo:
            self._memo[kind] = self._build(kind)
        return self._memo[kind]

    def _build(self, kind: str) -> Names | None:
        if kind == "department" and self.departments is not None:
            return _names(kind, self.departments, ("name", "nameInCustomerPortal"))
        if kind == "agent" and self.agents is not None:
            return _names(kind, self.agents, ("emailId", "email"), listed=False)
        if kind == "team" and self.teams is not None:
            return _names(kind, self.teams, ("name",))
        if kind == "layout" and self.layouts is not None:
            return _names(kind, self.layouts, ("layoutName",))
        if kind == "reply address" and self.mail_reply_addresses is not None:
            return _names(kind, self.mail_reply_addresses, ("address",), listed=False)
        if kind in ("status", "priority"):
            return self.picklist(kind, kind)
        return None

    def picklist(self, api_name: str, kind: str | None = None) -> Names | None:
        """The allowed values of a standard field that is a picklist; None when it is not (or not known)."""
        field = next((item for item in self.fields or () if item.get("apiName") == api_name), None)
        values = field.get("allowedValues") if field else None
        return Names(kind or f"{api_name} value", tuple(map(str, values))) if values else None

    def custom_field(self, root: str, key: str) -> tuple[Record | None, Names]:
        """(the custom field `cf.KEY` (api name) or `customFields.KEY` (label) names, the names of that kind)."""
        label = "apiName" if root == "cf" else "displayLabel"
        custom = [item for item in self.fields or () if item.get("isCustomField")]
        names = Names(
            f"custom field ({'API name' if root == 'cf' else 'label'})",
            tuple(str(item.get(label)) for item in custom if item.get(label)),
        )
        return next((item for item in custom if item.get(label) == key), None), names


def _names(kind: str, records: Sequence[Record], keys: tuple[str, ...], listed: bool = True) -> Names:
    names = tuple(dict.fromkeys(str(record[key]).strip() for record in records for key in keys if record.get(key)))
    return Names(kind, names, frozenset(str(record.get("id")) for record in records if record.get("id")), listed)


@dataclass(frozen=True)
class Finding:
    """An unknown name at a YAML path of a file; `line_offset` points into a multi-line template."""

    file: str
    path: Path
    message: str
    at_key: bool = False
    line_offset: int = 0


Report = Callable[..., None]  # report(path, message, at_key=False, line_offset=0)


def find_unknown_names(rules: RuleSet, catalogue: Catalogue) -> list[Finding]:
    """Every name the rules and SLA policies use that the catalogue lacks (kinds it does not know are skipped)."""
    findings: list[Finding] = []
    for rule in rules:
        report = _reporter(rule.file, findings)
        loc: Path = ("rules", rule.position)
        if rule.model.if_ is not None:
            _condition(rule.model.if_, loc + ("if",), catalogue, report)
        _actions(rule.model.then, loc + ("then",), catalogue, report)
    for policy in rules.sla_policies:
        _policy(policy.model, ("sla_policies", policy.position), catalogue, _reporter(policy.file, findings))
    routing = bound_routing(rules)
    for file, section, key in routing.declared if routing else ():
        kind = "agent" if section == "skills" or "@" in key else None if key.isdigit() else "team"
        if kind is not None:
            _name(catalogue, kind, key, (section, key), _at_key(_reporter(file, findings)))
    return findings


def name_problems(rules: RuleSet, catalogues: Mapping[str, Catalogue], read: Callable[[str], str]) -> list[Problem]:
    """The findings of every org (id -> its catalogue) at file:line:col; `read(file)` gives a rule file's text
    (parsed only when it has findings).

    One rule set serves every org, so a name no org has is an error, while a name only some orgs lack is a
    warning naming them: the rule acts in the orgs that have it and its action fails (audited) in the others.
    """
    missing: dict[Finding, list[str]] = {}
    for org, catalogue in catalogues.items():
        for finding in find_unknown_names(rules, catalogue):
            missing.setdefault(finding, []).append(org)
    locators: dict[str, Locator | None] = {}
    problems = []
    for finding, orgs in missing.items():
        if finding.file not in locators:
            locators[finding.file] = _locator(finding.file, read)
        partial = len(orgs) < len(catalogues)
        message = finding.message + (f" [org {', '.join(orgs)}; the other orgs have it]" if partial else "")
        problems.append(_locate(locators[finding.file], finding, message, "warning" if partial else "error"))
    return sorted(set(problems))


def _locator(file: str, read: Callable[[str], str]) -> Locator | None:
    try:
        root, syntax = parse_yaml(read(file), file)
    except (OSError, UnicodeDecodeError):
        return None
    return None if syntax else Locator(file, root)


def _locate(locator: Locator | None, finding: Finding, message: str, severity: Severity) -> Problem:
    if locator is None:  # the file changed or vanished since it was loaded: its first line
        return Problem(finding.file, 1, 1, message, severity)
    found: list[Problem] = []
    FileReporter(locator, found)(finding.path, message, at_key=finding.at_key, line_offset=finding.line_offset)
    return replace(found[0], severity=severity)


def _reporter(file: str, findings: list[Finding]) -> Report:
    def report(path: Path, message: str, at_key: bool = False, line_offset: int = 0) -> None:
        findings.append(Finding(file, path, message, at_key, line_offset))

    return report


# ---------------------------------------------------------------------------------------------- conditions
def _condition(model: Any, loc: Path, catalogue: Catalogue, report: Report) -> None:
    if isinstance(model, AllCondition):
        for index, child in enumerate(model.all):
            _condition(child, loc + ("all", index), catalogue, report)
    elif isinstance(model, AnyCondition):
        for index, child in enumerate(model.any):
            _condition(child, loc + ("any", index), catalogue, report)
    elif isinstance(model, NotCondition):
        _condition(model.not_, loc + ("not",), catalogue, report)
    elif isinstance(model, FieldCondition):
        _field_test(model, loc, catalogue, report)


def _field_test(model: FieldCondition, loc: Path, catalogue: Catalogue, report: Report) -> None:
    names = _field_names(model.field, loc + ("field",), catalogue, report)
    operator = model.operator
    if names is None or operator not in CHECKED_OPERATORS:
        return
    values = model.value if operator in ("in", "not_in") else [model.value]
    for index, value in enumerate(values or ()):
        if value is None or isinstance(value, bool) or _is_template(value):
            continue
        message = names.problem(value, exact=not model.ignore_case)
        if message:
            where = loc + ((operator, index) if operator in ("in", "not_in") else (operator,))
            report(where, message)


def _field_names(path: str, loc: Path, catalogue: Catalogue, report: Report) -> Names | None:
    """The names a field path's values are (None: not a named field); reports an unknown custom field."""
    parts = [part for part in path.split(".") if not part.isdigit()]
    if parts[0] in ("cf", "customFields") and len(parts) == 2:
        return _custom_field(parts[0], parts[1], loc, catalogue, report)
    plain = ".".join(parts)
    kind = PATH_KINDS.get(plain)
    if kind is not None:
        return catalogue.names(kind)
    return catalogue.picklist(plain) if len(parts) == 1 else None


def _custom_field(root: str, key: str, loc: Path, catalogue: Catalogue, report: Report) -> Names | None:
    if catalogue.fields is None:
        return None
    field, names = catalogue.custom_field(root, key)
    if field is None:
        report(loc, f"no custom field {root}.{key}: unknown {names.kind} {key!r}{names.hint(key)}")
        return None
    values = field.get("allowedValues")
    return Names(f"{root}.{key} value", tuple(map(str, values))) if values else None


# ------------------------------------------------------------------------------------------------- actions
def _actions(actions: Sequence[Any], loc: Path, catalogue: Catalogue, report: Report) -> None:
    for index, action in enumerate(actions):
        kind, params = action_type(action), action_params(action)
        where = loc + (index, kind)
        if kind == "update":
            _update(params.changes(), where, catalogue, report)
        elif kind in ("move", "assign"):
            _name(catalogue, "department", params.department, where + ("department",), report)
        if kind == "assign":
            if params.agent != AGENT_PREVIOUS:
                _name(catalogue, "agent", params.agent, where + ("agent",), report)
            _name(catalogue, "team", params.team, where + ("team",), report)
        if kind in ("time_entry", "task"):
            _name(catalogue, "agent", params.owner, where + ("owner",), report)
        if kind == "reply" and params.from_ != REPLY_FROM_DEPARTMENT:
            _name(catalogue, "reply address", params.from_, where + ("from",), report)
        if kind == "email":
            for position, item in enumerate(params.to):
                if isinstance(item, AgentRecipient):
                    _name(catalogue, "agent", item.agent, where + ("to", position, "agent"), report)
                elif isinstance(item, TeamRecipient):
                    _name(catalogue, "team", item.team, where + ("to", position, "team"), report)
        for key in ("text", "subject", "description", "body"):
            text = getattr(params, key, None)
            if isinstance(text, str):
                _mentions(text, where + (key,), catalogue, report)


def _name(catalogue: Catalogue, kind: str, value: Any, loc: Path, report: Report) -> None:
    names = catalogue.names(kind)
    if names is None or value is None or _is_template(value):
        return
    message = names.problem(value, exact=False)
    if message:
        report(loc, message)


def _update(changes: Mapping[str, Any], loc: Path, catalogue: Catalogue, report: Report) -> None:
    for name, value in changes.items():
        if isinstance(value, dict):  # cf / customFields: the keys are field names
            for key, item in value.items():
                names = _custom_field(name, key, loc + (name, key), catalogue, _at_key(report))
                _value(names, item, loc + (name, key), report)
        else:
            names = catalogue.names(name) if name in ("status", "priority") else catalogue.picklist(name)
            _value(names, value, loc + (name,), report)


def _value(names: Names | None, value: Any, loc: Path, report: Report) -> None:
    if names is None or value is None or isinstance(value, bool) or _is_template(value):
        return
    message = names.problem(value, exact=True)
    if message:
        report(loc, message.replace("conditions compare exactly", "the Desk takes it as written"))


def _at_key(report: Report) -> Report:
    def at_key(path: Path, message: str, **_: Any) -> None:
        report(path, message, at_key=True)

    return at_key


def _mentions(text: str, loc: Path, catalogue: Catalogue, report: Report) -> None:
    names = catalogue.names("agent")
    if names is None:
        return
    for match in MENTION.finditer(text):
        message = names.problem(match.group(2), exact=False)
        if message:
            report(loc, f"mention(): {message}", line_offset=text.count("\n", 0, match.start()))


def _is_template(value: Any) -> bool:
    return isinstance(value, str) and any(marker in value for marker in TEMPLATE_MARKERS)


# -------------------------------------------------------------------------------------------- SLA policies
def _policy(model: Any, loc: Path, catalogue: Catalogue, report: Report) -> None:
    if model.if_ is not None:
        _condition(model.if_, loc + ("if",), catalogue, report)
    for key in ("pause_statuses", "closed_statuses"):
        _statuses(getattr(model, key), loc + (key,), catalogue, report)
    for name, metric in model.metrics.items():
        metric_loc = loc + ("metrics", name)
        _statuses(metric.pause_statuses, metric_loc + ("pause_statuses",), catalogue, report)
        for where, condition in _stop_conditions(metric, metric_loc):
            _condition(condition, where, catalogue, report)
        priorities = catalogue.names("priority")
        for key in metric.targets:
            message = priorities.problem(key, exact=False) if priorities and key != DEFAULT_TARGET else None
            if message:
                report(metric_loc + ("targets", key), message, at_key=True)
        for index, level in enumerate(metric.escalations):
            _actions(level.then, metric_loc + ("escalations", index, "then"), catalogue, report)


def _statuses(statuses: Sequence[str] | None, loc: Path, catalogue: Catalogue, report: Report) -> None:
    names = catalogue.names("status")
    for index, status in enumerate(statuses or ()):
        message = names.problem(status, exact=False) if names else None
        if message:
            report(loc + (index,), message)


def _stop_conditions(metric: Any, loc: Path) -> Iterator[tuple[Path, Any]]:
    if metric.stop is None:
        return
    if isinstance(metric.stop, list):
        for index, item in enumerate(metric.stop):
            if not isinstance(item, str):
                yield loc + ("stop", index), item
    elif not isinstance(metric.stop, str):
        yield loc + ("stop",), metric.stop
