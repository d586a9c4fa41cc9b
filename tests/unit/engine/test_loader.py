"""Loading one file or a folder: files found, ids and calendars unique across files, evaluation order."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.engine.helpers import rules, run
from worker.engine.errors import RuleLoadError
from worker.engine.loader import check_rules, check_sources, load_rules, rule_files

RULE = """rules:
  - id: {id}
    on: ticket.updated
{extra}    then: [{{update: {{priority: High}}}}]
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_folder_loads_every_yaml_file_below_it_in_path_order_with_tests_aside(tmp_path: Path) -> None:
    # given rule files in a folder and a sub-folder, a tests/ folder and a stray text file
    _write(tmp_path, "b.yaml", RULE.format(id="b", extra=""))
    _write(tmp_path, "a.yml", RULE.format(id="a", extra=""))
    _write(tmp_path, "team/c.yaml", RULE.format(id="c", extra=""))
    _write(tmp_path, "tests/cases.yaml", "cases: []\n")
    _write(tmp_path, "notes.txt", "not rules")
    # when the folder is loaded
    rule_set = load_rules(tmp_path)
    # then the rules come from the three rule files, in the order of their paths
    assert [rule.id for rule in rule_set] == ["a", "b", "c"]
    assert [Path(name).name for name in rule_set.files] == ["a.yml", "b.yaml", "c.yaml"]
    assert next(name for name, _ in rule_files(tmp_path)) == str(tmp_path / "a.yml")


def test_explicit_order_comes_before_file_and_position(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "a.yaml",
        RULE.format(id="late", extra="    order: 10\n") + RULE.format(id="plain", extra="").removeprefix("rules:\n"),
    )
    _write(tmp_path, "b.yaml", RULE.format(id="early", extra="    order: -5\n"))
    assert [rule.id for rule in load_rules(tmp_path)] == ["early", "plain", "late"]


def test_rule_ids_must_be_unique_across_files(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", RULE.format(id="same", extra=""))
    _write(tmp_path, "b.yaml", RULE.format(id="same", extra=""))
    rule_set, found = check_rules(tmp_path)
    assert rule_set is None
    assert [str(problem) for problem in found] == [
        f"{tmp_path / 'b.yaml'}:2:9: duplicate rule id 'same'; first defined at {tmp_path / 'a.yaml'}:2:9; "
        "ids must be unique across files"
    ]


def test_calendars_are_shared_across_files_and_their_names_unique() -> None:
    calendar = 'calendars:\n  support:\n    timezone: UTC\n    hours: {mon: ["09:00-17:00"]}\n'
    uses = (
        "rules:\n  - id: r\n    on: ticket.replied\n    if: {field: createdTime, older_than: 1h, "
        "calendar: support}\n    then: [{mark_spam: true}]\n"
    )
    rule_set, found = check_sources([("calendars.yaml", calendar), ("sla.yaml", uses)])
    assert found == [] and rule_set is not None and set(rule_set.calendars) == {"support"}
    _, found = check_sources([("a.yaml", calendar), ("b.yaml", calendar)])
    assert [str(problem) for problem in found] == ["b.yaml:2:3: calendar 'support' is already defined at a.yaml:2:3"]


def test_problems_in_several_files_are_all_reported(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", "rules:\n  - id: a\n    on: ticket.updatd\n    then: [{mark_spam: true}]\n")
    _write(tmp_path, "b.yaml", "rules: [\n")
    with pytest.raises(RuleLoadError) as raised:
        load_rules(tmp_path)
    assert [(Path(p.file).name, p.line) for p in raised.value.errors] == [("a.yaml", 3), ("b.yaml", 2)]
    assert "2 error(s) in rule files" in str(raised.value)


def test_warnings_do_not_refuse_the_set_and_are_kept_on_it() -> None:
    rule_set = rules("""
        rules:
          - id: r
            on: ticket.updated
            if: {field: cf.tier, equals: Gold}
            then: [{mark_spam: true}]
        """)
    assert [str(w) for w in rule_set.warnings] == [
        "rules.yaml:5:17: warning: 'cf.tier': cf. takes a custom field's API name, which starts with cf_ (e.g. "
        "cf.cf_tier); for the field's label write customFields.tier"
    ]


def test_an_empty_file_is_a_warning_and_a_missing_path_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "empty.yaml", "# nothing yet\n")
    rule_set, found = check_rules(tmp_path)
    assert rule_set is not None and len(rule_set) == 0
    assert [p.message for p in found] == ["the file is empty; expected rules: and/or calendars:"]
    rule_set, found = check_rules(tmp_path / "nope")
    assert rule_set is None and [p.message for p in found] == ["no such file or folder"]


def test_rule_versions_change_with_the_rule_and_only_then() -> None:
    first = rules(RULE.format(id="r", extra=""))
    same = rules(RULE.format(id="r", extra="") + "# a comment changes nothing\n")
    other = rules(RULE.format(id="r", extra="    stop: true\n"))
    assert first.get("r").version == same.get("r").version != other.get("r").version
    assert first.version == same.version != other.version
    assert run(first).verdict("r").version == first.get("r").version
