"""The sandbox's notify receiver (the demo's stand-in for Slack and other webhook targets): takes any delivery
without the control token and lists what arrived with the headers a receiver reads."""

from __future__ import annotations

import httpx


def test_a_delivery_is_taken_and_listed(shared_sandbox):
    with httpx.Client(base_url=shared_sandbox.base_url, timeout=10) as client:
        answer = client.post(
            "/_sandbox/notify/slack-escalations",
            content=b'{"text": "VIP ticket breached"}',
            headers={
                "Idempotency-Key": "act-1",
                "X-Deskpilot-Signature": "t=1,v1=ab",
                "Content-Type": "application/json",
            },
        )
        assert answer.status_code == 200
        listed = client.get("/_sandbox/notify").json()["data"]
    mine = [item for item in listed if item["headers"].get("idempotency-key") == "act-1"]
    assert mine[-1]["target"] == "slack-escalations"
    assert mine[-1]["body"] == {"text": "VIP ticket breached"}
    assert mine[-1]["headers"]["x-deskpilot-signature"] == "t=1,v1=ab"
