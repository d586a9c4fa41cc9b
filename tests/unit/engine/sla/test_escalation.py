"""Escalation levels: due at offsets from the breach, once per clock cycle, re-armed by a new cycle, cancelled
when the clock stops; planned like rule actions.

The policy under test (FIRST_RESPONSE_4H, Berlin hours): a ticket created Tue 2026-12-01 09:00Z (10:00 Berlin)
has its warning (level 1, -30m) due at 12:30Z, its breach (level 2, 0) at 13:00Z and level 3 (+2h) at 15:00Z.
"""

from __future__ import annotations

from datetime import timedelta

from tests.unit.engine.helpers import directory
from tests.unit.engine.sla.support import FIRST_RESPONSE_4H, at, one_policy, sla_ticket, timeline
from worker.engine.sla import DueLevel, due_levels, next_level

KEY = "p|first_response|2026-12-01T09:00:00Z|{}"
RULES = one_policy(FIRST_RESPONSE_4H)


def _due(now: str, fired=(), rule_set=RULES, ticket=None, **history) -> list[DueLevel]:
    history_ = timeline("2026-12-01T09:00", **history)
    ticket = ticket or sla_ticket(status=history_.status_at(at(now)))
    return due_levels(rule_set, ticket, history_, directory(), at(now), fired)


def _levels(due: list[DueLevel]) -> list[tuple[str, int, str]]:
    return [(level.metric, level.level, level.due_at.strftime("%H:%M")) for level in due]


def test_levels_come_due_at_their_offsets_from_the_breach() -> None:
    assert _due("2026-12-01T12:29") == []
    assert _levels(_due("2026-12-01T12:30")) == [("first_response", 1, "12:30")]
    assert _levels(_due("2026-12-01T13:00", fired={KEY.format(1)})) == [("first_response", 2, "13:00")]
    assert _levels(_due("2026-12-01T15:00", fired={KEY.format(1), KEY.format(2)})) == [("first_response", 3, "15:00")]


def test_each_level_fires_once_per_cycle_and_its_key_is_stable() -> None:
    # given the levels due at 16:00, fired
    first = _due("2026-12-01T16:00")
    keys = {level.key() for level in first}
    # when later sweeps run, with the keys recorded
    later = _due("2026-12-01T16:01", fired=keys) + _due("2026-12-02T09:00", fired=keys)
    # then nothing fires again; the keys name policy, metric, cycle and level
    assert later == []
    assert sorted(keys) == [KEY.format(1), KEY.format(2), KEY.format(3)]
    assert [level.key() for level in _due("2026-12-01T17:00")] == [KEY.format(1), KEY.format(2), KEY.format(3)]


def test_a_key_does_not_change_when_the_policys_actions_are_edited() -> None:
    edited = one_policy(FIRST_RESPONSE_4H.replace("warn {{ sla.level }}", "Warning!"))
    assert [level.key() for level in _due("2026-12-01T12:30", rule_set=edited)] == [KEY.format(1)]
    assert edited.sla_policies[0].version != RULES.sla_policies[0].version


def test_levels_missed_during_an_outage_all_fire_oldest_first() -> None:
    assert _levels(_due("2026-12-01T16:00")) == [
        ("first_response", 1, "12:30"),
        ("first_response", 2, "13:00"),
        ("first_response", 3, "15:00"),
    ]


def test_an_agent_response_cancels_the_remaining_levels_even_one_due_but_not_fired() -> None:
    # given the warning fired, the breach due at 13:00 but not fired yet, and an agent reply at 13:05
    fired = {KEY.format(1)}
    # when the sweep runs after the reply (and long after, when level 3 would have been due)
    after_reply = _due("2026-12-01T13:06", fired=fired, agent=("2026-12-01T13:05",))
    much_later = _due("2026-12-01T18:00", fired=fired, agent=("2026-12-01T13:05",))
    # then nothing fires, and nothing is to come
    assert after_reply == much_later == []
    assert (
        next_level(
            RULES, sla_ticket(), timeline("2026-12-01T09:00", agent=("2026-12-01T13:05",)), at("2026-12-01T13:06")
        )
        is None
    )


