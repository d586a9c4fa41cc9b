"""Tags and team routing in the engine: the plans of add_tags / remove_tags and of assign by team, previous agent,
templated agent, skills and shifts; and the load errors of skills: and shifts:."""

from __future__ import annotations

from typing import Any

from tests.unit.engine.helpers import JADE, LUCAS, PRIYA, STEVE, SUPPORT, directory, errors, rules, ticket
from worker.engine.evaluate import Event, evaluate
from worker.engine.loader import load_rules_text
from worker.engine.names import Catalogue, name_problems

TEAM = "1892000000099001"
HEAD = (
    "calendars:\n  day: {timezone: UTC, hours: {tue: ['09:00-17:00']}}\n"
    "skills:\n  jade.tywin@zylkercorp.com: [Billing, refunds]\n  lucas.carol@zylkercorp.com: [billing]\n"
    "shifts:\n  jade.tywin@zylkercorp.com: day\n  support desk: day\n"
)


def _plan(then: str, *, previous: dict | None = None, the_ticket: dict | None = None, head: str = HEAD) -> Any:
    rule_set = rules(f"{head}rules:\n  - id: r\n    on: ticket.updated\n    then:\n      - {then}\n")
    known = {
        **directory(),
        "teams": [{"id": TEAM, "name": "Support Desk", "departmentId": SUPPORT, "agents": [JADE, LUCAS, STEVE]}],
    }
    event = Event("ticket.updated", "1", {}, False, "e")
    verdict = evaluate(rule_set, event, the_ticket or ticket(), previous, known, "2026-12-01T10:00:00Z").verdicts[0]
    return verdict


def test_tags_render_each_name_once_without_blanks():
    verdict = _plan("add_tags: [vip, '{{ ticket.channel }}-in', VIP, vip]")
    assert verdict.actions[0].params == {"tags": ["vip", "Email-in"]}


def test_a_rendered_tag_the_desk_would_refuse_fails_the_rule():
    verdict = _plan("remove_tags: ['{{ ticket.priority[:1] }}']")
    assert verdict.status == "failed" and "not a tag the Desk takes" in verdict.reason


def test_a_team_strategy_keeps_members_with_the_skills_and_carries_their_shifts():
    params = (
        _plan("assign: {strategy: least_loaded, team: support desk, skills: [billing], fallback: team}")
        .actions[0]
        .params
    )
    assert params["teamId"] == TEAM and params["fallback"] == "team"
    assert [(c["id"], c.get("shift")) for c in params["candidates"]] == [(JADE, "day"), (LUCAS, "day")]
    assert {s["id"]: s["reason"] for s in params["skipped"]} == {STEVE: "not confirmed"}
    assert set(params["shifts"]) == {"day"}
    refunds = _plan("assign: {strategy: round_robin, team: Support Desk, skills: [Refunds]}").actions[0].params
    assert [c["id"] for c in refunds["candidates"]] == [JADE]
    assert {s["id"]: s["reason"] for s in refunds["skipped"]}[LUCAS] == "lacks skill refunds"


def test_a_team_alone_sets_the_team_and_one_of_another_department_fails():
    assert _plan("assign: {team: Support Desk}").actions[0].params == {"team": "Support Desk", "teamId": TEAM}
    verdict = _plan("assign: {team: Support Desk}", the_ticket=ticket(departmentId="1892000000639717"))
    assert verdict.status == "failed" and "move the ticket first" in verdict.reason
    verdict = _plan("assign: {team: Nobody}")
    assert verdict.status == "failed" and "no team 'Nobody'" in verdict.reason


def test_previous_and_templated_agents_are_resolved_and_checked_when_the_rule_fires():
    assert _plan("assign: {agent: previous}", previous=ticket(assigneeId=LUCAS)).actions[0].params["agentId"] == LUCAS
    verdict = _plan("assign: {agent: previous}", previous=ticket(assigneeId=None))
    assert verdict.status == "failed" and "had no assignee before this change" in verdict.reason
    templated = _plan("assign: {agent: '{{ ticket.email }}'}", the_ticket=ticket(email="jade.tywin@zylkercorp.com"))
    assert templated.actions[0].params["agentId"] == JADE
    bad = _plan("assign: {agent: '{{ ticket.subject }}'}")
    assert bad.status == "failed" and "expected an agent id or email" in bad.reason
    disabled = _plan("assign: {agent: '{{ previous.assigneeId }}'}", previous=ticket(assigneeId="1892000000070002"))
    assert disabled.status == "failed" and "DISABLED, not ACTIVE" in disabled.reason
    assert _plan(f"assign: {{agent: '{PRIYA}'}}").status == "fired"


def test_skills_and_shifts_declarations_are_checked_at_load():
    head = "calendars:\n  day: {timezone: UTC, hours: {tue: ['09:00-17:00']}}\n"
    text = f"{head}shifts:\n  a@b.co: night\nskills:\n  a@b.co: billing\nrules: []\n"
    found = errors(text)
    assert any("unknown calendar 'night'; expected one of: day" in line for line in found), found
    assert any(":6:11:" in line for line in found), found  # skills: a list is expected
    twice = f"{head}shifts:\n  a@b.co: day\n  A@B.co: day\nrules: []\n"
    assert any("the shift of 'A@B.co' is declared twice" in line for line in errors(twice))


def test_rules_check_desk_names_the_unknown_agents_and_teams_of_skills_shifts_and_assign():
    catalogue = Catalogue(
        departments=[{"id": "11", "name": "Support"}],
        agents=[{"id": "21", "emailId": "jade.tywin@zylkercorp.com"}],
        teams=[{"id": "31", "name": "Support Team"}],
    )
    text = (
        "calendars:\n  day: {timezone: UTC, hours: {mon: ['09:00-17:00']}}\n"
        "skills:\n  jade.tywin@zylkercorp.com: [billing]\n  ghost@zylkercorp.com: [billing]\n"
        "shifts:\n  Support Team: day\n  Night Team: day\n  '21': day\n"
        "rules:\n  - id: r\n    on: ticket.updated\n    then:\n"
        "      - assign: {strategy: round_robin, team: Nobody Team}\n"
        "      - assign: {agent: previous}\n"
    )
    found = [str(problem) for problem in name_problems(load_rules_text(text), {"1": catalogue}, lambda _: text)]
    assert [line.split(": ", 1)[0] for line in found] == ["rules.yaml:5:3", "rules.yaml:8:3", "rules.yaml:14:47"]
    assert "ghost@zylkercorp.com" in found[0] and "Night Team" in found[1] and "Nobody Team" in found[2]
