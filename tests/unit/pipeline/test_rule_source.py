"""The rule source: the first load, a reload when the files change (seen through their stamp: names, sizes,
modification times), a broken set refused with the running one kept, and no re-reading between checks.

Emptied files and unknown names: test_rules_empty_reload.py, test_rules_reload_catalogue.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from worker.app.rules_source import RuleSource, stamp_of
from worker.engine.errors import RuleLoadError

RULE = """\
rules:
  - id: greet
    on: ticket.updated
    then: [{{comment: {{text: "{text}"}}}}]
"""
BROKEN = "rules:\n  - id: greet\n    on: ticket.exploded\n    then: []\n"


def write(root: Path, text: str, name: str = "rules.yaml") -> Path:
    root.mkdir(exist_ok=True)
    path = root / name
    path.write_text(text)
    return path


def bump_mtime(path: Path) -> None:
    """A new modification time, as an editor saving the file gives it (a filesystem's clock may be coarse)."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def text_of(source: RuleSource) -> str:
    [rule] = source.current().rules
    return rule.model.then[0].comment.text


def test_the_first_load_runs_the_set_and_a_broken_first_set_is_fatal(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    write(root, RULE.format(text="hello"))
    assert [rule.id for rule in RuleSource(root).load()] == ["greet"]
    write(root, BROKEN)
    with pytest.raises(RuleLoadError) as raised:
        RuleSource(root).load()
    assert "ticket.exploded" in str(raised.value)


def test_a_changed_file_is_reloaded_with_a_new_version(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    write(root, RULE.format(text="hello"))
    source = RuleSource(root, reload_s=0.0)
    before = source.load().version
    # When the file changes
    bump_mtime(write(root, RULE.format(text="hello again")))
    with capture_logs() as logs:
        rules = source.current()
    # Then the new set runs, under a new version, and the reload is logged
    assert rules.version != before and text_of(source) == "hello again"
    assert [entry["event"] for entry in logs] == ["rules.reloaded"]


def test_unchanged_files_are_not_read_again(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    write(root, RULE.format(text="hello"))
    source = RuleSource(root, reload_s=0.0)
    loaded = source.load()
    with capture_logs() as logs:
        assert source.current() is loaded and source.current() is loaded
    assert logs == []


def test_a_broken_change_is_refused_the_old_set_kept_and_not_parsed_again_until_it_changes(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    write(root, RULE.format(text="hello"))
    source = RuleSource(root, reload_s=0.0)
    loaded = source.load()
    # When the file is saved broken
    bump_mtime(write(root, BROKEN))
    with capture_logs() as logs:
        first = source.current()
        second = source.current()
    # Then the running set is kept; the refusal is logged once (the same broken files are not parsed again)
    assert first is loaded and second is loaded
    [refused] = [entry for entry in logs if entry["event"] == "rules.refused"]
    assert refused["log_level"] == "error" and refused["kept"] == loaded.version
    assert any("ticket.exploded" in problem for problem in refused["problems"])
    # When it is fixed, the fixed set runs
    bump_mtime(write(root, RULE.format(text="fixed")))
    assert text_of(source) == "fixed"


def test_between_checks_a_change_is_not_looked_for(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    write(root, RULE.format(text="hello"))
    source = RuleSource(root, reload_s=3600.0)
    loaded = source.load()
    bump_mtime(write(root, RULE.format(text="changed")))
    assert source.current() is loaded  # looked for again only once reload_s has passed


def test_the_stamp_changes_with_a_files_name_size_or_modification_time(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    path = write(root, RULE.format(text="hello"))
    stamp = stamp_of(root)
    assert stamp_of(root) == stamp
    path.write_text(RULE.format(text="hellO"))  # same size
    bump_mtime(path)
    assert stamp_of(root) != stamp
    stamp = stamp_of(root)
    path.rename(root / "renamed.yaml")
    assert stamp_of(root) != stamp
    assert stamp_of(tmp_path / "missing") == ()
