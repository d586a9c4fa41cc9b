"""The example rules shipped in rules/ load cleanly and pass their own tests (as CI runs them)."""

from __future__ import annotations

from pathlib import Path

from worker.engine.loader import check_rules
from worker.engine.ruletests import run_rule_tests
from worker.engine.sla.clocks import governing_policy
from worker.engine.values import parse_time
from worker.engine.yamlsource import parse_yaml, to_plain

RULES = Path(__file__).resolve().parents[3] / "rules"


def test_the_shipped_rules_load_without_errors_or_warnings() -> None:
    rule_set, found = check_rules(RULES)
    assert found == []
    assert rule_set is not None and len(rule_set) >= 10
    assert set(rule_set.calendars) >= {"support"}


def test_the_shipped_rules_pass_their_tests() -> None:
    report = run_rule_tests(RULES)
    assert report.passed, report.text()


def test_every_shipped_rule_has_a_case_where_it_fires_and_every_file_a_case_where_nothing_does() -> None:
    rule_set, _ = check_rules(RULES)
    fired: set[str] = set()
    for path in sorted((RULES / "tests").glob("*.yaml")):
        cases = [
            case for case in to_plain(parse_yaml(path.read_text(), str(path))[0])["cases"] if "fired" in case["expect"]
        ]
        if not cases:
            continue
        fired.update(rule_id for case in cases for rule_id in case["expect"]["fired"])
        assert any(case["expect"]["fired"] == [] for case in cases), f"{path.name} has no no-fire case"
    assert fired == {rule.id for rule in rule_set}


def test_every_shipped_sla_policy_has_a_case_where_a_level_is_due_and_one_where_none_is() -> None:
    rule_set, _ = check_rules(RULES)
    escalated: set[str] = set()
    quiet = False
    for path in sorted((RULES / "tests").glob("*.yaml")):
        for case in to_plain(parse_yaml(path.read_text(), str(path))[0])["cases"]:
            expected = case["expect"].get("escalations")
            if expected is None:
                continue
            quiet = quiet or expected == []
            now = parse_time(case.get("now") or case["ticket"].get("modifiedTime"))
            policy = governing_policy(rule_set, case["ticket"], now)
            escalated.update(policy.id for _ in expected[:1])
    assert rule_set.sla_policies and quiet
    assert escalated == {policy.id for policy in rule_set.sla_policies}
