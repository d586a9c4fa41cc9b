"""Expectations of deskpilot's own writes, against a real redis-server: precise, and withdrawn when a write surely
failed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from worker.actions.enforcer import NOT_APPLIED
from worker.desk.errors import InvalidData, OutcomeUnknown, ThrottledByDesk
from worker.store.keys import Keys, server_now
from worker.store.own_writes import OwnWrites

ORG, TICKET = "1", "42"
CHANGE = {"priority": ("Low", "High")}


@pytest.fixture
def own(redis_server) -> OwnWrites:
    return OwnWrites(redis_server.client(), Keys())


def test_a_change_made_before_the_attempt_is_not_ours(own):
    # given deskpilot about to set priority High
    own.expect_fields(ORG, TICKET, {"priority": "High"}, "act-1")
    # when the poller sees priority set to High by a change older than the attempt
    before = server_now(own.redis) - timedelta(minutes=1)
    # then it is a person's, and the expectation still waits for deskpilot's own change
    assert own.consume_fields(ORG, TICKET, CHANGE, before) == set()
    assert own.consume_fields(ORG, TICKET, CHANGE, server_now(own.redis)) == {"priority"}


def write_leaves(own: OwnWrites) -> None:
    """What the transport's sending hook does through actions/settle.py just before a write leaves."""
    pipe = own.redis.pipeline(transaction=False)
    own.send_unsent_in(pipe)
    pipe.execute()


@pytest.mark.parametrize("sent", [True, False], ids=["refused", "never sent"])
@pytest.mark.parametrize("error", [InvalidData("bad field"), ThrottledByDesk("slow down", retry_after=1.0)])
def test_a_write_that_surely_did_not_land_expects_nothing(own, error, sent):
    # given an attempt whose write the Desk refused (or that was never sent)
    with pytest.raises(type(error)), own.attempt("act-1", NOT_APPLIED):
        own.expect_fields(ORG, TICKET, {"priority": "High"}, "act-1")
        own.expect_comment(ORG, TICKET, "act-1", "[deskpilot:r:act-1]")
        if sent:
            write_leaves(own)
        raise error
    # then a person's later change to that value, and a person's comment, are theirs
    assert own.consume_fields(ORG, TICKET, CHANGE, server_now(own.redis)) == set()
    assert own.pending_comments(ORG, TICKET) == {}


def test_a_write_whose_outcome_is_unknown_keeps_its_expectation(own):
    with pytest.raises(OutcomeUnknown), own.attempt("act-1", NOT_APPLIED):
        own.expect_comment(ORG, TICKET, "act-1", "[deskpilot:r:act-1]")
        write_leaves(own)
        raise OutcomeUnknown("timed out")
    assert own.pending_comments(ORG, TICKET) == {"act-1": "[deskpilot:r:act-1]"}


def test_an_expectation_waits_in_its_attempt_until_the_write_leaves(own):
    # given an attempt that expects a comment
    with own.attempt("act-1", NOT_APPLIED):
        own.expect_comment(ORG, TICKET, "act-1", "[deskpilot:r:act-1]")
        # then nothing is in Redis before its write leaves (one round trip then, with the attempt's count)
        assert own.pending_comments(ORG, TICKET) == {}
        write_leaves(own)
        assert own.pending_comments(ORG, TICKET) == {"act-1": "[deskpilot:r:act-1]"}


def test_an_attempt_that_sent_no_write_leaves_no_expectation(own):
    # given an attempt that expected a comment, then found nothing to write (or wrote nothing to the Desk)
    with own.attempt("act-1", NOT_APPLIED):
        own.expect_comment(ORG, TICKET, "act-1", "[deskpilot:r:act-1]")
    # then no expectation is left to lapse: nothing of it can land
    assert own.pending_comments(ORG, TICKET) == {}


def test_withdrawing_leaves_a_later_actions_expectation(own):
    # given two actions expecting the same field, the later one last
    own.expect_fields(ORG, TICKET, {"priority": "High"}, "act-1")
    own.expect_fields(ORG, TICKET, {"priority": "High"}, "act-2")
    # when the first withdraws, then the second's expectation stands
    own.withdraw("act-1")
    assert own.consume_fields(ORG, TICKET, CHANGE, server_now(own.redis)) == {"priority"}
