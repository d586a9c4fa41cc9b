"""Schema parts of tags and team routing: the `add_tags` / `remove_tags` actions, the agent an `assign` may name
(an id, an email, `previous` or a template), and the top-level `skills:` and `shifts:` that strategies read.

    skills:  {agent email or id: [skill, ...]}            who holds what (names compared case-insensitively)
    shifts:  {agent email or id, or team name: calendar}  when they work (a calendar of `calendars:`)
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from worker.engine.schema_types import EMAIL, StrictModel, Text, invalid

AGENT_PREVIOUS = "previous"
ASSIGN_FALLBACKS = ("fail", "unassigned", "team")
MAX_TAGS = 51
TEMPLATE_MARK = "{{"
TAG_NAME = re.compile(r"(?!null$)[a-zA-Z0-9_.\-+%\s\u0080-\U0010ffff]{3,50}")


def is_template(value: str) -> bool:
    return TEMPLATE_MARK in value or "{%" in value


def _tag_name(value: str) -> str:
    if is_template(value) or TAG_NAME.fullmatch(value.strip()):
        return value.strip()
    raise invalid(
        f"invalid tag {value!r}: the Desk takes 3 to 50 characters: letters, digits, spaces and _ . - + % "
        "(or a template)"
    )


def _assign_agent(value: str) -> str:
    if value.isdigit() or EMAIL.fullmatch(value) or value == AGENT_PREVIOUS or is_template(value):
        return value
    raise invalid(
        f"expected an agent id (digits), an email address, 'previous' (the ticket's assignee before this change) "
        f"or a template like '{{{{ previous.assigneeId }}}}', got {value!r}"
    )


TagName = Annotated[Text, AfterValidator(_tag_name)]
AssignAgent = Annotated[Text, AfterValidator(_assign_agent)]
TagList = Annotated[list[TagName], Field(min_length=1, max_length=MAX_TAGS)]


class AddTagsAction(StrictModel):
    add_tags: TagList = Field(description="tags to add to the ticket (templates allowed); one already there is done")


class RemoveTagsAction(StrictModel):
    remove_tags: TagList = Field(description="tags to remove from the ticket; one not there is done")


Skills = dict[Text, list[Text]]
Shifts = dict[Text, str]
