"""Control bodies are typed and ranged, and the wrong answers the faults give are wrong in the named way."""

from __future__ import annotations

import argparse
import random

import pytest

from sandbox.control_bodies import BadControl, ConfigBody, FaultsBody, WritesQuery, parse_body, parse_query
from sandbox.faults import Faults, corrupt
from sandbox.server import control_token, is_loopback


@pytest.mark.parametrize(
    "raw, field",
    [
        (b'{"errorRate": "abc"}', "errorRate"),
        (b'{"errorRate": 1.5}', "errorRate"),
        (b'{"latencyMs": -1}', "latencyMs"),
        (b'{"latencyMs": 1e12}', "latencyMs"),
        (b'{"writeDelayMs": "5"}', "writeDelayMs"),
        (b'{"wrongAnswerModes": ["garbled"]}', "wrongAnswerModes.0"),
        (b'{"accountsDown": "sometimes"}', "accountsDown"),
        (b'{"colour": "red"}', "colour"),
    ],
)
def test_a_bad_fault_body_names_the_field(raw, field):
    with pytest.raises(BadControl) as refused:
        parse_body(FaultsBody, raw)
    assert str(refused.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    "raw", [b'{"concurrencyLimit": -3}', b'{"dailyCredits": 0}', b'{"tokenTtlS": "x"}', b"[1]", b"{bad"]
)
def test_a_bad_config_body_is_refused(raw):
    with pytest.raises(BadControl):
        parse_body(ConfigBody, raw)


def test_an_empty_body_is_no_faults_and_a_good_one_maps_to_faults():
    assert parse_body(FaultsBody, b"").faults() == Faults()
    faults = parse_body(FaultsBody, b'{"errorRate": 1, "writeDelayMs": 2500, "pathContains": "/comments"}').faults()
    assert (faults.error_rate, faults.write_delay_ms, faults.path_contains) == (1.0, 2500, "/comments")


def test_the_write_log_query_takes_a_count_from_text():
    assert parse_query(WritesQuery, {"since": "12"}).since == 12
    for bad in ("abc", "-1"):
        with pytest.raises(BadControl, match="since"):
            parse_query(WritesQuery, {"since": bad})


LISTING = {"data": [{"id": "1", "modifiedTime": "t1"}, {"id": "2", "modifiedTime": "t2"}], "count": "2"}


def test_each_wrong_answer_is_wrong_in_its_own_way():
    rng = random.Random(3)
    assert corrupt("errorBody", LISTING, rng)["errorCode"] == "INTERNAL_SERVER_ERROR"
    assert corrupt("null", LISTING, rng) is None
    assert corrupt("nonList", LISTING, rng)["data"] == {"id": "1", "modifiedTime": "t1"}
    broken = corrupt("missingField", LISTING, rng)["data"]
    assert len(broken) == 2 and sum(len(item) for item in broken) == 3
    assert corrupt("missingField", None, rng) is None  # nothing to break: null instead


def test_a_write_only_gets_wrong_answers_that_leave_it_unapplied():
    faults = Faults(wrong_answer_rate=1.0, wrong_answer_modes=("missingField", "nonList"))
    assert faults.wrong_answer("1", "/api/v1/tickets/1/comments", write=True) is None
    assert faults.wrong_answer("1", "/api/v1/tickets/search", write=False) in ("missingField", "nonList")


def test_faults_apply_to_their_org_and_path_only():
    faults = Faults(org_id="1", path_contains="/search")
    assert faults.applies_to("1", "/api/v1/tickets/search")
    assert not faults.applies_to("2", "/api/v1/tickets/search") and not faults.applies_to("1", "/api/v1/tickets")


def test_a_control_token_is_made_up_when_the_sandbox_is_reachable_from_elsewhere():
    def args(host: str, token: str | None = None) -> argparse.Namespace:
        return argparse.Namespace(host=host, control_token=token)

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("desk.example")
    assert control_token(args("127.0.0.1")) is None
    assert control_token(args("127.0.0.1", "given")) == "given"
    assert len(control_token(args("0.0.0.0")) or "") >= 24
