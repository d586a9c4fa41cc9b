"""Agents' presence in the sandbox: the activity generator signs agents in and out on its own random stream."""

from __future__ import annotations

from sandbox.activity import ActivityGenerator
from sandbox.presence import OFFLINE, ONLINE, presence
from tests.unit.sandbox.test_activity import seeded_desk


def test_agents_sign_in_and_out_without_changing_the_ticket_stream():
    desk, twin = seeded_desk(), seeded_desk()
    generator, other = ActivityGenerator(desk, seed=5, rate_per_s=5), ActivityGenerator(twin, seed=5, rate_per_s=5)
    changes = [generator.step() for _ in range(300)]
    assert changes == [other.step() for _ in range(300)]
    assert generator.presence_changes > 20
    for org in desk.orgs.values():
        states = [presence(agent) for agent in org.agents.values() if agent["status"] == "ACTIVE"]
        assert ONLINE in states and states.count(OFFLINE) < len(states) / 2
        assert all(presence(agent) == OFFLINE for agent in org.agents.values() if agent["status"] != "ACTIVE")
