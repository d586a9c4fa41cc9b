"""SLA policies compiled at load: conditions to closures, actions compiled (templates may use `sla`), durations
parsed, the calendar resolved. The sweep does no parsing and no template work unless a level is due.

`compile_policy` reports, at the YAML node (file:line:col), what the schema alone cannot see:
- an unknown metric (neither a preset - first_response, next_response, resolution - nor a custom metric with
  both start and stop), or a metric name that is not a plain identifier;
- an unknown priority in `targets` (Urgent, High, Medium, Low - in any case - or default);
- an unknown calendar;
- escalation offsets that do not increase (levels are numbered by position, from 1: see escalation.py);
- template and directory-independent action problems, exactly as in rules.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from worker.engine.business_days import business_span, has_days
from worker.engine.calendars import Calendar, CALENDAR_24x7
from worker.engine.conditions import ALWAYS, CompiledCondition, compile_condition
from worker.engine.durations import parse_duration
from worker.engine.lists import Lists
from worker.engine.paths import Getter, make_getter
from worker.engine.planner import CompiledAction, compile_action
from worker.engine.schema_sla import (
    DEFAULT_TARGET,
    PRESETS,
    PRIORITIES,
    FieldStart,
    MetricSpec,
    SlaPolicy,
)
from worker.engine.yamlsource import Path

SLA_VARIABLES = ("sla",)
_METRIC_NAME = re.compile(r"[a-z][a-z0-9_-]*")
_PRIORITY_KEYS = {name.casefold(): name for name in PRIORITIES}
Report = Callable[..., None]  # report(path, message, *, at_key=False, severity="error")


def duration_text(delta: timedelta) -> str:
    """A business duration in hours and minutes ("24h", "1h30m", "-30m"): a "day" of business time would read
    like a calendar day, so days are not used (the text parses back as a rule duration)."""
    seconds = abs(delta) // timedelta(seconds=1)
    if seconds == 0:
        return "0m"
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = "".join(f"{count}{unit}" for count, unit in ((hours, "h"), (minutes, "m"), (seconds, "s")) if count)
    return ("-" if delta < timedelta() else "") + text


def offset_text(offset: timedelta) -> str:
    """A level's offset as written: "-30m", "0", "+2h"."""
    return "0" if not offset else ("+" if offset > timedelta() else "") + duration_text(offset)


@dataclass(eq=False)
class CompiledLevel:
    """One escalation level: `number` is its 1-based position in the metric's list."""

    number: int
    name: str
    offset: timedelta
    actions: tuple[CompiledAction, ...]
    effects_matter: tuple[bool, ...]  # per action: does a later action read the ticket?

    @property
    def label(self) -> str:
        return f"{self.number}{f' {self.name}' if self.name else ''} ({offset_text(self.offset)})"


@dataclass(eq=False)
class CompiledMetric:
    name: str
    start_kinds: frozenset[str]
    start_fields: tuple[tuple[str, Getter], ...]
    stop_kinds: frozenset[str]
    stop_conditions: tuple[CompiledCondition, ...]
    targets: Mapping[str, timedelta]  # casefolded priority -> target
    default: timedelta | None
    levels: tuple[CompiledLevel, ...]
    pause_statuses: frozenset[str] | None  # casefolded; None: the policy's
    # Targets written with d/w, as written (casefolded priority or "default" -> text): they count business days
    # from each cycle's start (business_days.py), so `targets` holds only their 24h-a-day reading for lints.
    day_targets: Mapping[str, str] = field(default_factory=dict)
    first_offset: timedelta = field(init=False)

    def __post_init__(self) -> None:
        self.first_offset = self.levels[0].offset if self.levels else timedelta()

    def target_for(self, priority: Any) -> timedelta | None:
        """The target for a ticket's priority (case-insensitive), else `default`, else None (no clock)."""
        if isinstance(priority, str):
            found = self.targets.get(priority.casefold())
            if found is not None:
                return found
        return self.default

    def target_from(self, priority: Any, start: datetime, calendar: Calendar) -> timedelta | None:
        """The business-time target of a cycle that started at `start`: `target_for`, except that a target in
        days or weeks counts working days of the calendar from the start."""
        key = priority.casefold() if isinstance(priority, str) and priority.casefold() in self.targets else None
        text = self.day_targets.get(key if key is not None else DEFAULT_TARGET)
        if text is None:
            return self.target_for(priority)
        return business_span(calendar, start, text)

    def describe_start(self) -> str:
        return ", ".join([*sorted(self.start_kinds), *(f"{{field: {path}}}" for path, _ in self.start_fields)])

    def describe_stop(self) -> str:
        return ", ".join([*sorted(self.stop_kinds), *(["a condition"] if self.stop_conditions else [])])


