"""Who may be picked: the top-level `skills:` (agent -> skills) and `shifts:` (agent or team -> calendar) of rule
files, merged across files at load and bound into every `assign` action, and the shift calendars as plans carry
them (JSON), so the pick, made later in a worker, asks "on shift now?" at its own moment.

Names (agents, teams, skills) are compared case-insensitively. An agent or team named twice across files, or a
shift naming an unknown calendar, is a load error at the second place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from worker.engine.calendars import Calendar, load_zone
from worker.engine.errors import Problem
from worker.engine.schema_routing import Shifts, Skills
from worker.engine.validation import validate
from worker.engine.yamlsource import Locator


def fold(name: Any) -> str:
    return str(name).strip().casefold()


@dataclass(frozen=True)
class Routing:
    skills: Mapping[str, frozenset[str]] = field(default_factory=dict)  # agent ref (folded) -> skills (folded)
    shifts: Mapping[str, Calendar] = field(default_factory=dict)  # agent ref or team name (folded) -> calendar
    declared: tuple[tuple[str, str, str], ...] = ()  # (file, "skills" | "shifts", key as written): names to check

    def skills_of(self, *refs: Any) -> frozenset[str]:
        return next((self.skills[fold(ref)] for ref in refs if ref and fold(ref) in self.skills), frozenset())

    def shift_of(self, *refs: Any) -> Calendar | None:
        return next((self.shifts[fold(ref)] for ref in refs if ref and fold(ref) in self.shifts), None)


@dataclass
class RoutingSource:
    """One file's declarations, validated, with where they are."""

    locator: Locator
    skills: dict[str, list[str]] = field(default_factory=dict)
    shifts: dict[str, str] = field(default_factory=dict)


def read_routing(skills: Any, shifts: Any, locator: Locator, problems: list[Problem]) -> RoutingSource:
    source = RoutingSource(locator)
    valid_skills, found = validate(Skills, skills, locator, ("skills",))
    problems.extend(found)
    valid_shifts, found = validate(Shifts, shifts, locator, ("shifts",))
    problems.extend(found)
    source.skills = dict(valid_skills or {})
    source.shifts = dict(valid_shifts or {})
    return source


def merge_routing(
    sources: Iterable[RoutingSource], calendars: Mapping[str, Calendar], problems: list[Problem]
) -> Routing:
    skills: dict[str, frozenset[str]] = {}
    shifts: dict[str, Calendar] = {}
    declared: list[tuple[str, str, str]] = []
    for source in sources:
        file = source.locator.file
        declared += [(file, "skills", key) for key in source.skills] + [(file, "shifts", key) for key in source.shifts]
        for key, held in source.skills.items():
            if fold(key) in skills:
                problems.append(
                    source.locator.problem(("skills", key), f"skills of {key!r} are declared twice", at_key=True)
                )
            skills[fold(key)] = frozenset(fold(skill) for skill in held)
        for key, name in source.shifts.items():
            if fold(key) in shifts:
                problems.append(
                    source.locator.problem(("shifts", key), f"the shift of {key!r} is declared twice", at_key=True)
                )
            elif name not in calendars:
                known = ", ".join(sorted(calendars)) or "none defined"
                problems.append(
                    source.locator.problem(("shifts", key), f"unknown calendar {name!r}; expected one of: {known}")
                )
            else:
                shifts[fold(key)] = calendars[name]
    return Routing(skills, shifts, tuple(declared))


def bound_routing(rules: Iterable[Any]) -> Routing | None:
    """The routing bound to the rule set's assign actions (None when no rule assigns)."""
    return next((a.routing for rule in rules for a in rule.actions if getattr(a, "routing", None) is not None), None)


def bind_routing(rules: Iterable[Any], policies: Iterable[Any], routing: Routing) -> None:
    """Give every assign action (of rules and of SLA escalation levels) the rule set's skills and shifts."""
    levels = (level for policy in policies for metric in policy.metrics for level in metric.levels)
    for owner in (*rules, *levels):
        for action in owner.actions:
            if action.type == "assign" and hasattr(action, "routing"):
                action.routing = routing


# ----------------------------------------------------------------------------------------- shifts as JSON
def calendar_json(calendar: Calendar) -> dict[str, Any]:
    """A calendar as a plan carries it: its zone, weekly minutes and holidays."""
    return {
        "zone": calendar.zone.key,
        "weekly": [list(map(list, day)) for day in calendar.weekly],
        "holidays": [[day.isoformat(), list(map(list, ranges))] for day, ranges in calendar.holidays],
    }


def calendar_from_json(name: str, data: Mapping[str, Any]) -> Calendar:
    return _calendar(name, json.dumps(data, sort_keys=True))


@lru_cache(maxsize=64)
def _calendar(name: str, text: str) -> Calendar:
    """Built once per process and calendar: its per-day cache then serves every pick."""
    data = json.loads(text)
    weekly = tuple(tuple((int(start), int(end)) for start, end in day) for day in data["weekly"])
    holidays = tuple(
        (date.fromisoformat(day), tuple((int(start), int(end)) for start, end in ranges))
        for day, ranges in data["holidays"]
    )
    return Calendar(name, load_zone(data["zone"]), weekly, holidays)
