"""Importing any module of worker/ does no work: it reads no settings, opens no connection, sets no global broker.

The composition root (worker/app) builds a Runtime and declares the actors on a broker it hands in, at run time.
A fresh interpreter imports every module with settings that could not load and a Redis that is not there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import importlib, pkgutil, socket
import worker

def refuse(*args, **kwargs):
    raise AssertionError("a connection was opened at import")

socket.socket.connect = refuse
names = [info.name for info in pkgutil.walk_packages(worker.__path__, "worker.") if not info.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
import dramatiq.broker
assert dramatiq.broker.global_broker is None, "a module set the global dramatiq broker"
print(len(names))
"""


def test_importing_every_module_reads_no_settings_and_opens_nothing() -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DESKPILOT_")}
    env.update(
        {
            "DESKPILOT_REDIS_URL": "redis://127.0.0.1:1/0",
            "DESKPILOT_MESSAGE_MAX_RETRIES": "not a number",
            "DESKPILOT_ORG_IDS": "[not json",
        }
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout.strip()) > 100
