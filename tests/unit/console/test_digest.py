"""The console's digest of the audit stream (pure): per-minute rates, each rule's figures over 24 h, the ticket
index and its trimming, the day's SLA levels, latencies; and the inline charts and the POST checks."""

from __future__ import annotations

from types import SimpleNamespace

from worker.app.console.access import Access
from worker.app.console.charts import bars
from worker.app.console.digest import DAY_MINUTES, MINUTE_MS, PER_TICKET_MAX, Digest

NOW = 1_800_000_030_000  # half a minute into a minute


def evaluation(rule: str, status: str, event: str = "ev-1", ticket: str = "7", reason: str = "") -> dict:
    return {
        "entry": "evaluation",
        "event": event,
        "ticket": ticket,
        "rule": rule,
        "verdict": {"status": status, "reason": reason},
    }


def test_rates_and_rule_figures_over_the_last_day():
    digest = Digest()
    old = NOW - (DAY_MINUTES + 5) * MINUTE_MS
    digest.add(f"{old}-0", evaluation("a", "fired", "ev-0"))
    digest.add(f"{NOW - 2 * MINUTE_MS}-0", evaluation("a", "fired", "ev-1"))
    digest.add(f"{NOW - 2 * MINUTE_MS}-1", evaluation("b", "not_matched", "ev-1"))
    digest.add(f"{NOW - MINUTE_MS}-0", evaluation("b", "failed", "ev-2", reason="failed: boom"))
    digest.add(
        f"{NOW}-0",
        {
            "entry": "action",
            "rule": "a",
            "ticket": "7",
            "type": "comment",
            "outcome": "failed",
            "detail": "INVALID_DATA",
        },
    )
    figures = digest.rule_figures(NOW)
    assert (figures["a"].fires, figures["a"].failures) == (1, 1)  # the fire a day ago is out of the window
    assert figures["a"].last_error == "comment: INVALID_DATA" and figures["a"].last_fired_ms == NOW - 2 * MINUTE_MS
    assert (figures["b"].fires, figures["b"].failures, figures["b"].last_error) == (0, 1, "failed: boom")
    events = digest.per_minute("events", NOW, minutes=3)
    assert events == [1, 1, 0]  # one event's two verdicts count once
    assert digest.per_minute("actions", NOW, minutes=3) == [0, 0, 1]
    digest.prune(NOW)
    assert min(digest.minutes) >= NOW // MINUTE_MS - DAY_MINUTES


def test_ticket_index_is_capped_and_forgets_what_the_stream_trimmed():
    digest = Digest()
    for index in range(PER_TICKET_MAX + 10):
        digest.add(f"{NOW + index}-0", evaluation("a", "not_matched", f"ev-{index}", ticket="7"))
    digest.add(f"{NOW + 5000}-0", evaluation("a", "fired", "ev-x", ticket="8"))
    assert len(digest.ticket_entries("7")) == PER_TICKET_MAX
    digest.forget_before(f"{NOW + PER_TICKET_MAX + 5}-0")
    assert len(digest.ticket_entries("7")) == 5 and digest.ticket_entries("8") == [f"{NOW + 5000}-0"]
    digest.forget_before(f"{NOW + 6000}-0")
    assert "7" not in digest.by_ticket and "8" not in digest.by_ticket


def test_sla_levels_and_latency():
    digest = Digest()
    digest.add(
        f"{NOW - 10}-0",
        {"entry": "sla", "rule": "sla:p", "ticket": "7", "policy": "p", "metric": "m", "level": 1, "backlog": False},
    )
    digest.add(
        f"{NOW - 5}-0",
        {
            "entry": "sla",
            "rule": "sla:p",
            "ticket": "7",
            "policy": "p",
            "metric": "m",
            "level": 2,
            "error": "no such agent",
        },
    )
    assert [level["level"] for level in digest.sla_since(NOW - 60_000)] == [1, 2]
    assert digest.rule_figures(NOW)["sla:p"].fires == 1 and digest.rule_figures(NOW)["sla:p"].failures == 1
    for seconds in (1.0, 2.0, 3.0, 10.0):
        digest.add_latency(NOW - 1000, seconds)
    digest.add_latency(NOW - 2 * 3_600_000, 99.0)  # over an hour ago
    latency = digest.latency(NOW)
    assert (latency["count"], latency["p50"], latency["p95"]) == (4, 3.0, 10.0)
    assert len(latency["series"]) == 60 and latency["series"][-1] == 2.5


def test_bars_are_inline_svg_with_escaped_labels():
    chart = str(bars([0, 1, 4], "events <per> minute"))
    assert chart.startswith("<svg") and chart.count("<rect") == 3 and "&lt;per&gt;" in chart
    assert 'height="60.0"' in chart  # the tallest fills the chart


def request(headers: dict[str, str], host: str = "127.0.0.1:9465") -> SimpleNamespace:
    return SimpleNamespace(headers={"host": host, **headers}, url=SimpleNamespace(scheme="http"))


def test_a_post_needs_the_forms_token_and_the_consoles_own_origin():
    access = Access()
    token = access.csrf_token()
    assert access.same_site_post(request({}), token) is None  # a client that sends neither header (curl)
    assert (
        access.same_site_post(request({"origin": "http://127.0.0.1:9465", "sec-fetch-site": "same-origin"}), token)
        is None
    )
    assert "token" in access.same_site_post(request({}), "forged")
    assert "cross-site" in access.same_site_post(request({"sec-fetch-site": "cross-site"}), token)
    assert "origin" in access.same_site_post(request({"origin": "http://evil.example"}), token)
    assert Access().csrf_token() != token  # each process has its own secret
