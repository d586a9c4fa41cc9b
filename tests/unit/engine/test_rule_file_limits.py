"""Bounded rule files: alias bombs, oversized files and deep nesting are refused with file:line:col before they cost
time or memory; anchors and aliases for shared blocks keep working, with their positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.engine.helpers import problems, rules
from worker.engine.loader import DEFAULT_MAX_FILE_BYTES, check_rules, check_sources
from worker.engine.yamlsource import parse_yaml


def alias_bomb(levels: int) -> str:
    """The "billion laughs": each level lists the previous one nine times (9**levels strings in all)."""
    lines = ["calendars: {}", "lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels + 1):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_a_seven_level_alias_bomb_is_refused_at_the_alias_that_crosses_the_node_budget() -> None:
    # given the 7-level bomb (about 5 million strings once expanded; 7.3 s and 188 MB before)
    # when it is checked / then one error at the level that crosses the budget, naming the limit and what to do
    found = problems(alias_bomb(7), "rules/bomb.yaml")
    assert found == [
        "rules/bomb.yaml:7:1: the file expands to more than 524,288 YAML nodes once its aliases (*name) "
        "are replaced by their anchored blocks; an alias bomb? Share smaller blocks, or split the rules "
        "over several files"
    ]


def test_a_nine_level_alias_bomb_is_refused_instead_of_running_out_of_memory() -> None:
    # given the 9-level bomb (it died with a MemoryError after 261 s) / when checked / then refused like the 7-level one
    found = problems(alias_bomb(9), "rules/bomb.yaml")
    assert len(found) == 1 and found[0].startswith("rules/bomb.yaml:7:1: the file expands to more than 524,288")


def test_too_many_alias_uses_are_refused_at_the_first_alias_over_the_count() -> None:
    # given 10,001 uses of one small anchored block / when parsed / then refused at the 10,001st use
    text = "base: &b {x: 1}\nuses:\n" + "".join(f"  k{index}: *b\n" for index in range(10_001))
    _, found = parse_yaml(text, "rules/many.yaml")
    assert [str(problem) for problem in found] == [
        "rules/many.yaml:10003:3: more than 10,000 alias uses (*name) in one file; share fewer blocks, or write the "
        "repeated parts out"
    ]


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    _, found = parse_yaml("rules: &r\n  - id: a\n    then: *r\n", "rules/loop.yaml")
    assert [problem.message for problem in found] == [
        "this alias (*name) is used inside the block its anchor names, which would repeat forever; use the alias "
        "after that block"
    ]


def test_shared_condition_blocks_through_anchors_and_merge_keys_load_with_their_positions() -> None:
    # given a condition block shared by alias, and a rule merged from a base with `<<`
    text = """\
        rules:
          - id: a
            on: ticket.created
            if: &billing {field: subject, contains: invoice}
            then: [{move: {department: Billing}}]
          - <<: &base {on: ticket.updated, then: [{update: {priority: High}}]}
            id: b
            if: *billing
          - <<: *base
            id: c
            if: {not: *billing}
            then: [{update: {priority: Low}}]
        """
    # when loaded / then the aliases and merges are expanded, explicit keys winning over merged ones
    loaded = rules(text)
    assert [rule.id for rule in loaded.rules] == ["a", "b", "c"]
    assert [rule.source for rule in loaded.rules] == ["rules.yaml:2", "rules.yaml:6", "rules.yaml:9"]
    # and an error inside a merged rule's own keys points at its own line
    assert problems(text.replace("Low}", "Low, bogus: 1}"))[0] == (
        "rules.yaml:12:37: unknown key 'bogus'; expected one of subject, status, priority, "
        "category, subCategory, classification, channel, language, dueDate, responseDueDate, "
        "email, phone, description, resolution, productId, contactId, customFields, cf"
    )


def test_a_file_over_the_size_limit_is_refused_unread_naming_the_setting(tmp_path: Path) -> None:
    # given a folder with a small valid file and one just over the limit
    (tmp_path / "a.yaml").write_text("rules: []\n", encoding="utf-8")
    (tmp_path / "big.yaml").write_text("rules: []\n" + "#" * DEFAULT_MAX_FILE_BYTES + "\n", encoding="utf-8")
    # when checked with the default limit (what `rules check` uses) / then the set is refused with one clear error
    loaded, found = check_rules(tmp_path)
    assert loaded is None
    assert [str(problem) for problem in found] == [
        f"{tmp_path / 'big.yaml'}:1:1: the file is 2,097,163 bytes, over the limit of 2,097,152 bytes for one rule "
        "file (DESKPILOT_RULES_MAX_FILE_BYTES); split it into several files in the rules folder, or raise the setting"
    ]
    # and a raised limit (the service passes the setting) accepts it
    assert check_rules(tmp_path, max_file_bytes=3 * DEFAULT_MAX_FILE_BYTES)[0] is not None


def test_texts_are_held_to_the_same_limit() -> None:
    loaded, found = check_sources([("rules.yaml", "rules: []\n" + "#" * 100 + "\n")], max_file_bytes=50)
    assert loaded is None and found[0].message.startswith("the file is 111 bytes, over the limit of 50 bytes")


def test_nesting_deeper_than_any_parser_can_follow_is_one_error_not_a_crash() -> None:
    # given 100,000 nested lists (libyaml's composer crashes the process near 30,000)
    for text in ("[" * 100_000 + "]" * 100_000, "- " * 100_000 + "x\n"):
        # when parsed / then one error, no segfault, no RecursionError
        _, found = parse_yaml(text, "rules/deep.yaml")
        assert [str(problem) for problem in found] == [
            "rules/deep.yaml:1:1: the YAML nests too deeply; flatten the lists and mappings"
        ]


def test_yaml_1_2_scalars_and_block_texts_read_as_before() -> None:
    tree, found = parse_yaml(
        "a: [on, yes, true, 017, 0o17, 0x1f, 1_000, 1.5, .inf, ~, 2026-12-24, '7']\nb: |\n  line\n", "f.yaml"
    )
    assert found == []
    assert tree == {
        "a": ["on", "yes", True, 17, 15, 31, 1000, 1.5, float("inf"), None, "2026-12-24", "7"],
        "b": "line\n",
    }


def test_the_service_start_check_uses_the_file_size_setting(tmp_path: Path) -> None:
    # given a rule file of 3 KB and DESKPILOT_RULES_MAX_FILE_BYTES at 2 KB
    from config.settings import Settings
    from worker.app.preflight import PreflightError, require_rules

    (tmp_path / "a.yaml").write_text("rules: []\n" + "#" * 3000 + "\n", encoding="utf-8")
    settings = Settings(rules_path=tmp_path, rules_max_file_bytes=2048)
    # when the service checks its rules before starting / then they are refused, naming the setting
    with pytest.raises(PreflightError, match="DESKPILOT_RULES_MAX_FILE_BYTES"):
        require_rules(settings)
    # and at the default limit they load
    require_rules(Settings(rules_path=tmp_path))


def test_the_cyclic_collector_is_paused_while_a_set_loads_and_left_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    # given a probe inside the load (full collections walking the growing tree cost 40% of a large load)
    import gc

    import worker.engine.loader as loader

    seen: list[bool] = []
    real_parse = loader.parse_yaml

    def parse(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real_parse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "parse_yaml", parse)
    # when a set loads, and another one is refused / then the collector was off inside and is on again after
    assert check_sources([("a.yaml", "rules: []\n")])[0] is not None
    assert check_sources([("b.yaml", "rules: [\n")])[0] is None
    assert seen == [False, False] and gc.isenabled()
    # and a caller that disabled it finds it disabled
    gc.disable()
    try:
        check_sources([("a.yaml", "rules: []\n")])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_explicit_tag_on_a_value_of_another_type_is_one_positioned_error() -> None:
    _, found = parse_yaml("rules:\n  - order: !!int first\n", "rules/tag.yaml")
    assert [str(problem) for problem in found] == [
        "rules/tag.yaml:2:12: 'first' is not a valid int; remove the !! tag or fix the value"
    ]
