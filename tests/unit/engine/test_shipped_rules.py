"""The example rules shipped in rules/ load cleanly and pass their own tests (as CI runs them)."""
from __future__ import annotations

from pathlib import Path

from worker.engine.loader import check_rules
from worker.engine.ruletests import run_rule_tests
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
        cases = to_plain(parse_yaml(path.read_text(), str(path))[0])["cases"]
        fired.update(rule_id for case in cases for rule_id in case["expect"]["fired"])
        assert any(case["expect"]["fired"] == [] for case in cases), f"{path.name} has no no-fire case"
    assert fired == {rule.id for rule in rule_set}
