"""Tags and team assignment against the real thing (the sandbox Desk over HTTP, a real redis-server): rules planned
by the engine with the Desk's own directory, applied by the enforcer; and availability-aware round robin over 100
assignments while agents sign in and out and shifts open and close."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from tests.integration.pipeline.act_support import desk_clients, direct_api, first_ticket, setup, writes
from worker.actions.assign import NOBODY, choose
from worker.actions.base import ActionContext
from worker.actions.enforcer import ApplyResult, Enforcer
from worker.engine.directory import Directory
from worker.engine.evaluate import Event, evaluate
from worker.engine.facts import needs
from worker.engine.loader import check_rules, load_rules_text
from worker.ingest.catalogue import fetch_names
from worker.plan.facts import FactsFetcher
from worker.plan.ids import action_id
from worker.plan.recorder import Origin, record_plan
from worker.store.records import LedgerAction

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)  # a Monday


def _rules(tmp_path: Path, text: str):
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    rules, problems = check_rules(path)
    assert rules is not None, problems
    return rules


def _apply_rule(sandbox, store, client_for, rules, ticket, directory, event="ev-1", previous=None):
    """Evaluate the ticket's change with the engine, record the plan and apply each action; the outcomes."""
    evaluation = evaluate(
        rules, Event("ticket.updated", ticket["id"], {}, False, event), ticket, previous, directory, NOW
    )
    planned = [action for verdict in evaluation.verdicts for action in verdict.actions]
    assert planned, [verdict.reason for verdict in evaluation.verdicts]
    origin = Origin(sandbox.org_ids[0], event, planned[0].version, ticket["departmentId"], NOW.isoformat())
    record_plan(store, lambda _: None, planned, origin)
    enforcer = Enforcer(store, "test-worker", send_next=lambda _: None)
    ids = [action_id(action, event) for action in planned]
    return [enforcer.apply(each, client_for) for each in ids], ids


def _tags(api, ticket) -> list[str]:
    return [tag["name"] for tag in api.get(f"/tickets/{ticket['id']}/tags").json()["tags"]]


def test_tags_are_added_once_and_removed_through_the_tag_endpoints(sandbox, redis_server, tmp_path):
    settings, store, _ = setup(sandbox, redis_server)
    rules = _rules(
        tmp_path,
        "rules:\n  - id: tag\n    on: ticket.updated\n    then:\n"
        "      - add_tags: [vip, '{{ ticket.channel }}-queue']\n      - remove_tags: [triage]\n",
    )
    with direct_api(sandbox) as api, desk_clients(settings, store) as client_for:
        ticket = first_ticket(api)
        api.post(f"/tickets/{ticket['id']}/associateTag", json={"tags": ["triage", "VIP"]})
        results, ids = _apply_rule(sandbox, store, client_for, rules, ticket, None)
        assert results == [ApplyResult.DONE, ApplyResult.DONE]
        # vip was there already (another spelling): only the missing tag is written; triage is gone
        assert [entry["body"]["tags"] for entry in writes(sandbox, "POST", "/associateTag")][-1] == [
            f"{ticket['channel']}-queue"
        ]
        assert sorted(_tags(api, ticket)) == sorted(["VIP", f"{ticket['channel']}-queue"])
        # the same rule on a later change writes nothing: every tag is there, triage is absent
        before = len(writes(sandbox, "POST", "Tag"))
        results, ids = _apply_rule(sandbox, store, client_for, rules, ticket, None, event="ev-2")
        assert results == [ApplyResult.DONE, ApplyResult.DONE]
        assert len(writes(sandbox, "POST", "Tag")) == before
        assert store.ledger.get(ids[0]).outcome.startswith("tags already there")


def test_round_robin_in_a_team_assigns_online_members_and_sets_the_team(sandbox, redis_server, tmp_path):
    settings, store, _ = setup(sandbox, redis_server)
    with direct_api(sandbox) as api, desk_clients(settings, store) as client_for:
        ticket = first_ticket(api)
        directory = Directory.from_data(fetch_names(client_for(sandbox.org_ids[0])))
        team = next(team for team in directory.teams if team["departmentId"] == ticket["departmentId"])
        members = [str(agent) for agent in team["agents"]]
        offline = members[0]
        sandbox.control.post(
            "/_sandbox/presence", json={"orgId": sandbox.org_ids[0], "status": "OFFLINE", "agentIds": [offline]}
        )
        rules = _rules(
            tmp_path,
            f"rules:\n  - id: rr\n    on: ticket.updated\n    then:\n"
            f"      - assign: {{strategy: round_robin, team: '{team['name']}', fallback: team}}\n",
        )
        assigned = []
        for round_ in range(4):
            results, _ = _apply_rule(sandbox, store, client_for, rules, ticket, directory, event=f"ev-{round_}")
            assert results == [ApplyResult.DONE]
            now = api.get(f"/tickets/{ticket['id']}").json()
            assert now["teamId"] == str(team["id"])
            assigned.append(now["assigneeId"])
        assert offline not in assigned and set(assigned) <= set(members)
        assert len(set(assigned)) == len(
            [m for m in members if m != offline and directory.agent(m)["status"] == "ACTIVE"]
        )
        # nobody online: the fallback gives the ticket to the team without an agent
        sandbox.control.post("/_sandbox/presence", json={"orgId": sandbox.org_ids[0], "status": "OFFLINE"})
        store.redis.delete(store.keys.key("presence", sandbox.org_ids[0]))
        api.patch(f"/tickets/{ticket['id']}", json={"teamId": None})
        results, ids = _apply_rule(sandbox, store, client_for, rules, ticket, directory, event="ev-nobody")
        assert results == [ApplyResult.DONE]
        assert api.get(f"/tickets/{ticket['id']}").json()["teamId"] == str(team["id"])
        assert "nobody qualified" in store.ledger.get(ids[0]).outcome


