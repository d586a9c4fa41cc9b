"""`matches` runs on RE2: linear in the ticket's text whatever the pattern; what RE2 cannot run is refused at load."""

from __future__ import annotations

import pytest

from tests.unit.engine.helpers import errors, one_rule, run, ticket
from worker.engine.patterns import PatternError, compile_pattern

CATASTROPHIC = "{field: subject, matches: '(a+)+$'}"


@pytest.mark.timeout(30)  # a backtracking engine takes longer than the age of the universe on these
@pytest.mark.parametrize("length", [100_000, 1_000_000])
def test_a_catastrophic_pattern_against_a_long_customer_subject_is_evaluated(length: int) -> None:
    # given the classic exponential pattern and a subject of `length` a's ending in b (no match)
    rule_set = one_rule(CATASTROPHIC)
    # when the rule is evaluated
    evaluation = run(rule_set, the_ticket=ticket(subject="a" * length + "b"))
    # then it finishes, and does not match
    assert evaluation.verdict("r").status == "not_matched"


@pytest.mark.timeout(30)
def test_the_catastrophic_pattern_still_matches_where_it_should() -> None:
    rule_set = one_rule(CATASTROPHIC)
    assert run(rule_set, the_ticket=ticket(subject="b" + "a" * 100_000)).verdict("r").status == "fired"


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?=urgent)", "lookahead (?=...) is not supported: RE2 matches in linear time and has no lookaround"),
        (
            "(?<!not )urgent",
            "negative lookbehind (?<!...) is not supported: RE2 matches in linear time and has no lookaround",
        ),
        (r"(\w+) \1", r"backreferences (\1) are not supported: RE2 matches in linear time and has no backreferences"),
        (
            "(?P<w>a)(?P=w)",
            "the backreference (?P=name) is not supported: RE2 matches in linear time and has no backreferences",
        ),
        (r"done\Z", r"\Z is not supported; write \z for the end of the text"),
        ("a++", "possessive repeats (++) are not supported: RE2 matches in linear time and has no backtracking"),
    ],
)
def test_a_pattern_re2_cannot_run_is_refused_at_load_with_its_position_and_reason(pattern: str, reason: str) -> None:
    # given a rule whose pattern needs backtracking
    text = f"""\
        rules:
          - id: r
            on: ticket.updated
            if:
              field: subject
              matches: '{pattern}'
            then:
              - update: {{priority: High}}
        """
    # when it is loaded / then it is refused where the pattern is, saying why
    assert errors(text) == [f"rules.yaml:6:16: invalid regular expression '{pattern}': {reason}"]


def test_ignore_case_still_applies_including_beyond_ascii() -> None:
    rule_set = one_rule("{field: subject, matches: 'ÉCHEC|invoice \\d+', ignore_case: true}")
    assert run(rule_set, the_ticket=ticket(subject="Re: INVOICE 42")).verdict("r").status == "fired"
    assert run(rule_set, the_ticket=ticket(subject="paiement échec")).verdict("r").status == "fired"
    assert run(rule_set, the_ticket=ticket(subject="no bill here")).verdict("r").status == "not_matched"


def test_without_ignore_case_the_match_is_case_sensitive() -> None:
    search = compile_pattern(r"\binvoice \d+")
    assert search("Re: invoice 42") and not search("Re: Invoice 42") and not search("")


def test_re2_never_falls_back_to_a_backtracking_engine() -> None:
    # google-re2 raises for what it cannot run; compile_pattern turns that into PatternError, never into `re`
    with pytest.raises(PatternError, match="lookahead"):
        compile_pattern("(?=a)")


def test_non_ascii_text_and_numbers_are_searched_as_text() -> None:
    assert compile_pattern("^\\d+$")  # compiles
    rule_set = one_rule("{field: customFields.numberOfItems, matches: '^2$'}")
    assert run(rule_set).verdict("r").status == "fired"
    assert compile_pattern("ü")("Grüße")
