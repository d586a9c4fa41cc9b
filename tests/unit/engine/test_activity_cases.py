"""Rule test cases that give a ticket's history (engine/activity_cases.py): the anchors, counters and actor a case's
steps make, and the `rules explain` options that take the same steps."""

from __future__ import annotations

import json

import pytest

from worker.cli.rules import main
from worker.engine.activity_cases import ActivityStep, case_view

TICKET = {"id": "1", "status": "Open", "createdTime": "2026-12-01T08:00:00Z"}


def steps(*items: dict) -> list[ActivityStep]:
    return [ActivityStep.model_validate(item) for item in items]


def test_steps_make_anchors_counters_texts_and_the_actor():
    view = case_view(
        TICKET,
        steps(
            {"at": "2026-12-01T08:00:00Z", "customer_reply": "help"},
            {"at": "2026-12-01T09:00:00Z", "assignee": "7"},
            {"at": "2026-12-01T09:30:00Z", "agent_reply": "on it", "by": "agent:jane@x.test", "channel": "FACEBOOK"},
            {"at": "2026-12-01T10:00:00Z", "comment": "vendor asked"},
            {"at": "2026-12-01T11:00:00Z", "status": "Closed"},
            {"at": "2026-12-01T12:00:00Z", "status": "Open", "by": "customer"},
        ),
        None,
    )
    assert (view["customer_reply_count"], view["agent_reply_count"], view["reopen_count"]) == (1, 1, 1)
    assert view["assigned_at"] == "2026-12-01T09:00:00Z" and view["first_response_at"] == "2026-12-01T09:30:00Z"
    assert view["status_changed_at"] == view["reopened_at"] == "2026-12-01T12:00:00Z"
    assert view["latest_comment_text"] == "vendor asked" and view["last_reply_by"] == "agent"
    assert view["changed_by"]["kind"] == "customer" and view["thread"] is None  # the last step was no reply


def test_the_last_reply_gives_the_thread_and_an_explicit_actor_wins():
    replied = steps({"at": "2026-12-01T09:30:00Z", "agent_reply": "on it", "by": "agent:jane@x.test"})
    view = case_view(TICKET, replied, None)
    assert view["thread"]["direction"] == "out" and view["changed_by"]["email"] == "jane@x.test"
    assert case_view(TICKET, replied, "automation")["changed_by"]["kind"] == "automation"
    assert case_view(TICKET, None, "team:Tier 2")["changed_by"]["teams"] == ["Tier 2"]


def test_bad_steps_are_refused():
    with pytest.raises(ValueError, match="exactly one of"):
        ActivityStep.model_validate({"at": "2026-12-01T09:30:00Z", "agent_reply": "a", "comment": "b"})
    with pytest.raises(ValueError, match="oldest first"):
        case_view(
            TICKET,
            steps({"at": "2026-12-01T10:00:00Z", "comment": "b"}, {"at": "2026-12-01T09:00:00Z", "comment": "a"}),
            None,
        )


def test_explain_takes_the_steps_and_the_actor(tmp_path, capsys):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - id: wait\n    on: ticket.agent_replied\n    if:\n      all:\n        - changed_by: agent\n"
        "        - {field: agent_reply_count, gte: 1}\n    then:\n      - update: {status: On Hold}\n"
    )
    ticket, activity = tmp_path / "t.json", tmp_path / "a.json"
    ticket.write_text(json.dumps(TICKET))
    activity.write_text(json.dumps({"activity": [{"at": "2026-12-01T09:00:00Z", "agent_reply": "ok"}]}))
    common = ["explain", "--rules", str(rules), "--ticket-file", str(ticket), "--event", "ticket.agent_replied"]
    assert main([*common, "--activity", str(activity), "--now", "2026-12-01T09:01:00Z"]) == 0
    assert "1 of 1 rules fired" in capsys.readouterr().out
    assert main([*common, "--activity", str(activity), "--changed-by", "automation"]) == 0
    assert "changed_by is 'agent': actual 'automation'" in capsys.readouterr().out
