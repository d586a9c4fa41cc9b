"""Reloads checked against catalogues given by hand: unknown names refuse the set (and are tried again, as the
Desk may gain the name); a Desk that cannot be asked leaves the names unchecked, with a warning."""

from __future__ import annotations

from pathlib import Path

from structlog.testing import capture_logs

from worker.app import rules_source
from worker.app.rules_source import RuleSource
from worker.desk.errors import NetworkError
from worker.engine.names import Catalogue

RULE = "rules:\n  - id: r\n    on: ticket.updated\n    then: [{{move: {{department: {department}}}}}]\n"


def source_with(tmp_path: Path, catalogues) -> tuple[RuleSource, Path]:
    file = tmp_path / "rules.yaml"
    file.write_text(RULE.format(department="Support"))
    source = RuleSource(tmp_path, reload_s=0.0, catalogues=catalogues)
    source.load()
    file.write_text(RULE.format(department="Sales Team"))
    return source, file


def test_an_unknown_name_is_refused_then_taken_once_the_desk_has_it(tmp_path: Path, monkeypatch) -> None:
    desk = {"departments": [{"id": "1", "name": "Support"}]}
    source, _ = source_with(tmp_path, lambda: {"1": Catalogue.from_data(desk)})
    monkeypatch.setattr(rules_source, "NAMES_RETRY_S", 0.0)  # a refused set is tried again at once
    with capture_logs() as logs:
        first = source.current()
    assert first.rules[0].model.then[0].move.department == "Support"
    assert [entry["reason"] for entry in logs if entry["event"] == "rules.refused"] == ["names the Desk does not have"]
    # when the Desk gains the department, the refused set is tried again (after NAMES_RETRY_S) and taken
    desk["departments"].append({"id": "2", "name": "Sales Team"})
    assert source.current().rules[0].model.then[0].move.department == "Sales Team"


def test_a_desk_that_cannot_be_asked_leaves_names_unchecked(tmp_path: Path) -> None:
    def unreachable():
        raise NetworkError("connection refused")

    source, _ = source_with(tmp_path, unreachable)
    with capture_logs() as logs:
        assert source.current().rules[0].model.then[0].move.department == "Sales Team"
    assert [entry["event"] for entry in logs] == ["rules.names_unchecked", "rules.reloaded"]


def test_a_name_only_some_orgs_lack_is_taken_with_a_warning(tmp_path: Path) -> None:
    """One rule set serves every org: a department only one org has is no reason to refuse the set."""
    support = Catalogue.from_data({"departments": [{"id": "1", "name": "Support"}]})
    both = Catalogue.from_data({"departments": [{"id": "1", "name": "Support"}, {"id": "2", "name": "Sales Team"}]})
    source, _ = source_with(tmp_path, lambda: {"1": both, "2": support})
    with capture_logs() as logs:
        assert source.current().rules[0].model.then[0].move.department == "Sales Team"
    assert [entry["event"] for entry in logs] == ["rules.names_missing_in_some_orgs", "rules.reloaded"]
