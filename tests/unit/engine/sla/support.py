"""Builders for the SLA engine's unit tests: policies from YAML, timelines from short time strings, a fixed clock."""

from __future__ import annotations

import textwrap
from datetime import datetime, timezone
from typing import Any

from tests.unit.engine.helpers import rules, ticket
from worker.engine.ruleset import RuleSet
from worker.engine.sla import Timeline
from worker.engine.values import parse_time

UTC = timezone.utc

# Berlin: UTC+1 in winter (09:00-17:00 is 08:00-16:00Z), UTC+2 in summer; DST 2026-03-29 and 2026-10-25.
# New York: UTC-5 in winter (08:00-17:00 is 13:00-22:00Z), UTC-4 in summer; DST 2026-03-08 and 2026-11-01.
CALENDARS = """\
calendars:
  berlin:
    timezone: Europe/Berlin
    hours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"],
            fri: ["09:00-17:00"]}
    holidays:
      - {date: 2026-12-24, name: Christmas Eve, hours: ["09:00-12:00"]}
      - {date: 2026-12-25, name: Christmas Day}
  newyork:
    timezone: America/New_York
    hours: {mon: ["08:00-12:00", "13:00-17:00"], tue: ["08:00-12:00", "13:00-17:00"],
            wed: ["08:00-12:00", "13:00-17:00"], thu: ["08:00-12:00", "13:00-17:00"],
            fri: ["08:00-12:00", "13:00-17:00"]}
  berlin-nights:
    timezone: Europe/Berlin
    hours: {sun: ["01:00-05:00"]}
"""


def at(text: str) -> datetime:
    """An aware UTC time from '2026-12-01T09:00' (UTC) or any ISO form."""
    moment = parse_time(text if text.endswith("Z") or "+" in text[10:] else text + "Z")
    assert moment is not None, text
    return moment


def policies(body: str, *, calendars: str = CALENDARS) -> RuleSet:
    """A rule set with the test calendars and `body`, the (dedented) items of `sla_policies:`."""
    return rules(calendars + "sla_policies:\n" + textwrap.indent(textwrap.dedent(body), "  "))


def one_policy(metrics: str, *, calendar: str | None = "berlin", extra: str = "", policy_id: str = "p") -> RuleSet:
    """One policy `p` (no condition) whose `metrics:` mapping is `metrics` (dedented YAML)."""
    lines = [f"- id: {policy_id}"]
    if calendar:
        lines.append(f"  calendar: {calendar}")
    lines += [f"  {line}" for line in textwrap.dedent(extra).splitlines() if line]
    lines.append("  metrics:")
    lines += [f"    {line}" for line in textwrap.dedent(metrics).splitlines()]
    return policies("\n".join(lines) + "\n")


def timeline(
    created: str,
    *,
    customer: tuple[str, ...] | None = None,
    agent: tuple[str, ...] = (),
    statuses: tuple[tuple[str, str], ...] | None = None,
) -> Timeline:
    """A timeline: the opening customer message at `created` unless `customer` says otherwise."""
    return Timeline(
        at(created),
        tuple(at(item) for item in (customer if customer is not None else (created,))),
        tuple(at(item) for item in agent),
        tuple((at(moment), status) for moment, status in (statuses or ((created, "Open"),))),
    )


def sla_ticket(**fields: Any) -> dict[str, Any]:
    """The helpers' ticket (Support, Globex, #1042), High priority unless given."""
    return ticket(**{"priority": "High", **fields})


FIRST_RESPONSE_4H = """\
first_response:
  targets: {default: 4h}
  escalations:
    - {at: -30m, name: warning, then: [{comment: {text: "warn {{ sla.level }} {{ sla.offset }}"}}]}
    - {at: 0, name: breach, then: [{comment: {text: "breach {{ sla.target }} {{ sla.elapsed }}"}}]}
    - {at: +2h, then: [{comment: {text: "level {{ sla.level }} at {{ desk_time(sla.due_at) }}"}}]}
"""
