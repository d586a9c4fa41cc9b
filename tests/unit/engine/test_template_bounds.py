"""Bounded templates: what a template computes, builds and renders has limits; breaking one fails that rule alone.

The bombs below each hang or exhaust memory in a plain Jinja sandbox; here compiling (rules check) returns at once
and rendering fails the rule with the template's place and the reason.
"""

from __future__ import annotations

import pytest

from tests.unit.engine.helpers import one_rule, problems, run
from worker.engine.template_bounds import MAX_TEXT
from worker.engine.templates import compile_template

pytestmark = pytest.mark.timeout(60)


def _verdict(text: str):
    rule_set = one_rule(then=f"- update: {{priority: High}}\n- comment: {{text: {text!r}}}")
    return run(rule_set).verdict("r")


BOMBS = {
    "power": ("{{ 9**(9**9) }}", "limit exceeded: a number of about"),
    "power at run time": ("{{ ticket.ticketNumber | int ** 99999999 }}", "limit exceeded: a number of about"),
    "string repetition": ("{{ 'a' * 100000000 }}", "limit exceeded: a value of 100,000,000 characters"),
    "list repetition": ("{{ ([1] * 100000000) | length }}", "limit exceeded: a value of 100,000,000"),
    "range": ("{% for i in range(10**9) %}{% endfor %}", "Range too big"),
    "nested loops": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "limit exceeded: the template runs more than 1,000,000 loop iterations and calls",
    ),
    "concat doubling": (
        "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}{{ ns.s | length }}",
        "limit exceeded: a value of 1,048,576",
    ),
    "plus doubling": (
        "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}"
        "{% endfor %}{{ ns.s | length }}",
        "limit exceeded: a value of 1,048,576",
    ),
    "squaring": (
        "{% set ns = namespace(n=3) %}{% for i in range(64) %}{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n }}",
        "limit exceeded: a number of about",
    ),
    "center filter": ("{{ 'a' | center(999999999) }}", "limit exceeded: a value of 999,999,999"),
    "format method": ("{{ '{:>999999999}'.format(1) }}", "limit exceeded: a value of 999,999,999"),
    "percent format": ("{{ '%999999999d' % 1 }}", "limit exceeded: a value of 999,999,999"),
    "format filter": ("{{ '%999999999d' | format(1) }}", "limit exceeded: a value of 999,999,999"),
    "ljust method": ("{{ 'a'.ljust(999999999) }}", "limit exceeded: a value of 999,999,999"),
    "replace growth": ("{{ ('a' * 1000) | replace('', 'b' * 1000) }}", "limit exceeded: a value of 1,002,000"),
    "join growth": ("{{ range(100000) | map('string') | list | join('x' * 100) }}", "limit exceeded: a value of"),
    "map of a growing filter": (
        "{{ range(100000) | map('center', 1000000) | list | length }}",
        "limit exceeded: the template builds more than 20,000,000 characters in all",
    ),
    "rendered text": ("{{ 'a' * 40000 }}", f"limit exceeded: the rendered text is longer than {MAX_TEXT:,} characters"),
    "rendered by a loop": (
        "{% for i in range(100000) %}some text {% endfor %}",
        f"the rendered text is longer than {MAX_TEXT:,} characters",
    ),
    "division by zero": ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
    "float overflow": ("{{ 2.0 ** 100000 }}", "OverflowError"),
    "recursion": ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "too deeply nested"),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_template_bomb_is_checked_at_once_and_fails_its_rule_when_rendered(name: str) -> None:
    text, reason = BOMBS[name]
    # given a rule whose comment is the bomb / when checked / then it loads (nothing is computed at compile time)
    assert (
        problems(f"rules:\n  - id: r\n    on: ticket.updated\n    then:\n      - comment: {{text: {text!r}}}\n") == []
    )
    # when it is evaluated / then the rule failed, naming the template's place and the reason, and planned nothing
    verdict = _verdict(text)
    assert verdict.status == "failed" and verdict.actions == ()
    assert verdict.reason.startswith(f"failed: then[1].comment.text: template {text!r}: ")
    assert reason in verdict.reason


def test_text_up_to_the_limit_renders() -> None:
    template = "{{ 'a' * %d }}" % MAX_TEXT  # noqa: UP031 - the braces are Jinja's
    assert _verdict(template).actions[1].params["text"] == "a" * MAX_TEXT


def test_ordinary_arithmetic_and_loops_still_work() -> None:
    text = (
        "{{ 2 ** 10 }} {{ 'ab' * 3 }} {{ [1, 2] + [3] }} {{ '%05.1f' % 2.5 }} {{ '{:>4}'.format(7) }} "
        "{% for i in range(3) %}{{ i ~ '.' }}{% endfor %} {{ ticket.subject.replace('Order', 'Cmd') }}"
    )
    assert _verdict(text).actions[1].params["text"] == (
        "1024 ababab [1, 2, 3] 002.5    7 0.1.2. Cmd 48213 has not shipped yet"
    )


def test_constant_expressions_are_not_folded_at_compile_time() -> None:
    # given the power bomb / when compiled / then it is a template still to run, not a folded constant
    template = compile_template("{{ 9**(9**9) }}", where="then[0].comment.text")
    assert not template.is_constant and template.where == "then[0].comment.text"


def test_a_failed_template_does_not_touch_the_other_rules() -> None:
    from tests.unit.engine.helpers import rules

    rule_set = rules("""\
        rules:
          - id: broken
            on: ticket.updated
            then:
              - comment: {text: "{{ 1 / 0 }}"}
          - id: healthy
            on: ticket.updated
            then:
              - update: {priority: High}
        """)
    evaluation = run(rule_set)
    assert evaluation.verdict("broken").status == "failed"
    assert evaluation.verdict("healthy").status == "fired"
