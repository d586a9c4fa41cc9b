"""Templates in comment, reply, task and update texts: Jinja2, sandboxed, StrictUndefined, compiled at load.

Variables a template sees:
    ticket      the ticket as the Desk returns it (ticket.contact.firstName, ticket.customFields.ModelName)
    previous    the ticket before the change (ticket.updated), else an empty mapping
    event       {kind, ticket_id, changes}
    rule        {id, name}
    now         the evaluation time (an aware UTC datetime)
    ticket_url  the ticket's web URL (ticket.webUrl)
    sla         in SLA escalation levels only: {policy, policy_name, metric, level, level_name, offset, target,
                elapsed, cycle, started_at, breach_at, due_at} (see worker/engine/sla/escalation.py)
Helpers:
    mention(agent)        "zsu[@user:{zuid}]zsu"; agent is a dict (ticket.assignee), an agent id or an email
    duration("4h")        a timedelta, so `now + duration("4h")` works
    format_duration(td)   "1h30m"
    desk_time(dt)         "2016-06-21T13:16:14.000Z", the Desk's timestamp format
A value of null renders as an empty string. An undefined name or field is an error when rendering (the rule's
verdict says "failed" with the message), never a silently empty text. So is any other error a template raises
(a division by zero, a limit of template_bounds.py: a text renders to at most MAX_TEXT = 32,000 characters).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta

from worker.engine.durations import format_duration, parse_duration
from worker.engine.errors import TemplateRenderError
from worker.engine.template_bounds import BoundedEnvironment, TemplateLimitError, render_bounded
from worker.engine.values import desk_time

VARIABLES = ("ticket", "previous", "event", "rule", "now", "ticket_url")
HELPERS = ("mention", "duration", "format_duration", "desk_time")
_MARKERS = ("{{", "{%", "{#")


def _duration(text: str | timedelta) -> timedelta:
    return text if isinstance(text, timedelta) else parse_duration(str(text))


def _finalize(value: Any) -> Any:
    return "" if value is None else value


_ENV = BoundedEnvironment(undefined=StrictUndefined, autoescape=False, finalize=_finalize, keep_trailing_newline=True)
_ENV.globals.update(duration=_duration, format_duration=format_duration, desk_time=desk_time)


class TemplateCompileError(ValueError):
    """A template that does not compile; `line` is 1-based within the template text."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Template:
    """A compiled template, or a constant text when the source has no Jinja markers; `where` names it in errors
    (e.g. "then[1].comment.text")."""

    source: str
    compiled: Any = None
    where: str = ""

    @property
    def is_constant(self) -> bool:
        return self.compiled is None

    def render(self, variables: Mapping[str, Any]) -> str:
        if self.compiled is None:
            return self.source
        try:
            return render_bounded(self.compiled, dict(variables))
        except TemplateRenderError:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever a template raises fails its rule alone
            where = f"{self.where}: " if self.where else ""
            raise TemplateRenderError(f"{where}template {self.source!r}: {_render_message(exc)}") from None


def _render_message(exc: Exception) -> str:
    if isinstance(exc, TemplateLimitError):
        return f"limit exceeded: {exc}"
    if isinstance(exc, RecursionError):
        return "too deeply nested (a macro calling itself?)"
    message = str(exc) or type(exc).__name__
    if isinstance(exc, ArithmeticError):
        return f"{type(exc).__name__}: {message}"
    if "has no attribute" in message or "is undefined" in message:
        return message.replace("'dict object'", "the mapping") + " (guard it with {% if ... is defined %})"
    return message


def compile_template(source: str, extra_variables: tuple[str, ...] = (), where: str = "") -> Template:
    """Compile `source`; raises TemplateCompileError for bad syntax or an unknown variable.

    `extra_variables` are the names a context adds to VARIABLES (SLA escalation levels add `sla`); `where` names
    the template in rendering errors.
    """
    if not any(marker in source for marker in _MARKERS):
        return Template(source, where=where)
    try:
        parsed = _ENV.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateCompileError(f"invalid template: {exc.message}", exc.lineno or 1) from None
    known = VARIABLES + extra_variables + HELPERS
    unknown = sorted(meta.find_undeclared_variables(parsed) - set(known))
    if unknown:
        raise TemplateCompileError(
            f"unknown template variable {unknown[0]!r}; expected one of {', '.join(known)}",
            _line_of(source, unknown[0]),
        )
    return Template(source, _ENV.compile_bounded(parsed), where)


def _line_of(source: str, name: str) -> int:
    """The 1-based line where `name` first appears as a word (for the error position)."""
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    return next((number for number, line in enumerate(source.splitlines(), 1) if pattern.search(line)), 1)


def variables(
    ticket: Mapping[str, Any],
    previous: Mapping[str, Any] | None,
    event: Mapping[str, Any],
    rule: Mapping[str, Any],
    now: Any,
    mention: Callable[[Any], str],
) -> dict[str, Any]:
    """The variables every template of one rule's plan renders with."""
    return {
        "ticket": ticket,
        "previous": previous or {},
        "event": event,
        "rule": rule,
        "now": now,
        "ticket_url": ticket.get("webUrl") or "",
        "mention": mention,
    }
