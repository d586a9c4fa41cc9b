"""What rules can do, one module per family; each executes through worker/desk and can verify it was done."""
from __future__ import annotations

from types import ModuleType

from worker.actions import assign, bulk, comment, move, reply, spam, task, time_entry, update

EXECUTORS: dict[str, ModuleType] = {
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
