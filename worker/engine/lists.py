"""Shared lists: the top-level `lists:` of rule files (name -> strings), named by conditions as `{list: NAME}`.

Lists are shared by every file of a rule set, like calendars: a name is defined once, in any file, and may be
used from any file, by rules and SLA policies alike (a second definition is an error naming the first). They are
resolved at load: `Lists.resolve` replaces each `{list: NAME}` under `in`, `not_in`, `contains_any` and
`matches_any` with the list's items, reporting an unknown name, and for `matches_any` an item RE2 refuses, at
the condition's file:line; the loader warns about a list that no condition names. Editing a list changes what
its rules match, not their versions (action ids stay as they were).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from worker.engine.patterns import PatternError, compile_pattern
from worker.engine.schema import AllCondition, AnyCondition, FieldCondition, ListRef, NotCondition
from worker.engine.yamlsource import Path

LIST_OPERATORS = {"in": "in_", "not_in": "not_in", "contains_any": "contains_any", "matches_any": "matches_any"}
Report = Callable[[Path, str], None]


@dataclass
class Lists:
    """The rule set's lists by name, and the names some condition used (for the unused-list warning)."""

    items: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def resolve(self, model: Any, loc: Path, report: Report) -> Any:
        """`model` (a condition, or None) with every `{list: NAME}` replaced by the list's items."""
        if isinstance(model, AllCondition):
            return model.model_copy(
                update={"all": [self.resolve(child, loc + ("all", i), report) for i, child in enumerate(model.all)]}
            )
        if isinstance(model, AnyCondition):
            return model.model_copy(
                update={"any": [self.resolve(child, loc + ("any", i), report) for i, child in enumerate(model.any)]}
            )
        if isinstance(model, NotCondition):
            return model.model_copy(update={"not_": self.resolve(model.not_, loc + ("not",), report)})
        if isinstance(model, FieldCondition):
            return self._field(model, loc, report)
        return model

    def _field(self, model: FieldCondition, loc: Path, report: Report) -> FieldCondition:
        operator = model.operator
        attribute = LIST_OPERATORS.get(operator, "")
        value = getattr(model, attribute) if attribute else None
        if not isinstance(value, ListRef):
            return model
        name = value.list_
        items = self.items.get(name)
        if items is None:
            known = ", ".join(sorted(self.items)) or "none defined"
            report(loc + (operator, "list"), f"unknown list {name!r}; expected one of: {known} (top-level lists:)")
            items = ()
        self.used.add(name)
        if operator == "matches_any":
            items = tuple(item for item in items if self._pattern_ok(name, item, loc + (operator, "list"), report))
        return model.model_copy(update={attribute: list(items)})

    @staticmethod
    def _pattern_ok(name: str, pattern: str, loc: Path, report: Report) -> bool:
        try:
            compile_pattern(pattern)
        except PatternError as exc:
            report(loc, f"list {name!r}: {exc}")
            return False
        return True