def test_agent_previous_gives_the_ticket_back_to_its_earlier_assignee(sandbox, redis_server, tmp_path):
    settings, store, _ = setup(sandbox, redis_server)
    rules = _rules(
        tmp_path, "rules:\n  - id: back\n    on: ticket.updated\n    then:\n      - assign: {agent: previous}\n"
    )
    with direct_api(sandbox) as api, desk_clients(settings, store) as client_for:
        ticket = first_ticket(api)
        directory = Directory.from_data(fetch_names(client_for(sandbox.org_ids[0])))
        earlier = next(
            agent["id"]
            for agent in directory.agents
            if agent["status"] == "ACTIVE" and ticket["departmentId"] in agent["associatedDepartmentIds"]
        )
        results, _ = _apply_rule(
            sandbox, store, client_for, rules, ticket, directory, previous={**ticket, "assigneeId": earlier}
        )
        assert results == [ApplyResult.DONE]
        assert api.get(f"/tickets/{ticket['id']}").json()["assigneeId"] == earlier


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SHIFTS = "calendars:\n" + "".join(
    f"  {name}: {{timezone: UTC, hours: {{{', '.join(f'{day}: [{hours!r}]' for day in DAYS)}}}}}\n"
    for name, hours in (("early", "00:00-12:00"), ("late", "12:00-24:00"))
)


def test_round_robin_never_picks_an_offline_or_off_shift_agent_over_100_assignments(sandbox, redis_server, tmp_path):
    settings, store, _ = setup(sandbox, redis_server)
    org_id = sandbox.org_ids[0]
    rng = random.Random(14)
    with direct_api(sandbox) as api, desk_clients(settings, store) as client_for:
        ticket = first_ticket(api)
        directory = Directory.from_data(fetch_names(client_for(org_id)))
        department = directory.department(ticket["departmentId"])
        agents = [a for a in directory.department_agents(department) if a["status"] == "ACTIVE"]
        assert len(agents) >= 3
        shift_of = {agents[0]["id"]: "early", agents[1]["id"]: "late"}  # the others: no shift, always on
        shifts = "".join(f"  '{agents[i]['emailId']}': {name}\n" for i, name in ((0, "early"), (1, "late")))
        rules = _rules(
            tmp_path,
            f"{SHIFTS}shifts:\n{shifts}rules:\n  - id: rr\n    on: ticket.updated\n    then:\n"
            "      - assign: {strategy: round_robin, fallback: unassigned}\n",
        )
        evaluation = evaluate(
            rules, Event("ticket.updated", ticket["id"], {}, False, "e"), ticket, None, directory, NOW
        )
        params = evaluation.verdicts[0].actions[0].params
        picks: list[str] = []
        for turn in range(100):
            online = {a["id"] for a in agents if rng.random() < 0.6}
            for status, ids in (("ONLINE", online), ("OFFLINE", {a["id"] for a in agents} - online)):
                if ids:
                    body = {"orgId": org_id, "status": status, "agentIds": sorted(ids)}
                    assert sandbox.control.post("/_sandbox/presence", json=body).status_code == 200
            store.redis.delete(store.keys.key("presence", org_id))  # the 30 s cache would hide a toggle this quick
            now = NOW + timedelta(hours=rng.randrange(0, 48), minutes=rng.randrange(0, 60))
            ctx = _context(client_for(org_id), store, ticket, params, f"pick-{turn}")
            picked = choose(ctx, now=now) or NOBODY
            on_shift = {
                a["id"] for a in agents if a["id"] not in shift_of or (shift_of[a["id"]] == "early") == (now.hour < 12)
            }
            qualified = online & on_shift
            if qualified:
                assert picked in qualified, (turn, picked, online, now)
            else:
                assert picked == NOBODY
            picks.append(picked)
        assert NOBODY in picks and len(set(picks) - {NOBODY}) == len(agents)  # every agent had turns; some had none


def _context(client, store, ticket: dict[str, Any], params: dict[str, Any], name: str) -> ActionContext:
    action = LedgerAction(
        rule="rr",
        index=0,
        type="assign",
        ticket=ticket["id"],
        org=client.org_id,
        event=name,
        version="1",
        ticket_department=ticket["departmentId"],
        params=params,
    )
    return ActionContext(client, store, name, action)


def test_a_rule_on_tags_reads_the_tickets_tags_from_the_desk(sandbox, redis_server):
    settings, store, _ = setup(sandbox, redis_server)
    rules = load_rules_text(
        "rules:\n  - id: vip\n    on: ticket.updated\n    if: {field: tags, equals: VIP, ignore_case: true}\n"
        "    then:\n      - update: {priority: High}\n"
    )
    assert needs(rules, "ticket.updated").tags and not needs(rules, "ticket.created").tags
    with direct_api(sandbox) as api, desk_clients(settings, store) as client_for:
        ticket = first_ticket(api)
        facts = FactsFetcher(store, client_for)
        event = Event("ticket.updated", ticket["id"], {}, False, "e")

        def fired() -> bool:
            seen = facts.for_ticket(rules, sandbox.org_ids[0], ticket, NOW, "ticket.updated")
            return evaluate(rules, event, ticket, None, None, NOW, facts=seen).verdicts[0].status == "fired"

        assert not fired()
        api.post(f"/tickets/{ticket['id']}/associateTag", json={"tags": ["vip"]})
        assert fired()  # the tag was added without a ticket change: read fresh, never cached
