"""SLA engine cost: `due_levels` over N open tickets (the pure part of one SLA sweep), on one core.

    .venv/bin/python bench/bench_sla_engine.py [--tickets 10000] [--seed 7] [--rounds 5]

Loads the shipped rules/ (three policies: a 24x7 VIP one, Billing in New York hours, Support in Berlin hours),
builds N tickets with timelines (created over the last 10 days; some answered, some with customer replies,
some On Hold, some closed and reopened), and times three passes over all of them:
  cold     the first sweep: every level due is planned (templates rendered, names resolved)
  steady   the next sweeps: every level due was fired already (`fired` holds the keys), nothing to plan
  forecast forecast(within=4h) over the same tickets
Prints human lines, then one JSON line {"bench": "sla_engine", ...}. The goal: a steady sweep of 10,000
tickets well under 1 s.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from worker.engine.directory import Directory  # noqa: E402
from worker.engine.loader import load_rules  # noqa: E402
from worker.engine.sla import Timeline, due_levels, forecast  # noqa: E402
from worker.engine.sla.timeline import iso  # noqa: E402

UTC = timezone.utc
NOW = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)  # a Thursday afternoon in Berlin, morning in New York
ACCOUNTS = ("Zylker", "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Soylent", "Tyrell")
DEPARTMENTS = (("1892000000006907", "Support"), ("1892000000082069", "Tier 2"), ("1892000000639717", "Billing"))
PRIORITIES = ("Low", "Medium", "High", "Urgent")


def build_directory() -> Directory:
    agents = [
        {
            "id": "1892000000042001",
            "firstName": "Jade",
            "lastName": "Tywin",
            "emailId": "jade.tywin@zylkercorp.com",
            "zuid": "10657727",
            "status": "ACTIVE",
            "isConfirmed": True,
            "associatedDepartmentIds": [ident for ident, _ in DEPARTMENTS],
        }
    ]
    departments = [
        {"id": ident, "name": name, "associatedAgentIds": ["1892000000042001"]} for ident, name in DEPARTMENTS
    ]
    return Directory(agents, departments)


def build_ticket(rng: random.Random, number: int) -> tuple[dict, Timeline]:
    created = NOW - timedelta(minutes=rng.randrange(5, 10 * 24 * 60))
    department_id, department = rng.choice(DEPARTMENTS)
    timeline = Timeline(created, (created,), (), ((created, "Open"),))
    cursor, status = created, "Open"
    for _ in range(rng.randrange(0, 4)):  # a conversation: agent replies and customer replies alternate
        cursor += timedelta(minutes=rng.randrange(10, 24 * 60))
        if cursor >= NOW:
            break
        timeline = timeline.with_agent_response(cursor)
        cursor += timedelta(minutes=rng.randrange(10, 24 * 60))
        if cursor >= NOW or rng.random() < 0.3:
            break
        timeline = timeline.with_customer_message(cursor)
    roll = rng.random()
    if roll < 0.15:
        status = "On Hold"
        timeline = timeline.with_status(min(cursor + timedelta(minutes=30), NOW), status)
    elif roll < 0.20:  # closed and reopened by the customer
        closed = min(cursor + timedelta(hours=1), NOW - timedelta(minutes=2))
        timeline = timeline.with_status(closed, "Closed").with_customer_message(closed + timedelta(minutes=1))
        timeline = timeline.with_status(closed + timedelta(minutes=1), "Open")
    ticket = {
        "id": str(1892000001000000 + number),
        "ticketNumber": str(10_000 + number),
        "subject": f"Order {number} has not shipped yet",
        "status": status,
        "priority": rng.choice(PRIORITIES),
        "departmentId": department_id,
        "department": {"id": department_id, "name": department},
        "assigneeId": None,
        "assignee": None,
        "contact": {"account": {"accountName": rng.choice(ACCOUNTS)}},
        "createdTime": iso(created),
        "modifiedTime": iso(max(cursor, created)),
        "webUrl": f"https://desk.zoho.com/support/zylkercorp/ShowHomePage.do#Cases/dv/{number}",
    }
    return ticket, timeline


def _timed(function) -> tuple[float, object]:
    gc.collect()
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def run(count: int, seed: int, rounds: int) -> dict:
    rng = random.Random(seed)
    rules = load_rules(ROOT / "rules")
    directory = build_directory()
    tickets = [build_ticket(rng, number) for number in range(count)]

    def sweep(fired_by_ticket: dict[str, set[str]]) -> list:
        out = []
        for ticket, timeline in tickets:
            out.extend(due_levels(rules, ticket, timeline, directory, NOW, fired_by_ticket.get(ticket["id"], ())))
        return out

    cold_s, due = _timed(lambda: sweep({}))
    fired: dict[str, set[str]] = {}
    for level in due:
        fired.setdefault(level.ticket_id, set()).add(level.key())
    steady = [_timed(lambda: sweep(fired)) for _ in range(rounds)]
    steady_s = statistics.median(seconds for seconds, _ in steady)
    assert all(not result for _, result in steady), "a steady sweep found levels already fired"
    forecast_s, rows = _timed(lambda: forecast(rules, tickets, NOW, timedelta(hours=4)))
    return {
        "bench": "sla_engine",
        "tickets": count,
        "policies": len(rules.sla_policies),
        "cold_sweep_s": round(cold_s, 4),
        "levels_due_cold": len(due),
        "actions_planned": sum(len(level.actions) for level in due),
        "steady_sweep_s": round(steady_s, 4),
        "steady_per_ticket_us": round(steady_s / count * 1e6, 2),
        "forecast_4h_s": round(forecast_s, 4),
        "forecast_rows": len(rows),
        "api_calls": 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    result = run(args.tickets, args.seed, args.rounds)
    print(f"SLA sweep over {result['tickets']} tickets, {result['policies']} policies (engine only, no I/O)")
    print(
        f"  cold sweep:   {result['cold_sweep_s']:.3f} s, {result['levels_due_cold']} levels due, "
        f"{result['actions_planned']} actions planned"
    )
    print(
        f"  steady sweep: {result['steady_sweep_s']:.3f} s ({result['steady_per_ticket_us']:.1f} us per ticket; "
        f"median of {args.rounds})"
    )
    print(f"  forecast 4h:  {result['forecast_4h_s']:.3f} s, {result['forecast_rows']} rows")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