def test_closing_the_ticket_cancels_the_remaining_levels() -> None:
    statuses = (("2026-12-01T09:00", "Open"), ("2026-12-01T12:45", "Closed"))
    assert _due("2026-12-01T16:00", fired={KEY.format(1)}, statuses=statuses) == []


def test_a_level_that_came_due_before_a_pause_still_fires_and_the_next_ones_wait() -> None:
    # given On Hold from 13:10 (the breach was due at 13:00, not fired yet)
    statuses = (("2026-12-01T09:00", "Open"), ("2026-12-01T13:10", "On Hold"))
    fired = {KEY.format(1)}
    # when the sweep runs while paused, long after level 3 would have been due
    due = _due("2026-12-01T18:00", fired=fired, statuses=statuses)
    # then the breach fires (it was due), level 3 waits: the clock stood still at 4h10m
    assert _levels(due) == [("first_response", 2, "13:00")]
    assert (
        next_level(
            RULES,
            sla_ticket(status="On Hold"),
            timeline("2026-12-01T09:00", statuses=statuses),
            at("2026-12-01T18:00"),
            fired | {KEY.format(2)},
        )
        is None
    )


def test_a_pause_moves_the_levels_that_are_still_to_come() -> None:
    # given On Hold 10:00-12:00: two hours that do not count
    statuses = (("2026-12-01T09:00", "Open"), ("2026-12-01T10:00", "On Hold"), ("2026-12-01T12:00", "Open"))
    assert _due("2026-12-01T14:29", statuses=statuses) == []
    assert _levels(_due("2026-12-01T14:30", statuses=statuses)) == [("first_response", 1, "14:30")]


RESOLUTION = """\
resolution:
  targets: {default: 2h}
  escalations: [{at: 0, then: [{comment: {text: "overdue since {{ desk_time(sla.breach_at) }}"}}]}]
"""
REOPENED = {
    "agent": ("2026-12-01T09:30",),
    "customer": ("2026-12-01T09:00", "2026-12-02T09:00"),
    "statuses": (("2026-12-01T09:00", "Open"), ("2026-12-01T12:00", "Closed"), ("2026-12-02T09:00", "Open")),
}


def test_a_reopen_re_arms_the_resolution_levels_with_a_new_cycle() -> None:
    # given a ticket whose resolution breached at 11:00 (the level fired), closed at 12:00, reopened next day
    rule_set = one_policy(RESOLUTION)
    first = _due("2026-12-01T11:00", rule_set=rule_set, **REOPENED)
    assert [level.key() for level in first] == ["p|resolution|2026-12-01T09:00:00Z|1"]
    fired = {first[0].key()}
    # when the new cycle reaches its target (Wed 10:00 Berlin + 2h = 11:00Z)
    before = _due("2026-12-02T10:59", fired, rule_set, **REOPENED)
    due = _due("2026-12-02T11:00", fired, rule_set, **REOPENED)
    # then the level fires again, once, under the new cycle's key
    assert before == []
    assert [level.key() for level in due] == ["p|resolution|2026-12-02T09:00:00Z|1"]
    assert due[0].actions[0].params["text"] == "overdue since 2026-12-02T11:00:00.000Z"


def test_a_customer_reply_re_arms_next_response() -> None:
    rule_set = one_policy(
        "next_response: {targets: {default: 1h}, escalations: [{at: 0, then: [{comment: {text: late}}]}]}"
    )
    history = {
        "agent": ("2026-12-01T09:30", "2026-12-01T11:30"),
        "customer": ("2026-12-01T09:00", "2026-12-01T10:00", "2026-12-01T12:00"),
    }
    first = _due("2026-12-01T11:00", rule_set=rule_set, **history)
    second = _due("2026-12-01T13:00", {level.key() for level in first}, rule_set, **history)
    assert [level.key() for level in first] == ["p|next_response|2026-12-01T10:00:00Z|1"]
    assert [level.key() for level in second] == ["p|next_response|2026-12-01T12:00:00Z|1"]


