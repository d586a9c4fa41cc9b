"""`add_tags` / `remove_tags`, compiled and planned: each name may be a template; the plan carries
{"tags": [names]} rendered for the ticket (blank renderings dropped, each name once in any spelling). A rendered
name the Desk would refuse (3 to 50 characters: letters, digits, spaces, `_ . - + %`) fails the rule, not the
write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from worker.engine.errors import DirectoryError
from worker.engine.planner import SOME_VALUE, CompiledAction, PlanContext
from worker.engine.schema_routing import TAG_NAME
from worker.engine.templates import Template

TAGS_PATH = "tags"


@dataclass
class CompiledTags(CompiledAction):
    names: list[Template | str] = field(default_factory=list)

    def plan(self, ctx: PlanContext) -> dict[str, Any]:
        rendered = [ctx.render(name) if isinstance(name, Template) else name for name in self.names]
        unique: dict[str, str] = {}
        for name in rendered:
            if name and name.strip():
                unique.setdefault(name.strip().casefold(), name.strip())  # each name once, first spelling kept
        tags = list(unique.values())
        bad = [name for name in tags if not TAG_NAME.fullmatch(name)]
        if bad:
            raise DirectoryError(f"{self.type}: {bad[0]!r} is not a tag the Desk takes (3 to 50 characters)")
        if not tags:
            raise DirectoryError(f"{self.type}: every tag rendered empty")
        return {"tags": tags}

    @property
    def constant(self) -> bool:
        return all(not isinstance(name, Template) or name.is_constant for name in self.names)


def compile_tags(
    kind: str, names: list[str], index: int, templates: Callable[[tuple[Any, ...], str | None], Template | None]
) -> CompiledTags:
    compiled: list[Template | str] = []
    for position, name in enumerate(names):
        template = templates((position,), name)
        compiled.append(name if template is None or template.is_constant else template)
    return CompiledTags(kind, index, {TAGS_PATH: SOME_VALUE}, compiled)