@dataclass(eq=False)
class CompiledPolicy:
    """A policy ready for the sweep; `model` is the validated schema object it came from."""

    model: SlaPolicy
    file: str
    line: int
    col: int
    file_rank: int
    position: int
    condition: CompiledCondition
    calendar: Calendar
    pause_statuses: frozenset[str]  # casefolded
    closed_statuses: frozenset[str]  # casefolded
    metrics: tuple[CompiledMetric, ...]
    id: str = field(init=False)
    check: Any = field(init=False)
    enabled: bool = field(init=False)
    dry_run: bool = field(init=False)
    version: str = field(init=False)

    def __post_init__(self) -> None:
        self.id = self.model.id
        self.check = self.condition.check
        self.enabled = self.model.enabled
        self.dry_run = self.model.dry_run
        canonical = json.dumps(self.model.model_dump(mode="json", by_alias=True), sort_keys=True, default=str)
        self.version = hashlib.sha256(canonical.encode()).hexdigest()[:12]

    @property
    def source(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def name(self) -> str:
        return self.model.name

    def metric(self, name: str) -> CompiledMetric | None:
        return next((metric for metric in self.metrics if metric.name == name), None)

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "source": self.source,
            "metrics": [metric.name for metric in self.metrics],
        }


def compile_policy(
    model: SlaPolicy,
    file: str,
    line: int,
    col: int,
    rank: int,
    position: int,
    calendars: Mapping[str, Calendar],
    report: Report,
    lists: Lists | None = None,
) -> CompiledPolicy:
    """Compile one validated policy found at sla_policies[position]; problems go to `report`; `lists` serve the
    policy's `if` (its stop conditions take inline lists only)."""
    loc: Path = ("sla_policies", position)
    condition = (
        compile_condition(model.if_, calendars, loc + ("if",), report, lists) if model.if_ is not None else ALWAYS
    )
    calendar = CALENDAR_24x7
    if model.calendar is not None:
        if model.calendar in calendars:
            calendar = calendars[model.calendar]
        else:
            known = ", ".join(sorted(calendars)) or "none defined"
            report(loc + ("calendar",), f"unknown calendar {model.calendar!r}; expected one of: {known}")
    metrics = tuple(
        metric
        for name, spec in model.metrics.items()
        if (metric := _compile_metric(name, spec, loc + ("metrics", name), calendars, report)) is not None
    )
    return CompiledPolicy(
        model,
        file,
        line,
        col,
        rank,
        position,
        condition,
        calendar,
        _folded(model.pause_statuses),
        _folded(model.closed_statuses),
        metrics,
    )


def _folded(statuses: list[str] | None) -> frozenset[str]:
    return frozenset(status.casefold() for status in statuses or ())


