"""A loaded rule set: compiled rules in evaluation order, the calendars, and the warnings found at load.

Evaluation order: by `order` (default 0), then by file path (alphabetical, as listed by the loader), then by
position in the file. `for_kind(kind)` is precomputed per trigger kind so an event only touches its rules.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from worker.engine.calendars import Calendar
from worker.engine.conditions import CompiledCondition
from worker.engine.errors import Problem
from worker.engine.paths import Getter
from worker.engine.planner import CompiledAction
from worker.engine.schema import SCHEDULE, Rule, ScheduleSpec

if TYPE_CHECKING:
    from worker.engine.notify_targets import DeclaredTarget
    from worker.engine.sla.policy import CompiledPolicy


@dataclass(eq=False)
class CompiledRule:
    """One rule ready to evaluate; `model` is the validated schema object it came from."""

    model: Rule
    file: str
    line: int
    col: int
    file_rank: int
    position: int
    condition: CompiledCondition
    actions: tuple[CompiledAction, ...]
    anchor: Getter | None = None
    # Copied from the model once: evaluation reads them for every event.
    id: str = field(init=False)
    kinds: frozenset[str] = field(init=False)
    is_time_rule: bool = field(init=False)
    once: str | None = field(init=False)  # None | per_ticket | per_anchor
    retrigger: bool = field(init=False)
    stops: bool = field(init=False)  # stop: true and not a dry run (a shadow rule never stops live ones)
    check: Any = field(init=False)  # the compiled condition's check(ctx)
    effects_matter: tuple[bool, ...] = field(init=False)  # per action: does a later action read the ticket?
    version: str = field(init=False)

    def __post_init__(self) -> None:
        model = self.model
        self.id = model.id
        self.retrigger = model.retrigger
        self.stops = model.stop and not model.dry_run
        self.check = self.condition.check
        self.effects_matter = tuple(
            any(later.reads_ticket for later in self.actions[index + 1 :]) for index in range(len(self.actions))
        )
        self.kinds = model.kinds
        self.is_time_rule = SCHEDULE in self.kinds
        self.once = None if model.once is None else model.once if isinstance(model.once, str) else "per_anchor"
        dumped = model.model_dump(mode="json", by_alias=True)
        if dumped.get("on_action_failure") == "stop":  # the default leaves versions (and so action ids) as they were
            del dumped["on_action_failure"]
        canonical = json.dumps(dumped, sort_keys=True, default=str)
        self.version = hashlib.sha256(canonical.encode()).hexdigest()[:12]

    @property
    def schedule(self) -> ScheduleSpec | None:
        return self.model.schedule

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.model.order, self.file_rank, self.position)

    @property
    def source(self) -> str:
        return f"{self.file}:{self.line}"

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "source": self.source, "on": sorted(self.kinds)}


@dataclass(frozen=True, eq=False)
class RuleSet:
    """Rules in evaluation order, calendars by name, load warnings, SLA policies in file order (the first that
    applies to a ticket governs it; see worker/engine/sla/); immutable once built."""

    rules: tuple[CompiledRule, ...]
    calendars: Mapping[str, Calendar]
    warnings: tuple[Problem, ...] = ()
    files: tuple[str, ...] = ()
    sla_policies: tuple[CompiledPolicy, ...] = ()
    notify_targets: Mapping[str, DeclaredTarget] = field(default_factory=dict)  # by name, across files
    _by_id: dict[str, CompiledRule] = field(init=False, repr=False)
    _by_kind: dict[str, tuple[CompiledRule, ...]] = field(init=False, repr=False)
    memo: dict[Any, Any] = field(init=False, repr=False)  # the evaluator's per-rule-set precomputations

    def __post_init__(self) -> None:
        object.__setattr__(self, "memo", {})
        object.__setattr__(self, "_by_id", {rule.id: rule for rule in self.rules})
        kinds = {kind for rule in self.rules for kind in rule.kinds}
        object.__setattr__(
            self, "_by_kind", {kind: tuple(rule for rule in self.rules if kind in rule.kinds) for kind in kinds}
        )

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[CompiledRule]:
        return iter(self.rules)

    def get(self, rule_id: str) -> CompiledRule | None:
        return self._by_id.get(rule_id)

    def for_kind(self, kind: str) -> tuple[CompiledRule, ...]:
        return self._by_kind.get(kind, ())

    def policy(self, policy_id: str) -> CompiledPolicy | None:
        return next((policy for policy in self.sla_policies if policy.id == policy_id), None)

    @property
    def version(self) -> str:
        text = "".join(f"{rule.id}:{rule.version};" for rule in self.rules)
        text += "".join(f"sla:{policy.id}:{policy.version};" for policy in self.sla_policies)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    @property
    def time_rules(self) -> tuple[CompiledRule, ...]:
        return self.for_kind(SCHEDULE)
