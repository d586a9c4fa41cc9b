"""The engine's errors and the `Problem` a rule file can have.

Hierarchy (catch the narrowest you can handle):

    EngineError                  anything the rule engine raises on purpose
    +-- RuleLoadError            a rule set (or rule test file) was refused; carries every Problem found
    +-- PlanError                a matched rule could not be turned into a plan for this ticket
        +-- DirectoryError       a name (agent email, department name, reply address) the directory lacks
        +-- TemplateRenderError  a template failed while rendering (e.g. an undefined field, StrictUndefined)

`PlanError`s never escape `evaluate`: they become a "failed" verdict that names the rule and the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with a rule file, at a 1-based line and column, worded to say what was expected."""

    file: str
    line: int
    col: int
    message: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.col}: {prefix}{self.message}"


class EngineError(Exception):
    """Base class of every error the rule engine raises on purpose."""


class RuleLoadError(EngineError):
    """Rule files (or rule test files) were refused; `problems` lists all of them, errors and warnings."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        errors = [problem for problem in self.problems if problem.is_error]
        super().__init__(f"{len(errors)} error(s) in rule files:\n" + "\n".join(str(p) for p in errors))

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]


class PlanError(EngineError):
    """A matched rule could not be planned for this ticket; evaluate() turns it into a failed verdict."""


class DirectoryError(PlanError):
    """A name the rule gives (agent, department, reply address) is not in the directory."""


class TemplateRenderError(PlanError):
    """A template raised while rendering (an undefined variable or field, a sandbox violation, a bad helper call)."""
