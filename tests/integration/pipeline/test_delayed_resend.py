"""A message delayed for a RateLimited (429, token outage, settling write) is re-sent once and the actor returns
cleanly: a failure after the re-send would make dramatiq deliver it a second time."""
from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import worker.app.actors as actors
from worker.desk.errors import RateLimited
actors._later(actors.act, RateLimited("paused", error_code="TOKEN_UNAVAILABLE", retry_after=5.0), "a1")
"""


def test_a_delayed_resend_queues_one_message_and_raises_nothing(redis_server, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DESKPILOT_")}
    env.update({"DESKPILOT_REDIS_URL": redis_server.url, "DESKPILOT_RULES_PATH": str(tmp_path),
                "DESKPILOT_ALLOW_EMPTY_RULES": "true"})
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert redis_server.client().hlen("dp:dramatiq:deskpilot.act.DQ.msgs") == 1  # the delayed queue holds it once
