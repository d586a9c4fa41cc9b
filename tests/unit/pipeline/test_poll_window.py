"""Where a poll's window starts: at what the search index has shown, bounded (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from worker.ingest.window import index_lag, window_start

NOW = datetime(2026, 11, 28, 10, tzinfo=timezone.utc)
OVERLAP = timedelta(seconds=30)
MAX_LAG = timedelta(minutes=15)


def test_without_a_shown_mark_the_window_starts_an_overlap_before_the_cursor():
    assert window_start(NOW, None, OVERLAP, MAX_LAG) == NOW - OVERLAP


def test_a_lagging_index_keeps_the_window_at_the_newest_change_it_showed():
    shown = NOW - timedelta(seconds=45)
    assert window_start(NOW, shown, OVERLAP, MAX_LAG) == shown - OVERLAP


def test_an_idle_desk_reads_back_at_most_the_lag_bound():
    assert window_start(NOW, NOW - timedelta(days=3), OVERLAP, MAX_LAG) == NOW - MAX_LAG - OVERLAP


def test_a_desk_clock_ahead_of_ours_does_not_push_the_window_past_the_cursor():
    assert window_start(NOW, NOW + timedelta(minutes=5), OVERLAP, MAX_LAG) == NOW - OVERLAP


def test_index_lag_is_how_long_before_the_previous_poll_a_change_first_seen_now_was_made():
    assert index_lag(NOW, NOW - timedelta(seconds=40)) == timedelta(seconds=40)
    assert index_lag(NOW, NOW + timedelta(seconds=1)) == timedelta()


def test_a_lag_seen_lately_widens_the_window_past_a_shown_mark_that_jumped_ahead():
    # given an index that showed changes 12 s late and now shows a newer change at once (the lag shrank), so the
    # shown mark is at the cursor while a change made 5 s before it is still hidden
    recent = timedelta(seconds=12)
    # then the window reaches back twice the lateness seen, not just the overlap
    assert window_start(NOW, NOW, timedelta(seconds=5), MAX_LAG, recent) == NOW - 2 * recent - timedelta(seconds=5)


def test_the_widening_is_bounded_by_the_lag_bound():
    assert window_start(NOW, NOW, OVERLAP, MAX_LAG, timedelta(hours=2)) == NOW - MAX_LAG - OVERLAP
