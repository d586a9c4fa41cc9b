"""The activity part of rule test cases (`rules/tests/*.yaml`): a case may give the ticket's history as steps, and
the event's actor; the anchors, counters and texts are folded from the steps exactly as the pipeline folds each
change (engine/activity.py), then laid over the case's ticket with `changed_by` and `thread`.

    activity:                                   # oldest first; `at` is required
      - {at: "2026-12-01T09:00:00Z", customer_reply: "My printer is on fire"}
      - {at: "2026-12-01T09:30:00Z", agent_reply: "On it", by: "agent:jane@example.com", channel: EMAIL}
      - {at: "2026-12-01T10:00:00Z", comment: "Asked the vendor"}
      - {at: "2026-12-01T11:00:00Z", status: Closed}      # status names; Closed is the closed category
      - {at: "2026-12-01T12:00:00Z", assignee: "7"}        # an agent id, or null to unassign
    changed_by: agent:jane@example.com          # optional: the event's actor; default: the last step's `by`
                                                #   (customer_reply: customer; agent_reply, comment: agent)

A case without `activity` evaluates its ticket as given (fields such as agent_reply_count may be written on it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import Field, field_validator, model_validator

from worker.engine.activity import EARLIEST, Activity, ThreadFact, advance
from worker.engine.changed_by import value_problem
from worker.engine.schema_types import StrictModel, invalid
from worker.engine.values import parse_time

STEP_KINDS = ("customer_reply", "agent_reply", "comment", "status", "assignee")
DEFAULT_ACTOR = {"customer_reply": "customer", "agent_reply": "agent", "comment": "agent"}


class ActivityStep(StrictModel):
    """One thing that happened to the ticket: exactly one of customer_reply, agent_reply, comment, status, assignee."""

    at: str = Field(description="when (ISO time)")
    customer_reply: str | None = None
    agent_reply: str | None = None
    comment: str | None = None
    status: str | None = None
    assignee: str | None = None
    by: str | None = Field(None, description="who: customer, agent, agent:<email or id>, automation, deskpilot")
    channel: str = "EMAIL"

    @field_validator("at")
    @classmethod
    def _check_at(cls, value: str) -> str:
        if parse_time(value) is None:
            raise invalid(f"at: expected an ISO time like 2026-12-01T09:00:00Z, got {value!r}")
        return value

    @field_validator("by")
    @classmethod
    def _check_by(cls, value: str | None) -> str | None:
        problem = value_problem(value) if value is not None else None
        if problem is not None:
            raise invalid(problem)
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> ActivityStep:
        given = [kind for kind in STEP_KINDS if kind in self.model_fields_set]
        if len(given) != 1:
            raise invalid(f"a step is exactly one of {', '.join(STEP_KINDS)} (with at, and optionally by, channel)")
        return self

    @property
    def kind(self) -> str:
        return next(kind for kind in STEP_KINDS if kind in self.model_fields_set)

    @property
    def actor(self) -> str:
        return self.by or DEFAULT_ACTOR.get(self.kind, "unknown")


def case_view(
    ticket: Mapping[str, Any], steps: Sequence[ActivityStep] | None, changed_by: str | Mapping[str, Any] | None
) -> dict[str, Any]:
    """The case's ticket as an event carries it: the steps' activity, `thread` and `changed_by` laid over it."""
    view = dict(ticket)
    if steps:
        activity, thread = fold(ticket, steps)
        view.update(activity.fields())
        view["thread"] = thread.view() if thread is not None and steps[-1].kind.endswith("_reply") else None
    actor = changed_by if changed_by is not None else (steps[-1].actor if steps else None)
    if actor is not None:
        view["changed_by"] = dict(actor) if isinstance(actor, Mapping) else actor_record(actor)
    return view


def fold(ticket: Mapping[str, Any], steps: Sequence[ActivityStep]) -> tuple[Activity, ThreadFact | None]:
    """The activity after the steps, and the last reply's thread."""
    state: dict[str, Any] = {"id": ticket.get("id"), "status": "Open", "assigneeId": None}
    activity = Activity(status_changed_at=ticket.get("createdTime"))
    thread = None
    times = [parse_time(step.at) or EARLIEST for step in steps]  # each checked when the case was read
    for number, step in enumerate(steps):
        if number and not times[number] > times[number - 1]:
            raise ValueError(f"step {number + 1} at {step.at}: steps go oldest first, each later than the one before")
        previous, current = dict(state), {**state, "modifiedTime": step.at}
        threads: list[ThreadFact] = []
        comments: list[Mapping[str, Any]] = []
        if step.kind.endswith("_reply"):
            thread = _thread(step, number)
            threads.append(thread)
        elif step.kind == "comment":
            comments.append({"content": step.comment, "commentedTime": step.at})
        elif step.kind == "status":
            current["status"] = step.status
        else:
            current["assigneeId"] = step.assignee
        activity = advance(activity, previous, current, threads, comments)
        state = current
    return activity, thread


def _thread(step: ActivityStep, number: int) -> ThreadFact:
    incoming = step.kind == "customer_reply"
    who = step.actor.split(":", 1)[1] if ":" in step.actor else None
    fact = ThreadFact.from_desk(
        {
            "id": f"step-{number}",
            "createdTime": step.at,
            "direction": "in" if incoming else "out",
            "channel": step.channel,
            "status": "SUCCESS",
            "content": step.customer_reply if incoming else step.agent_reply,
            "author": {"type": "END_USER" if incoming else "AGENT", "email": who},
        }
    )
    assert fact is not None, "a step's time is checked when the case is read"
    return fact


def actor_record(value: str) -> dict[str, Any]:
    """`agent:jane@x.test` as the record an event carries (an id when it has no @)."""
    kind, _, ref = value.partition(":")
    if kind == "team":
        return {"kind": "agent", "id": None, "email": None, "name": None, "teams": [ref], "source": "test"}
    email = ref if "@" in ref else None
    return {"kind": kind, "id": ref if ref and not email else None, "email": email, "teams": [], "source": "test"}
