"""The SLA part of rule test cases (`rules/tests/*.yaml`): a case's timeline and fired levels, and the comparison
of its `expect.policy` / `sla` / `escalations` / `next_level` with what the clocks say (see ruletests.py).

Times in expectations may be written in any ISO form ("2026-12-01T13:00:00.000Z" or "...T14:00:00+01:00") and
durations in any rule form ("240m" equals "4h"): both sides are normalised before comparing. Expected mappings
list only the keys that matter; lists must have the same length (as for actions).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from worker.engine.durations import parse_duration
from worker.engine.ruleset import RuleSet
from worker.engine.sla.clocks import clocks_for
from worker.engine.sla.escalation import due_levels, level_key, next_level
from worker.engine.sla.governing import context, governing_policy
from worker.engine.sla.policy import duration_text, offset_text
from worker.engine.sla.timeline import Timeline, iso
from worker.engine.values import parse_time

TIME_KEYS = frozenset({"due_at", "started_at", "stopped_at", "breach_at", "cycle"})
DURATION_KEYS = frozenset({"target", "elapsed", "remaining"})
OFFSET_KEYS = frozenset({"offset"})


def case_timeline(
    ticket: Mapping[str, Any], threads: list[Any] | None, statuses: list[Any] | None, timeline: Mapping[str, Any] | None
) -> Timeline:
    """The case's timeline: `timeline` as written, else built from `threads` (and `statuses`) like the pipeline
    builds it; raises ValueError with a readable message."""
    if timeline is not None:
        if threads is not None or statuses is not None:
            raise ValueError("give either timeline or threads (with statuses), not both")
        return Timeline.from_dict(timeline)
    return Timeline.from_threads(ticket, threads or [], statuses)


def fired_keys(
    rules: RuleSet, ticket: Mapping[str, Any], timeline: Timeline, now: datetime, entries: list[Any] | None
) -> set[str]:
    """`sla_fired` as keys: a full key "policy|metric|cycle|level", or {metric, level, policy?, cycle?} where
    the policy defaults to the governing one and the cycle to the metric's current one."""
    keys: set[str] = set()
    if not entries:
        return keys
    governing = governing_policy(rules, ticket, now, context(ticket, now))
    cycles = {clock.metric: clock.cycle for clock in clocks_for(rules, ticket, timeline, now)}
    for entry in entries:
        if isinstance(entry, str):
            keys.add(entry)
            continue
        policy = entry.get("policy") or (governing.id if governing else "")
        metric = str(entry.get("metric"))
        cycle = entry.get("cycle")
        cycle = iso(moment) if cycle and (moment := parse_time(cycle)) else cycle or cycles.get(metric, "")
        keys.add(level_key(policy, metric, cycle, int(entry.get("level", 0))))
    return keys


def compare_sla(
    rules: RuleSet,
    expect: Any,
    ticket: Mapping[str, Any],
    timeline: Timeline,
    now: datetime,
    directory: Mapping[str, Any] | None,
    fired: set[str],
) -> list[str]:
    """Readable differences between the case's SLA expectations and the clocks; empty when they agree."""
    diffs: list[str] = []
    given = expect.model_fields_set
    if "policy" in given:
        governing = governing_policy(rules, ticket, now)
        got = governing.id if governing else None
        if got != expect.policy:
            diffs.append(f"policy: expected {expect.policy}, got {got}")
    if expect.sla is not None:
        clocks = [clock.as_dict() for clock in clocks_for(rules, ticket, timeline, now)]
        diffs.extend(_compare_list("sla", expect.sla, clocks, lambda item: f"{item['policy']} {item['metric']}"))
    if expect.escalations is not None:
        due = [level.as_dict() for level in due_levels(rules, ticket, timeline, directory, now, fired)]
        diffs.extend(
            _compare_list(
                "escalations", expect.escalations, due, lambda item: f"{item['metric']} level {item['level']}"
            )
        )
    if "next_level" in given:
        upcoming = next_level(rules, ticket, timeline, now, fired)
        got_level = upcoming.as_dict() if upcoming else None
        if expect.next_level is None or got_level is None:
            if expect.next_level != got_level:
                shown = (
                    f"{got_level['metric']} level {got_level['level']} at {got_level['due_at']}"
                    if got_level
                    else "none"
                )
                diffs.append(f"next_level: expected {expect.next_level}, got {shown}")
        else:
            diffs.extend(
                f"next_level{where}: {message}" for where, message in _partial(normalised(expect.next_level), got_level)
            )
    return diffs


def _compare_list(
    name: str, expected: list[dict[str, Any]], got: list[dict[str, Any]], label: Callable[[dict[str, Any]], str]
) -> list[str]:
    diffs = []
    if len(expected) != len(got):
        diffs.append(
            f"{name}: expected {len(expected)}, got {len(got)}: " + (", ".join(label(item) for item in got) or "none")
        )
    for index, (want, item) in enumerate(zip(expected, got, strict=False)):  # a length mismatch is reported above
        diffs.extend(
            f"{name}[{index}] ({label(item)}){where}: {message}" for where, message in _partial(normalised(want), item)
        )
    return diffs


def _partial(expected: Any, actual: Any) -> list[tuple[str, str]]:
    from worker.engine.ruletests import partial_diff  # noqa: PLC0415 - ruletests imports this module

    return partial_diff(expected, actual)


def normalised(expected: Any) -> Any:
    """Expected values in the form `as_dict` gives: times ISO UTC with Z, durations in rule form."""
    if not isinstance(expected, Mapping):
        return expected
    out = {}
    for key, value in expected.items():
        if key in TIME_KEYS and isinstance(value, str) and (moment := parse_time(value)) is not None:
            value = iso(moment)
        elif key in DURATION_KEYS and isinstance(value, (str, int)):
            value = _duration_text(value, duration_text)
        elif key in OFFSET_KEYS and isinstance(value, (str, int)):
            value = _duration_text(value, offset_text)
        elif key == "pauses" and isinstance(value, list):
            value = [
                [iso(moment) if isinstance(item, str) and (moment := parse_time(item)) else item for item in pair]
                if isinstance(pair, list)
                else pair
                for pair in value
            ]
        elif key == "actions" and isinstance(value, list):
            value = [normalised(item) for item in value]
        out[key] = value
    return out


def _duration_text(value: Any, render: Callable[[timedelta], str]) -> Any:
    try:
        return render(parse_duration(str(value)))
    except ValueError:
        return value