def test_levels_are_planned_like_rule_actions_with_the_sla_variables() -> None:
    due = _due("2026-12-01T15:00")
    texts = [level.actions[0].params["text"] for level in due]
    assert texts == ["warn 1 -30m", "breach 4h 6h", "level 3 at 2026-12-01T15:00:00.000Z"]
    warning = due[0]
    assert (warning.name, warning.offset, warning.breach_at, warning.ticket_id) == (
        "warning",
        timedelta(minutes=-30),
        at("2026-12-01T13:00"),
        "1892000000143237",
    )
    action = warning.actions[0]
    assert (action.rule, action.type, action.index, action.version, action.dry_run) == (
        "p",
        "comment",
        0,
        RULES.sla_policies[0].version,
        False,
    )
    assert action.action_id(warning.key()) == action.action_id(KEY.format(1)) != action.action_id(KEY.format(2))
    assert warning.as_dict()["key"] == KEY.format(1) and warning.as_dict()["offset"] == "-30m"


def test_names_are_resolved_through_the_directory_and_a_missing_one_is_an_error_not_an_exception() -> None:
    rule_set = one_policy("""\
        first_response:
          targets: {default: 1h}
          escalations:
            - {at: 0, then: [{update: {priority: Urgent}}, {assign: {agent: jade.tywin@zylkercorp.com}},
                             {comment: {text: "{{ mention(ticket.assignee) }} take it"}}]}
            - {at: +1h, then: [{assign: {agent: nobody@zylkercorp.com}}]}
        """)
    breach, second = _due("2026-12-01T16:00", rule_set=rule_set)
    assert [(action.type, action.batchable) for action in breach.actions] == [
        ("update", True),
        ("assign", False),
        ("comment", False),
    ]
    assert breach.actions[1].params == {"agent": "jade.tywin@zylkercorp.com", "agentId": "1892000000042001"}
    assert breach.actions[2].params["text"] == "zsu[@user:10657727]zsu take it"
    assert second.actions == () and "no agent 'nobody@zylkercorp.com'" in second.error
    assert second.as_dict()["error"] == second.error


def test_a_dry_run_policy_plans_its_levels_as_dry_runs() -> None:
    rule_set = one_policy(FIRST_RESPONSE_4H, extra="dry_run: true")
    [level] = _due("2026-12-01T12:30", rule_set=rule_set)
    assert level.dry_run and level.actions[0].dry_run


def test_an_offset_before_the_clocks_start_is_due_at_the_start() -> None:
    rule_set = one_policy(
        "first_response: {targets: {default: 1h}, escalations: [{at: -2h, then: [{comment: {text: heads up}}]}]}"
    )
    [level] = _due("2026-12-01T09:00", rule_set=rule_set)
    assert level.due_at == at("2026-12-01T09:00")


def test_next_level_is_the_earliest_to_come_across_metrics_and_skips_the_fired() -> None:
    rule_set = one_policy(FIRST_RESPONSE_4H + RESOLUTION)
    history = timeline("2026-12-01T09:00")
    upcoming = next_level(rule_set, sla_ticket(), history, at("2026-12-01T09:30"))
    assert (upcoming.metric, upcoming.level, upcoming.due_at) == ("resolution", 1, at("2026-12-01T11:00"))
    assert upcoming.actions == ()
    later = next_level(rule_set, sla_ticket(), history, at("2026-12-01T12:00"), {KEY.format(1)})
    assert (later.metric, later.level, later.due_at) == ("first_response", 2, at("2026-12-01T13:00"))


def test_no_policy_or_no_levels_nothing_due() -> None:
    quiet = one_policy("first_response: {targets: {default: 1h}}")
    assert _due("2026-12-05T09:00", rule_set=quiet) == []
    assert next_level(quiet, sla_ticket(), timeline("2026-12-01T09:00"), at("2026-12-01T09:30")) is None
