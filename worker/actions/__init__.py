"""Planned actions -> Desk writes: one executor module per action type (an `Executor`: execute and verify, see
base.py), the registry below, and the enforcer that applies a ledger action exactly once (enforcer.py)."""
from __future__ import annotations

from worker.actions import assign, bulk, comment, move, reply, spam, task, time_entry, update
from worker.actions.base import Executor

EXECUTORS: dict[str, Executor] = {
    "update": update,
    "assign": assign,
    "move": move,
    "comment": comment,
    "reply": reply,
    "time_entry": time_entry,
    "task": task,
    "mark_spam": spam,
    "update_many": bulk,
}
