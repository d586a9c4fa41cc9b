"""The scheduler loop: a traceback for surprises, one line for Redis being away, a pause that grows (pure)."""

from __future__ import annotations

import redis
from structlog.testing import capture_logs

from worker.app.round_loop import MAX_BACKOFF_S, RoundLoop, pause_after


def rounds(*outcomes: Exception | None):
    pending = list(outcomes)

    def run_round() -> None:
        outcome = pending.pop(0)
        if outcome is not None:
            raise outcome

    return run_round


def test_failures_in_a_row_double_the_pause_up_to_the_cap_and_a_success_resets_it():
    assert [pause_after(n, 0.25) for n in range(4)] == [0.25, 0.5, 1.0, 2.0]
    assert pause_after(20, 0.25) == MAX_BACKOFF_S


def test_an_unexpected_error_is_logged_with_its_traceback_and_redis_away_as_one_line():
    # given rounds that fail with a bug, then with Redis away, then succeed
    pauses: list[float] = []
    loop = RoundLoop(
        rounds(KeyError("job"), redis.ConnectionError("refused"), None),
        lambda seconds: pauses.append(seconds) or len(pauses) == 3,
    )
    # when the loop runs until its third pause
    with capture_logs() as logs:
        loop.run()
    # then the pause grew and came back, the bug carries its traceback, Redis being away does not
    assert pauses == [0.5, 1.0, 0.25]
    bug, away = logs
    assert bug["event"] == "scheduler.round_error" and bug["exc_info"] is True
    assert (
        away["event"] == "scheduler.round_failed" and "exc_info" not in away and "DESKPILOT_REDIS_URL" in away["hint"]
    )
