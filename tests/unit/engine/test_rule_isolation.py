"""One rule's failure is that rule's alone: whatever its conditions, plan or templates raise, it is `failed` for the
event and every other rule is evaluated and acts as usual."""

from __future__ import annotations

from tests.unit.engine.helpers import rules, run

RULES = """\
    rules:
      - id: first
        on: ticket.updated
        then:
          - update: {priority: High}
      - id: broken
        on: ticket.updated
        if: {field: status, equals: Open}
        then:
          - comment: {text: "Hello {{ ticket.contact.firstName }}"}
      - id: last
        on: ticket.updated
        then:
          - comment: {text: "seen"}
    """


def _broken():
    rule_set = rules(RULES)
    return rule_set, next(rule for rule in rule_set.rules if rule.id == "broken")


def _assert_only_broken_failed(rule_set, reason: str) -> None:
    evaluation = run(rule_set)
    assert [(verdict.rule, verdict.status) for verdict in evaluation.verdicts] == [
        ("first", "fired"),
        ("broken", "failed"),
        ("last", "fired"),
    ]
    assert evaluation.verdict("broken").reason == reason
    assert [action.rule for action in evaluation.actions] == ["first", "last"]


def test_a_rule_whose_conditions_raise_fails_alone() -> None:
    # given a rule whose compiled condition raises (a bug, or a value no one foresaw)
    rule_set, broken = _broken()

    def raising(ctx):
        raise TypeError("'<' not supported between instances of 'str' and 'dict'")

    broken.check = raising
    # when the event is evaluated / then that rule failed with the cause, the others fired
    _assert_only_broken_failed(
        rule_set, "failed: conditions raised TypeError: '<' not supported between instances of 'str' and 'dict'"
    )


def test_a_rule_whose_plan_raises_unexpectedly_fails_alone() -> None:
    rule_set, broken = _broken()

    def raising(ctx):
        raise KeyError("departmentId")

    broken.actions[0].plan = raising
    _assert_only_broken_failed(rule_set, "failed: planning raised KeyError: 'departmentId'")


def test_a_rule_whose_template_divides_by_zero_fails_alone() -> None:
    rule_set = rules(RULES.replace("Hello {{ ticket.contact.firstName }}", "{{ 1 // 0 }}"))
    _assert_only_broken_failed(
        rule_set,
        "failed: then[0].comment.text: template '{{ 1 // 0 }}': ZeroDivisionError: integer division or modulo by zero",
    )


def test_a_failed_rule_that_would_stop_does_not_stop_the_others() -> None:
    rule_set = rules(
        RULES.replace(
            "        if: {field: status, equals: Open}\n",
            "        if: {field: status, equals: Open}\n        stop: true\n",
        ).replace("Hello {{ ticket.contact.firstName }}", "{{ 1 / 0 }}")
    )
    assert run(rule_set).verdict("last").status == "fired"
