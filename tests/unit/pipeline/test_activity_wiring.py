"""What the activity keeper reads follows what the loaded rules read (app/activity.py), and who is in which team
comes from the catalogue's agents and teams (ingest/activity_sync.agent_info)."""

from __future__ import annotations

from worker.app.activity import condition_reads
from worker.engine.loader import load_rules_text
from worker.ingest.activity_sync import agent_info

RULES = """
rules:
  - id: waits
    on: ticket.agent_replied
    if: {changed_by: agent}
    then: [{update: {status: On Hold}}]
  - id: words
    on: [ticket.updated, ticket.commented]
    if: {field: latest_comment_text, contains: refund}
    then: [{update: {priority: High}}]
"""


def test_reads_name_each_field_with_the_kinds_that_read_it():
    reads = condition_reads(load_rules_text(RULES))
    assert reads["changed_by"] == {"ticket.agent_replied"}
    assert reads["latest_comment_text"] == {"ticket.updated", "ticket.commented"}
    assert "thread" not in reads


def test_agents_get_their_email_name_and_teams():
    agents = [{"id": "7", "emailId": "jane@x.test", "firstName": "Jane", "lastName": "Roe"}, {"id": "8"}]
    teams = [{"name": "Tier 2", "agents": ["7"]}, {"name": "Billing", "derivedAgents": ["7", "9"]}]
    info = agent_info(agents, teams)
    assert info["7"] == {"email": "jane@x.test", "name": "Jane Roe", "teams": ["Tier 2", "Billing"]}
    assert info["8"]["teams"] == [] and info["9"]["teams"] == ["Billing"]
