"""Templates: sandboxed Jinja with StrictUndefined, compiled at load; helpers mention, now, durations, URLs."""

from __future__ import annotations

import pytest

from tests.unit.engine.helpers import JADE, one_rule, run, ticket
from worker.engine.templates import compile_template


def _comment(text: str, **kwargs):
    rule_set = one_rule(then=f"- comment: {{text: {text!r}}}")
    evaluation = run(rule_set, **kwargs)
    verdict = evaluation.verdict("r")
    return verdict.actions[0].params["text"] if verdict.status == "fired" else verdict


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("#{{ ticket.ticketNumber }} from {{ ticket.contact.account.accountName }}", "#1042 from Globex"),
        ("{{ ticket.customFields.ModelName }}", "X1 Pro"),
        ("[{{ ticket.assigneeId }}]", "[]"),  # null renders as nothing
        ("{{ ticket_url }}", "https://desk.zoho.com/support/zylkercorp/ShowHomePage.do#Cases/dv/1892000000143237"),
        ("{{ now.isoformat() }}", "2026-12-01T10:00:00+00:00"),
        ("{{ desk_time(now + duration('4h')) }}", "2026-12-01T14:00:00.000Z"),
        ("{{ format_duration(duration('90m')) }}", "1h30m"),
        ("{{ event.kind }} {{ event.ticket_id }} {{ rule.id }}", "ticket.updated 1892000000143237 r"),
        ("{{ previous.priority | default('none') }}", "none"),
        ("{{ ticket.subject | upper }}", "ORDER 48213 HAS NOT SHIPPED YET"),
        ("{ not jinja }", "{ not jinja }"),
    ],
)
def test_templates_render_the_ticket_and_the_helpers(text: str, rendered: str) -> None:
    assert _comment(text) == rendered


def test_previous_is_the_ticket_before_the_change() -> None:
    assert (
        _comment(
            "{{ previous.priority }} -> {{ ticket.priority }}",
            the_ticket=ticket(priority="High"),
            previous=ticket(priority="Low"),
        )
        == "Low -> High"
    )


@pytest.mark.parametrize(
    ("agent", "fields"),
    [
        ("ticket.assignee", {"assignee": {"id": "9", "email": "x@y.z", "zuid": "555"}}),  # zuid from the embed
        ("ticket.assignee", {"assignee": {"id": JADE, "email": "jade.tywin@zylkercorp.com"}}),  # looked up
        (f"'{JADE}'", {}),
        ("'Jade.Tywin@ZylkerCorp.com'", {}),
        ("ticket.assigneeId", {"assigneeId": JADE}),
    ],
)
def test_mention_writes_the_desks_mention_markup(agent: str, fields: dict) -> None:
    expected = "zsu[@user:555]zsu" if "555" in str(fields) else "zsu[@user:10657727]zsu"
    assert _comment(f"{{{{ mention({agent}) }}}} please look", the_ticket=ticket(**fields)) == expected + " please look"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{{ mention('nobody@zylkercorp.com') }}", "mention(): no agent 'nobody@zylkercorp.com' in the directory"),
        (
            "{{ mention('steve.waugh@zylkercorp.com') }}",
            "mention(): agent 'steve.waugh@zylkercorp.com' has no zuid (not confirmed yet)",
        ),
        ("{{ mention(ticket.assignee) }}", "mention(): no agent given (is the ticket assigned?)"),
        ("{{ ticket.nosuchfield }}", "'dict object' has no attribute 'nosuchfield'"),
        ("{{ ticket.contact.nosuch.deeper }}", "has no attribute 'nosuch'"),
        ("{{ ''.__class__.__mro__ }}", "__class__"),
        ("{{ duration('soon') }}", "invalid duration 'soon'"),
    ],
)
def test_a_template_that_fails_makes_a_failed_verdict_not_a_crash(text: str, reason: str) -> None:
    # given a template that cannot render for this ticket / when evaluated / then the rule failed, saying why
    verdict = _comment(text)
    assert verdict.status == "failed" and verdict.matched and verdict.actions == ()
    assert verdict.reason.startswith("failed: ")
    assert reason in verdict.reason.replace("the mapping", "'dict object'")


def test_templates_are_compiled_at_load_and_constants_are_kept_as_text() -> None:
    assert compile_template("plain text").is_constant
    assert not compile_template("{{ ticket.id }}").is_constant
    with pytest.raises(ValueError, match="unknown template variable 'tickt'"):
        compile_template("line one\n{{ tickt.id }}")