def _compile_metric(
    name: str, spec: MetricSpec, loc: Path, calendars: Mapping[str, Calendar], report: Report
) -> CompiledMetric | None:
    """The metric, or None when it has a problem of its own (problems inside conditions and actions are reported
    but do not drop the metric)."""
    name_ok = _check_metric_name(name, spec, loc, report)
    preset_start, preset_stop = PRESETS.get(name, ((), ()))
    starts = spec.start_items or list(preset_start)
    stops = spec.stop_items or list(preset_stop)
    start_kinds = frozenset(item for item in starts if isinstance(item, str))
    start_fields = tuple((item.field, make_getter(item.field)) for item in starts if isinstance(item, FieldStart))
    stop_kinds = frozenset(item for item in stops if isinstance(item, str))
    stop_conditions = _compile_stop_conditions(spec, loc, calendars, report)
    targets, default, targets_ok = _compile_targets(spec, loc, report)
    day_targets = {
        (key if key == DEFAULT_TARGET else key.casefold()): text for key, text in spec.targets.items() if has_days(text)
    }
    levels, levels_ok = _compile_levels(spec, loc, calendars, report)
    if not (name_ok and targets_ok and levels_ok):
        return None
    pauses = _folded(spec.pause_statuses) if spec.pause_statuses is not None else None
    return CompiledMetric(
        name, start_kinds, start_fields, stop_kinds, stop_conditions, targets, default, levels, pauses, day_targets
    )


def _check_metric_name(name: str, spec: MetricSpec, loc: Path, report: Report) -> bool:
    """A preset, or a custom metric with both start and stop, named as a plain identifier."""
    if name not in PRESETS and (spec.start is None or spec.stop is None):
        report(
            loc,
            f"unknown metric {name!r}; expected {', '.join(PRESETS)}, or a custom metric with both start: and stop:",
            at_key=True,
        )
        return False
    if not _METRIC_NAME.fullmatch(name):
        report(
            loc,
            f"invalid metric name {name!r}: expected lower-case letters, digits, '_' and '-', starting with a letter",
            at_key=True,
        )
        return False
    return True


def _compile_stop_conditions(
    spec: MetricSpec, loc: Path, calendars: Mapping[str, Calendar], report: Report
) -> tuple[CompiledCondition, ...]:
    """The `stop:` items that are conditions (a preset's stops are all kinds)."""
    stop_loc = loc + ("stop",) if isinstance(spec.stop, list) else None
    return tuple(
        compile_condition(item, calendars, (stop_loc + (index,)) if stop_loc else loc + ("stop",), report)
        for index, item in enumerate(spec.stop_items)
        if not isinstance(item, str)
    )


def _compile_targets(
    spec: MetricSpec, loc: Path, report: Report
) -> tuple[dict[str, timedelta], timedelta | None, bool]:
    """(casefolded priority -> target, the default target, whether every key is a known priority)."""
    targets: dict[str, timedelta] = {}
    default = None
    ok = True
    for key, text in spec.targets.items():
        if key == DEFAULT_TARGET:
            default = parse_duration(text)
        elif key.casefold() in _PRIORITY_KEYS:
            targets[key.casefold()] = parse_duration(text)
        else:
            report(
                loc + ("targets", key),
                f"unknown priority {key!r} in targets; expected one of {', '.join(PRIORITIES)} or {DEFAULT_TARGET}",
                at_key=True,
            )
            ok = False
    return targets, default, ok


def _compile_levels(
    spec: MetricSpec, loc: Path, calendars: Mapping[str, Calendar], report: Report
) -> tuple[tuple[CompiledLevel, ...], bool]:
    """The escalation levels, numbered by position, and whether their offsets increase down the list."""
    levels = []
    ok = True
    previous: tuple[timedelta, str] | None = None
    for index, level in enumerate(spec.escalations):
        level_loc = loc + ("escalations", index)
        offset = parse_duration(level.at)
        if previous is not None and offset <= previous[0]:
            report(
                level_loc + ("at",),
                f"escalation offsets must increase down the list: {level.at} comes after "
                f"{previous[1]} (levels are numbered by position and fire once each)",
            )
            ok = False
        previous = (offset, level.at)
        actions = tuple(
            compile_action(action, position, level_loc + ("then", position), calendars, report, SLA_VARIABLES)
            for position, action in enumerate(level.then)
        )
        effects = tuple(
            any(later.reads_ticket for later in actions[position + 1 :]) for position in range(len(actions))
        )
        levels.append(CompiledLevel(index + 1, level.name, offset, actions, effects))
    return tuple(levels), ok
