"""SLA policies: business-time clocks, escalation levels, forecasts and explanations. Pure: no I/O.

Policies live in rule files under `sla_policies:` (schema_sla.py beside the rule schema; loaded, checked and
compiled with the rules, so `RuleSet.sla_policies` holds them compiled, in file order). The API (all datetimes
aware UTC):

    Timeline(created, customer_messages, agent_responses, statuses)                       timeline.py
        .from_threads(ticket, threads, statuses=None) / .from_dict(data) / .to_dict()
        .with_customer_message(at) / .with_agent_response(at) / .with_status(at, status)
    clocks_for(rules, ticket, timeline, now) -> [ClockState]                               clocks.py
    due_levels(rules, ticket, timeline, directory, now, fired=()) -> [DueLevel]            escalation.py
    next_level(rules, ticket, timeline, now, fired=()) -> DueLevel | None                  escalation.py
    DueLevel.key() -> "policy|metric|cycle|level"                                          escalation.py
    forecast(rules, tickets_with_timelines, now, within) -> [ForecastRow]                  forecast.py
    explain(rules, ticket, timeline, now, fired=()) -> str                                 explain.py

Where a decision is made, by file: ../schema_sla.py (what a policy may say), policy.py (compiling it, and the
problems only a whole rule set shows), timeline.py (what counts as a customer message or an agent response),
governing.py (which policy governs), facts.py (what the clocks read: statuses, closes and reopens, pauses),
cycles.py (when a clock starts and stops), clocks.py (pauses, elapsed time, the breach instant),
escalation.py (which levels are due, once per cycle; planning them), forecast.py, explain.py.

Note: `worker.engine.sla.explain` and `.forecast` are the functions here (they shadow their modules' names on
the package); import the modules as `worker.engine.sla.explain` with `import_module` if you need them.
"""

from __future__ import annotations

from worker.engine.sla.clocks import ClockState, clocks_for
from worker.engine.sla.escalation import DueLevel, due_levels, next_level
from worker.engine.sla.explain import explain
from worker.engine.sla.forecast import ForecastRow, forecast
from worker.engine.sla.policy import CompiledPolicy
from worker.engine.sla.timeline import Timeline

__all__ = [
    "ClockState",
    "CompiledPolicy",
    "DueLevel",
    "ForecastRow",
    "Timeline",
    "clocks_for",
    "due_levels",
    "explain",
    "forecast",
    "next_level",
]
