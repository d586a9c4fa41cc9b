"""A running service refuses a reload naming something its Desk lacks (checked against the cached catalogue in
a real Redis, fetched from the sandbox over HTTP): the last good set keeps running, the log says what and where."""

from __future__ import annotations

from pathlib import Path

from structlog.testing import capture_logs

from tests.integration.desk.conftest import desk_settings
from worker.app.runtime import Runtime

RULE = """\
rules:
  - id: to-billing
    on: ticket.updated
    if: {{field: subject, contains: invoice}}
    then:
      - move: {{department: {department}}}
"""


def test_a_reload_naming_an_unknown_department_is_refused_and_the_old_set_kept(
    shared_sandbox, redis_server, tmp_path: Path
) -> None:
    # given a running service whose rules move tickets to Billing
    rules_file = tmp_path / "rules" / "billing.yaml"
    rules_file.parent.mkdir()
    rules_file.write_text(RULE.format(department="Billing"))
    settings = desk_settings(
        shared_sandbox, redis_server, org_ids=shared_sandbox.org_ids[:1], rules_path=rules_file.parent
    )
    runtime = Runtime.from_settings(settings)
    runtime.rules.reload_s = 0.0  # look at the files on every call
    try:
        with capture_logs() as logs:  # from the start: structlog caches a logger once used
            good = runtime.rules.load()
            # when the file is edited to name a department the Desk does not have
            rules_file.write_text(RULE.format(department="Biling") + "# moved\n")  # another size: a new stamp
            kept = runtime.rules.current()
        # then the old set keeps running and the error says what and where
        assert kept is good
        [refused] = [entry for entry in logs if entry["event"] == "rules.refused"]
        assert refused["log_level"] == "error" and refused["kept"] == good.version
        assert refused["problems"] == [
            f"{rules_file}:6:28: unknown department 'Biling' (did you mean 'Billing'?); "
            "the Desk has: " + refused["problems"][0].split("the Desk has: ")[1]
        ]
        # and the catalogue is the directory's, shared through Redis (one fetch at load, none at the reload)
        assert [entry["event"] for entry in logs].count("directory.fetched") == 1
        # when the name is fixed, the new set is taken
        rules_file.write_text(RULE.format(department="tier 2"))
        assert runtime.rules.current() is not good
    finally:
        runtime.close()
