"""Messages people can act on: YAML structure errors and cron expressions explained at their line and column."""

from __future__ import annotations

import pytest

from tests.unit.engine.helpers import problems
from worker.engine.yamlsource import parse_yaml

YAML_CASES = {
    "item_deeper_than_its_list": (
        "rules:\n  - id: a\n    then:\n      - move: {department: Billing}\n        - update: {priority: High}\n",
        "5:9: this `-` item is indented deeper than the list it belongs to (or a key with a `:` is missing above "
        "it); line it up with the list's other `-` items",
    ),
    "key_without_colon": (
        "rules:\n  - id: a\n    on ticket.created\n    then: []\n",
        "3:5: a key here needs a `:` after it (write `key: value`); if this line continues the value above, put "
        "that value in quotes",
    ),
    "tab_indent": (
        "rules:\n\t- id: a\n",
        "2:1: tab characters cannot indent YAML; indent with spaces",
    ),
    "unclosed_double_quote": (
        'rules:\n  - id: "a\n    on: ticket.created\n',
        "2:9: the quoted text that starts here is never closed; add the closing quote, or escape a quote inside "
        "it (\\\" in double quotes, '' in single quotes)",
    ),
    "unclosed_bracket": (
        "rules:\n  - id: a\n    if: {field: x, equals: 1\n    then: []\n",
        "4:9: the mapping opened with `{` at line 3 column 9 is not closed: expected `,` or `}` before this",
    ),
    "key_indented_less_than_its_siblings": (
        "rules:\n  - id: a\n    on: ticket.created\n   then: []\n",
        "4:4: this line starts at column 4, which lines up with nothing open above: expected another `-` item of "
        "the list at line 2 (column 3) or a key lined up with the keys of a mapping around it; check its "
        "indentation",
    ),
    "key_indented_deeper_than_its_siblings": (
        "rules:\n  - id: a\n    on: ticket.created\n     then: []\n",
        "4:6: this key is indented deeper than the keys above it, so it reads as part of the value above; line "
        "it up with them",
    ),
    "key_after_a_list_at_its_indentation": (
        "rules:\n  - id: a\n    then: []\n  name: x\n",
        "4:3: expected another `-` item of the list at line 2 here: a key cannot follow a list at the list's own "
        "indentation; start the line with `- `, or indent it under an item",
    ),
    "key_between_two_indentations": (
        "calendars:\n  support: {timezone: UTC}\n billing: {timezone: UTC}\n",
        "3:2: expected a new key at the same indentation as the mapping at line 1 (column 1), but this line starts "
        "at column 2; check its indentation",
    ),
    "colon_inside_a_plain_value": (
        "rules:\n  - id: a\n    name: Note: urgent\n",
        '3:15: a `: ` cannot appear inside a plain value: put the value in quotes (name: "Note: urgent")',
    ),
    "reserved_character": (
        "rules:\n  - id: @a\n",
        "2:9: a plain value cannot start with '@' (reserved in YAML); put the value in quotes",
    ),
    "undefined_alias": (
        "rules:\n  - id: a\n    if: *billing\n",
        "3:9: *billing names no anchor; define it above with &billing before using it",
    ),
    "two_documents": (
        "rules: []\n---\ncalendars: {}\n",
        "2:1: a rule file holds one YAML document; remove this `---` and what follows, or split the file",
    ),
}


@pytest.mark.parametrize("name", sorted(YAML_CASES))
def test_a_yaml_structure_error_says_what_was_expected_in_plain_words(name: str) -> None:
    # given a rule file with one structural mistake / when it is checked / then one plain message at its place
    text, expected = YAML_CASES[name]
    assert problems(text, "rules/broken.yaml") == [f"rules/broken.yaml:{expected}"]


@pytest.mark.parametrize("pure", [False, True])
def test_the_pure_python_parser_gives_the_same_messages(pure: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # given the parser ruamel falls back to without libyaml (also used for very deep texts)
    import worker.engine.yamlsource as yamlsource

    if pure:
        monkeypatch.setattr(yamlsource, "C_SAFE_DEPTH", -1)
    for name in ("item_deeper_than_its_list", "key_without_colon", "unclosed_bracket", "tab_indent"):
        text, expected = YAML_CASES[name]
        _, found = parse_yaml(text, "f.yaml")
        assert [str(problem) for problem in found] == [f"f.yaml:{expected}"], name


CRON_CASES = {
    "61 9 * * 1-5": "minute 61 is out of 0-59",
    "0 24 * * *": "hour 24 is out of 0-23",
    "0 9 0 * *": "day of month 0 is out of 1-31",
    "0 9 * 13 *": "month 13 is out of 1-12 or JAN-DEC",
    "0 9 * FOO *": "month 'FOO' is not a number or name (allowed: 1-12 or JAN-DEC)",
    "0 9 * * 8": "day of week 8 is out of 0-7 or SUN-SAT",
    "*/0 * * * *": "minute step '0' must be a whole number of at least 1, as in */5",
    "0 9 * *": ("expected 5 fields (minute hour day-of-month month day-of-week), found 4; like '*/5 * * * *'"),
}


@pytest.mark.parametrize("expression", sorted(CRON_CASES))
def test_a_cron_error_names_the_field_and_its_range(expression: str) -> None:
    # given a time rule with a wrong cron expression / when checked / then the field and its range are named
    text = f'rules:\n  - id: a\n    on: {{schedule: {{cron: "{expression}"}}}}\n    then: [{{mark_spam: true}}]\n'
    assert problems(text, "rules/cron.yaml") == [
        f"rules/cron.yaml:3:27: invalid cron expression {expression!r}: {CRON_CASES[expression]}"
    ]


def test_valid_cron_forms_stay_accepted() -> None:
    for expression in ("0 9 * * MON-FRI", "0 0 1 jan *", "*/15 8-18 * * 1-5", "0 9 * * 1-5/2", "@daily"):
        text = f'rules:\n  - id: a\n    on: {{schedule: {{cron: "{expression}"}}}}\n    then: [{{mark_spam: true}}]\n'
        assert [problem for problem in problems(text) if "invalid cron" in problem] == [], expression
