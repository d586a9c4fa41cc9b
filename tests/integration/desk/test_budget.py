"""The shared rate budget against a real redis-server: leases, crash safety, the shared pause, credits, reserve."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import replace

import pytest
import structlog.testing

from tests.integration.desk.conftest import run_in_threads
from worker.desk.budget import MAX_PAUSE_S, Budget, Priority
from worker.desk.errors import BudgetWaitTimeout, CreditsExhausted
from worker.store.keys import server_ms, step_clock, step_clock_ms

ORG = "20240001"


def redis_ms(client) -> int:
    seconds, micros = client.time()
    return int(seconds) * 1000 + int(micros) // 1000


def make_budget(redis_server, **overrides) -> Budget:
    options = dict(max_concurrency=3, daily_credits=1000, reserve_share=0.1, lease_ttl_s=5.0, throttle_backoff_s=0.2)
    options.update(overrides)
    return Budget(redis_server.client(), **options)


def test_given_all_leases_taken_when_another_call_waits_then_it_times_out_with_a_clear_error(redis_server):
    budget = make_budget(redis_server)
    leases = [budget.acquire(ORG, timeout_s=1) for _ in range(3)]
    started = time.monotonic()
    with pytest.raises(BudgetWaitTimeout) as raised:
        budget.acquire(ORG, timeout_s=0.3, method="GET", path="/tickets")
    assert 0.25 <= time.monotonic() - started < 1.5
    assert raised.value.path == "/tickets" and "3 concurrent-call leases" in str(raised.value)
    budget.release(leases[0])
    assert budget.acquire(ORG, timeout_s=0.3)


def test_given_a_waiter_when_a_lease_is_released_then_the_waiter_gets_it_promptly(redis_server):
    budget = make_budget(redis_server, max_concurrency=1)
    lease = budget.acquire(ORG, timeout_s=1)
    got = []

    def wait():
        got.append(budget.acquire(ORG, timeout_s=3))
        got.append(time.monotonic())

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.2)
    released_at = time.monotonic()
    budget.release(lease)
    waiter.join(5)
    assert len(got) == 2 and got[1] - released_at < 0.2


def test_given_a_holder_that_dies_then_its_lease_expires_and_the_slot_heals(redis_server):
    budget = make_budget(
        redis_server, max_concurrency=2, lease_ttl_s=3.0
    )  # long enough to look before expiry on a busy machine
    # A separate process takes both leases and is killed without releasing them.
    script = (
        "import sys, time, redis\n"
        "from worker.desk.budget import Budget\n"
        f"b = Budget(redis.Redis.from_url(sys.argv[1]), max_concurrency=2, daily_credits=1000, reserve_share=0.1,"
        " lease_ttl_s=3.0, throttle_backoff_s=0.2)\n"
        f"b.acquire('{ORG}', timeout_s=1); b.acquire('{ORG}', timeout_s=1)\n"
        "print('held', flush=True); time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, redis_server.url], stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline().strip() == b"held"
        child.kill()
        child.wait(10)
        client = redis_server.client()
        last_expiry = max(score for _, score in client.zrange(budget.keys(ORG)["leases"], 0, -1, withscores=True))
        with pytest.raises(BudgetWaitTimeout):
            budget.acquire(ORG, timeout_s=0.1)
        lease = budget.acquire(ORG, timeout_s=10)  # succeeds once the first of the dead holder's leases expires
        time.sleep(max(last_expiry - redis_ms(client), 0) / 1000)  # the second may expire a moment later
        assert budget.snapshot(ORG)["leases"] == 1
        budget.release(lease)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)


def test_given_many_threads_then_never_more_than_the_limit_hold_a_lease(redis_server):
    budget = make_budget(redis_server, max_concurrency=3)
    holding = 0
    peak = 0
    lock = threading.Lock()

    def worker():
        nonlocal holding, peak
        for _ in range(10):
            lease = budget.acquire(ORG, timeout_s=10)
            with lock:
                holding += 1
                peak = max(peak, holding)
            time.sleep(0.005)
            with lock:
                holding -= 1
            budget.release(lease)

    run_in_threads(worker, 12, 30)
    assert peak == 3
    assert budget.snapshot(ORG)["leases"] == 0


def test_given_a_429_pause_then_every_caller_waits_until_it_ends(redis_server):
    budget = make_budget(redis_server)
    other_process_view = make_budget(redis_server)  # another process's Budget, same Redis
    budget.pause(ORG, 0.4)
    started = time.monotonic()
    lease = other_process_view.acquire(ORG, timeout_s=2)
    assert 0.35 <= time.monotonic() - started < 1.0
    other_process_view.release(lease)
    # Other orgs are not paused.
    budget.pause(ORG, 5)
    assert budget.acquire("other-org", timeout_s=0.1)


def test_given_a_pause_longer_than_the_wait_then_the_call_fails_at_once_with_retry_after(redis_server):
    budget = make_budget(redis_server)
    budget.pause(ORG, 30)
    started = time.monotonic()
    with pytest.raises(BudgetWaitTimeout) as raised:
        budget.acquire(ORG, timeout_s=1)
    assert time.monotonic() - started < 0.2
    assert 29 < raised.value.retry_after <= 30


def test_given_429s_without_retry_after_then_the_pause_doubles(redis_server):
    budget = make_budget(redis_server, throttle_backoff_s=0.2)
    assert budget.pause(ORG, None) == pytest.approx(0.2, abs=0.01)
    assert budget.pause(ORG, None) == pytest.approx(0.4, abs=0.05)
    assert budget.pause(ORG, None) == pytest.approx(0.8, abs=0.1)


def test_given_the_desk_reports_credits_then_the_count_follows_it_and_the_reserve_is_kept(redis_server):
    budget = make_budget(redis_server, daily_credits=1000, reserve_share=0.1)  # reserve: 100 credits
    lease = budget.acquire(ORG, timeout_s=1)
    assert budget.snapshot(ORG)["remaining"] == 999  # one credit taken up front (an estimate)
    budget.release(lease, remaining=1000)  # the Desk's figure: the budget is 1000 indeed
    budget.release(budget.acquire(ORG, timeout_s=1), remaining=102)
    assert budget.snapshot(ORG)["remaining"] == 102 and budget.snapshot(ORG)["source"] == "desk"
    budget.release(budget.acquire(ORG, timeout_s=1))  # 101
    budget.release(budget.acquire(ORG, timeout_s=1))  # 100: the reserve starts here
    with pytest.raises(CreditsExhausted) as raised:
        budget.acquire(ORG, timeout_s=1, priority=Priority.NORMAL)
    assert raised.value.error_code == "CREDITS_RESERVED" and raised.value.retry_after > 0
    high = budget.acquire(ORG, timeout_s=1, priority=Priority.HIGH)  # escalations may spend the reserve
    budget.release(high, remaining=0)
    with pytest.raises(CreditsExhausted) as raised:
        budget.acquire(ORG, timeout_s=1, priority=Priority.HIGH)
    assert raised.value.error_code == "CREDITS_EXHAUSTED"


def test_the_credit_day_is_the_redis_server_day(redis_server):
    client = redis_server.client()
    budget = make_budget(redis_server)
    budget.release(budget.acquire(ORG, timeout_s=1))
    seconds, _ = client.time()
    assert client.hget(budget.keys(ORG)["credits"], f"remaining:{seconds // 86400}") == "999"


def test_given_credit_figures_from_the_desk_then_the_credits_expire_at_the_end_of_tomorrow(redis_server):
    # given the Desk's figures reported on a new day's record, and again the same day
    client = redis_server.client()
    budget = make_budget(redis_server)
    client.hset(budget.keys(ORG)["credits"], mapping={"remaining:1": 10, "source:1": "desk"})  # an old day, no expiry
    budget.release(budget.acquire(ORG, timeout_s=1), remaining=900)
    budget.release(budget.acquire(ORG, timeout_s=1), remaining=899)
    # then the record is today's alone and expires when tomorrow ends (Redis time)
    seconds, _ = client.time()
    day = seconds // 86400
    assert client.hgetall(budget.keys(ORG)["credits"]) == {
        f"remaining:{day}": "899",
        f"peak:{day}": "900",
        f"source:{day}": "desk",
    }
    assert client.pexpiretime(budget.keys(ORG)["credits"]) == (day + 2) * 86_400_000


def test_given_a_desk_budget_smaller_than_the_setting_then_the_reserve_follows_the_desks_figure(redis_server):
    # Given the setting's 50,000 credits (reserve 5,000) and an org whose edition has 5,000 a day
    budget = make_budget(redis_server, daily_credits=50_000, reserve_share=0.1)
    budget.release(budget.acquire(ORG, timeout_s=1), remaining=4_999)
    # When a normal call asks for a lease, then it gets one: the reserve is 10% of 5,000
    budget.release(budget.acquire(ORG, timeout_s=1), remaining=4_998)
    assert budget.snapshot(ORG)["reserve"] == 499
    budget.release(budget.acquire(ORG, timeout_s=1), remaining=499)
    with pytest.raises(CreditsExhausted) as raised:
        budget.acquire(ORG, timeout_s=1)
    assert raised.value.error_code == "CREDITS_RESERVED"


def test_given_a_retry_after_of_years_then_the_pause_is_capped_with_a_warning(redis_server):
    budget = make_budget(redis_server)
    with structlog.testing.capture_logs() as logs:
        pause_s = budget.pause(ORG, 999_999_999)
    assert pause_s == MAX_PAUSE_S
    client = redis_server.client()
    assert int(client.hget(budget.keys(ORG)["credits"], "paused_until")) - redis_ms(client) <= MAX_PAUSE_S * 1000
    assert [entry["retry_after_s"] for entry in logs if entry["event"] == "desk.budget.retry_after_capped"] == [
        999_999_999
    ]


def test_given_a_giant_pause_left_in_redis_then_acquire_cuts_it_to_the_cap(redis_server):
    client, budget = redis_server.client(), make_budget(redis_server)
    credits = budget.keys(ORG)["credits"]
    client.hset(credits, "paused_until", redis_ms(client) + 999_999_999_000)  # e.g. another version's, uncapped
    with pytest.raises(BudgetWaitTimeout) as raised:
        budget.acquire(ORG, timeout_s=0.1)
    assert raised.value.retry_after <= MAX_PAUSE_S
    assert int(client.hget(credits, "paused_until")) - redis_ms(client) <= MAX_PAUSE_S * 1000


def _commands(client) -> int:
    """Every command the server ran, those a script ran included; minus 1 for this INFO."""
    return sum(int(value["calls"]) for value in client.info("commandstats").values()) - 1


def test_a_call_costs_two_scripts_and_few_commands_inside(redis_server):
    # given a warm budget (scripts loaded, today's credit record written)
    client = redis_server.client()
    budget = make_budget(redis_server)
    budget.release(budget.acquire(ORG, timeout_s=1), remaining=900)
    # when one call takes and returns a lease with the Desk's figure
    before = _commands(client)
    lease = budget.acquire(ORG, timeout_s=1)
    acquired = _commands(client)
    budget.release(lease, remaining=899)
    released = _commands(client)
    # then acquire: EVALSHA, TIME, HMGET (pause and credits), ZCARD, HINCRBY, ZADD (no PTTL of a pause key, no
    # PEXPIRE of the leases); release: EVALSHA, ZREM, HSET (the lease carries the day and the peak, nothing read)
    assert (acquired - before - 1, released - acquired - 1) == (6, 3)  # - 1: the INFO of the count before
    assert lease.day == int(client.time()[0]) // 86400 and lease.peak == 900
    assert budget.snapshot(ORG)["remaining"] == 899 and budget.snapshot(ORG)["budget"] == 900


def test_a_call_in_a_step_reads_redis_time_from_the_step_clock_not_time(redis_server):
    # given a budget whose Redis time comes from the step clock of the message its call is made in
    client = redis_server.client()
    budget = make_budget(redis_server)
    budget.clock = step_clock_ms
    budget.release(budget.acquire(ORG, timeout_s=1), remaining=900)
    with step_clock(client):
        before = _commands(client)
        lease = budget.acquire(ORG, timeout_s=1)
        acquired = _commands(client)
    # then acquire runs no TIME (EVALSHA, HMGET, ZCARD, HINCRBY, ZADD), on the same day and lease expiry
    assert acquired - before - 1 == 5
    assert lease.day == int(client.time()[0]) // 86400
    [(_, expiry)] = client.zrange(budget.keys(ORG)["leases"], 0, -1, withscores=True)
    assert abs(expiry - (server_ms(client) + budget.lease_ttl_ms)) < 1_000


def test_given_expired_leases_filling_the_set_then_acquire_reaps_them(redis_server):
    # given three leases whose holders died (expired), the limit being three
    client = redis_server.client()
    budget = make_budget(redis_server)
    client.zadd(budget.keys(ORG)["leases"], {"dead-1": 1, "dead-2": 2, "dead-3": 3})
    # when a call takes a lease, then it gets one at once and only the live lease is left
    lease = budget.acquire(ORG, timeout_s=0.5)
    assert client.zrange(budget.keys(ORG)["leases"], 0, -1) == [lease.lease_id]


def test_given_a_call_across_midnight_then_its_figure_does_not_replace_the_new_days_record(redis_server):
    # given a lease taken yesterday (Redis day) and today's record already started by a later call
    client = redis_server.client()
    budget = make_budget(redis_server)
    budget.release(budget.acquire(ORG, timeout_s=1), remaining=700)
    lease = budget.acquire(ORG, timeout_s=1)
    yesterday = replace(lease, day=lease.day - 1)
    # when it is returned with the Desk's figure, then the lease is gone and today's figures stay
    budget.release(yesterday, remaining=5)
    assert client.zcard(budget.keys(ORG)["leases"]) == 0
    assert budget.snapshot(ORG)["remaining"] == 699 and budget.snapshot(ORG)["budget"] == 700
    # and the old day's fields go with the next day's first call
    credits = budget.keys(ORG)["credits"]
    client.hdel(credits, *[f"{name}:{lease.day}" for name in ("remaining", "peak", "source")])  # today ends
    budget.release(budget.acquire(ORG, timeout_s=1))
    assert sorted(client.hkeys(credits)) == [f"remaining:{lease.day}", f"source:{lease.day}"]


def test_given_a_concurrent_higher_figure_then_the_peak_is_the_larger_of_the_leases_peak_and_its_figure(redis_server):
    # given two calls in flight before the Desk's first figure of the day
    budget = make_budget(redis_server, daily_credits=50_000)
    first, second = budget.acquire(ORG, timeout_s=1), budget.acquire(ORG, timeout_s=1)
    # when the higher figure is returned first, then the later, lower one sets the peak (documented: it may be
    # short by the calls in flight)
    budget.release(first, remaining=4_999)
    budget.release(second, remaining=4_998)
    assert budget.snapshot(ORG)["budget"] == 4_998
    # and a lease taken afterwards keeps the peak it saw when its figure is lower
    budget.release(budget.acquire(ORG, timeout_s=1), remaining=4_990)
    assert budget.snapshot(ORG)["budget"] == 4_998 and budget.snapshot(ORG)["remaining"] == 4_990


def test_given_a_pause_running_when_the_day_changes_then_acquire_keeps_it(redis_server):
    # given a pause, and a credit record of an earlier day only (the day changed during the pause)
    client, budget = redis_server.client(), make_budget(redis_server)
    credits = budget.keys(ORG)["credits"]
    budget.pause(ORG, 0.5)
    client.hset(credits, mapping={"remaining:1": 3, "source:1": "desk"})
    # when a call asks meanwhile, then it waits for the pause; the day's record starts after it
    started = time.monotonic()
    budget.release(budget.acquire(ORG, timeout_s=2))
    assert time.monotonic() - started >= 0.45
    seconds, _ = client.time()
    assert sorted(client.hkeys(credits)) == [f"remaining:{seconds // 86400}", f"source:{seconds // 86400}"]


def test_given_a_pause_on_an_org_with_no_record_then_the_hash_expires_with_the_pause(redis_server):
    client, budget = redis_server.client(), make_budget(redis_server)
    budget.pause(ORG, 30)
    assert 29_000 < client.pttl(budget.keys(ORG)["credits"]) <= 30_000
    assert 29 < budget.snapshot(ORG)["pause_s"] <= 30


def test_given_a_pause_key_left_by_the_version_before_then_it_is_ignored(redis_server):
    # given the older version's pause (a string with a TTL) and its credit fields
    client, budget = redis_server.client(), make_budget(redis_server)
    base = f"{budget.key_prefix}:budget:{ORG}"
    client.set(f"{base}:pause", 1, px=60_000)
    client.hset(f"{base}:credits", mapping={"remaining": 3, "day": int(client.time()[0]) // 86400, "peak": 5})
    # when a call asks, then it gets a lease at once and the day starts from the setting
    started = time.monotonic()
    budget.acquire(ORG, timeout_s=0.5)
    assert time.monotonic() - started < 0.2
    assert budget.snapshot(ORG)["remaining"] == 999 and not client.hexists(f"{base}:credits", "remaining")
