"""A rule's `on_action_failure` option: read from the rule file, carried by each planned action (and so into the
ledger), and the default leaves a rule's version (and so its actions' ids) as it was before the option existed."""

from __future__ import annotations

import pytest

from worker.engine.errors import RuleLoadError
from worker.engine.evaluate import evaluate
from worker.engine.loader import load_rules_text

RULE = """
rules:
  - id: pair
    on: ticket.updated
    {option}
    then:
      - update: {{priority: High}}
      - comment: {{text: "raised"}}
"""
TICKET = {"id": "1", "status": "Open", "priority": "Low"}


def planned(option: str = ""):
    rules = load_rules_text(RULE.format(option=option))
    return rules, evaluate(rules, "ticket.updated", TICKET).actions


def test_by_default_the_planned_actions_stop_on_a_failure():
    _, actions = planned()
    assert [action.continue_on_failure for action in actions] == [False, False]


def test_continue_is_carried_by_every_planned_action():
    _, actions = planned("on_action_failure: continue")
    assert [action.continue_on_failure for action in actions] == [True, True]


def test_the_default_written_out_or_left_out_gives_the_same_version_and_continue_another():
    default, _ = planned()
    written, _ = planned("on_action_failure: stop")
    carry_on, _ = planned("on_action_failure: continue")
    assert default.get("pair").version == written.get("pair").version != carry_on.get("pair").version


def test_an_unknown_value_is_refused_at_load():
    with pytest.raises(RuleLoadError) as raised:
        planned("on_action_failure: sometimes")
    assert "expected 'stop' or 'continue'" in str(raised.value)
