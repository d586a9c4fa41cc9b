"""The action registry: one stateless Executor instance per action type, keyed by the class's `type`."""

from __future__ import annotations

import pytest

from worker.actions import EXECUTOR_CLASSES, EXECUTORS
from worker.actions.base import Executor


def test_every_action_type_has_one_executor_keyed_by_its_type():
    assert sorted(EXECUTORS) == sorted(cls.type for cls in EXECUTOR_CLASSES)
    assert len({cls.type for cls in EXECUTOR_CLASSES}) == len(EXECUTOR_CLASSES)
    assert set(EXECUTORS) == {
        "update",
        "assign",
        "move",
        "comment",
        "reply",
        "time_entry",
        "task",
        "mark_spam",
        "update_many",
        "notify",
        "email",
        "add_tags",
        "remove_tags",
    }
    for action_type, executor in EXECUTORS.items():
        assert isinstance(executor, Executor) and executor.type == action_type


def test_executors_hold_no_state():
    """One instance serves every thread: nothing of an execution may be kept on it."""
    assert all(vars(executor) == {} for executor in EXECUTORS.values())


def test_an_executor_must_say_how_it_executes_and_verifies():
    class Half(Executor):
        type = "half"

        def execute(self, ctx) -> str:
            return "done"

    with pytest.raises(TypeError):
        Half()  # type: ignore[abstract]
