"""A reload that would leave no rules, or drop every rule of a file (a deploy caught half-way), is refused and
the last good set keeps running, unless DESKPILOT_ALLOW_EMPTY_RULES; starting with no rules is refused too."""

from __future__ import annotations

from pathlib import Path

import pytest
from structlog.testing import capture_logs

from worker.app.preflight import PreflightError
from worker.app.rules_source import RuleSource

RULE = """\
rules:
  - id: {id}
    on: ticket.updated
    then: [{{comment: {{text: hi}}}}]
"""


def folder(tmp_path: Path, **files: str) -> Path:
    root = tmp_path / "rules"
    root.mkdir(exist_ok=True)
    for name, rule_id in files.items():
        (root / f"{name}.yaml").write_text(RULE.format(id=rule_id))
    return root


def started(root: Path, **options) -> RuleSource:
    source = RuleSource(root, reload_s=0.0, **options)
    source.load()
    return source


def test_a_file_truncated_to_nothing_is_refused_and_the_old_set_kept(tmp_path: Path) -> None:
    # given a running set from two files
    root = folder(tmp_path, a="rule-a", b="rule-b")
    source = started(root)
    # when one file is emptied (a deploy half-way)
    (root / "b.yaml").write_text("")
    with capture_logs() as logs:
        rules = source.current()
    # then both rules keep running and the error names the file
    assert [rule.id for rule in rules] == ["rule-a", "rule-b"]
    [refused] = [entry for entry in logs if entry["event"] == "rules.refused_empty"]
    assert refused["log_level"] == "error" and refused["problems"] == [str(root / "b.yaml")]
    assert "DESKPILOT_ALLOW_EMPTY_RULES" in refused["reason"]


def test_every_file_deleted_is_refused(tmp_path: Path) -> None:
    root = folder(tmp_path, a="rule-a")
    source = started(root)
    (root / "a.yaml").unlink()
    with capture_logs() as logs:
        assert [rule.id for rule in source.current()] == ["rule-a"]
    assert [entry["event"] for entry in logs] == ["rules.refused_empty"]


def test_a_renamed_file_keeps_its_rules_and_is_accepted(tmp_path: Path) -> None:
    root = folder(tmp_path, a="rule-a")
    source = started(root)
    (root / "a.yaml").rename(root / "z.yaml")
    assert [rule.file for rule in source.current()] == [str(root / "z.yaml")]


def test_an_emptied_file_is_accepted_when_the_operator_allows_it(tmp_path: Path) -> None:
    root = folder(tmp_path, a="rule-a", b="rule-b")
    source = started(root, allow_empty=True)
    (root / "b.yaml").write_text("")
    (root / "a.yaml").write_text("rules: []\n")
    assert len(source.current()) == 0


def test_starting_with_no_rules_is_refused_unless_allowed(tmp_path: Path) -> None:
    root = folder(tmp_path)
    (root / "empty.yaml").write_text("rules: []\n")
    with pytest.raises(PreflightError, match=r"no rules or SLA policies in .*DESKPILOT_ALLOW_EMPTY_RULES=true"):
        RuleSource(root).load()
    with capture_logs() as logs:
        assert len(RuleSource(root, allow_empty=True).load()) == 0
    assert any(entry["event"] == "rules.empty" and entry["log_level"] == "warning" for entry in logs)
