"""Planned actions -> Desk writes: one Executor class per action type (base.py; one module each, using the typed
Desk client), the registry below (one shared, stateless instance per type, keyed by its `type`), and the enforcer
that applies a ledger action exactly once (enforcer.py)."""

from __future__ import annotations

from worker.actions.assign import AssignExecutor
from worker.actions.base import Executor
from worker.actions.bulk import UpdateManyExecutor
from worker.actions.comment import CommentExecutor
from worker.actions.mail import EmailExecutor
from worker.actions.move import MoveExecutor
from worker.actions.notify import NotifyExecutor
from worker.actions.reply import ReplyExecutor
from worker.actions.spam import MarkSpamExecutor
from worker.actions.tags import AddTagsExecutor, RemoveTagsExecutor
from worker.actions.task import TaskExecutor
from worker.actions.time_entry import TimeEntryExecutor
from worker.actions.update import UpdateExecutor

EXECUTOR_CLASSES: tuple[type[Executor], ...] = (
    UpdateExecutor,
    AssignExecutor,
    MoveExecutor,
    CommentExecutor,
    ReplyExecutor,
    TimeEntryExecutor,
    TaskExecutor,
    MarkSpamExecutor,
    UpdateManyExecutor,
    AddTagsExecutor,
    RemoveTagsExecutor,
    NotifyExecutor,
    EmailExecutor,
)
EXECUTORS: dict[str, Executor] = {cls.type: cls() for cls in EXECUTOR_CLASSES}
