"""The client's catalogue resources against the sandbox over real HTTP: teams ({"teams": [...]}), ticket fields
with picklist values, layouts; and the fetch the names check and the directory cache share."""

from __future__ import annotations

from tests.integration.desk.conftest import FAST_POLICY, desk_settings
from worker.app.desk_config import desk_config
from worker.desk.client import DeskClient
from worker.ingest.catalogue import fetch_names


def test_teams_fields_and_layouts_are_read_with_the_typed_client(shared_sandbox, redis_server) -> None:
    settings = desk_settings(shared_sandbox, redis_server)
    with DeskClient(
        desk_config(settings), redis_server.client(), shared_sandbox.org_ids[0], policy=FAST_POLICY
    ) as client:
        departments = {department.id: department.name for department in client.departments.iter()}
        teams = client.teams.list()
        fields = {field.apiName: field for field in client.fields.list("tickets")}
        layouts = client.layouts.list("tickets")
        first = next(iter(departments))
        own_teams = client.teams.list(department_id=first)
        data = fetch_names(client)
    assert {team.name for team in teams} == {f"{name} Team" for name in departments.values()}
    assert all(team.departmentId in departments for team in teams)
    assert fields["status"].allowedValues == ["Open", "On Hold", "Escalated", "Closed"]
    assert fields["cf_model_name"].isCustomField and fields["cf_model_name"].displayLabel == "ModelName"
    assert [team.departmentId for team in own_teams] == [first] and own_teams[0].derivedAgents
    assert {layout.departmentId for layout in layouts} == set(departments)
    assert {(layout.module, layout.status) for layout in layouts} == {("Cases", "active")}
    assert set(data) == {"agents", "departments", "mailReplyAddresses", "teams", "ticketFields", "layouts"}
    assert len(data["teams"]) == len(teams) and data["ticketFields"][0]["apiName"] == "subject"
