"""Read YAML keeping the position of every node, and hand plain Python data to the validators.

ruamel.yaml's round-trip loader (YAML 1.2: `on` is a string, not a boolean) records the line and column of
every key, value and list item. `parse_yaml` returns that tree; `to_plain` copies it into dicts, lists and plain
scalars (dates and timestamps become ISO strings, so a quoted and an unquoted time read the same); `Locator`
answers "where is rules[3].then[0].move.department?" with a 1-based line and column.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from worker.engine.errors import Problem

Path = tuple[Any, ...]


class _Constructor(RoundTripConstructor):
    """Timestamps stay strings: the schema parses them where they are expected, with a positioned error
    (ruamel would raise a bare ValueError, without a line, for 2026-13-01)."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


def parse_yaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    """The round-trip tree of `text`, or None and the syntax error as a Problem."""
    try:
        return _yaml().load(text), []
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Problem(file, line, col, _syntax_message(exc))]
    except (YAMLError, ValueError) as exc:  # unmarked errors are rare; still one line, never a traceback
        return None, [Problem(file, 1, 1, f"invalid YAML: {exc}")]


def _syntax_message(exc: MarkedYAMLError) -> str:
    problem = (exc.problem or "syntax error").split(" with value ")[0].replace('"', "'")
    if problem.startswith("found duplicate key"):
        return problem.replace("found duplicate key", "duplicate key") + "; each key may appear once"
    context = f" ({exc.context}" if exc.context else ""
    if context and exc.context_mark is not None:
        context += f" started at line {exc.context_mark.line + 1}"
    return f"invalid YAML: {problem}{context + ')' if context else ''}"


def to_plain(node: Any) -> Any:
    """Plain dicts, lists and scalars; dates and datetimes become ISO strings ("...Z" for UTC)."""
    if isinstance(node, dict):
        return {to_plain(key): to_plain(value) for key, value in node.items()}
    if isinstance(node, (list, tuple)):
        return [to_plain(item) for item in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, datetime):
        text = datetime(node.year, node.month, node.day, node.hour, node.minute, node.second, node.microsecond,
                        tzinfo=node.tzinfo).isoformat()
        return text.replace("+00:00", "Z")
    if isinstance(node, date):
        return node.isoformat()
    return node


class Locator:
    """Positions in one file's round-trip tree, looked up by a path of keys and list indexes."""

    def __init__(self, file: str, root: Any) -> None:
        self.file = file
        self.root = root

    def position(self, path: Path, *, at_key: bool = False) -> tuple[int, int]:
        """1-based (line, col) of the node at `path`; the deepest existing node when the path runs out.

        `at_key` points at a mapping entry's key rather than its value (unknown keys, bad dict keys).
        """
        node, parent, step = self.root, None, None
        for part in path:
            if isinstance(node, dict) and _has_key(node, part):
                parent, step, node = node, part, node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                parent, step, node = node, part, node[part]
            else:
                break
        return _position(node, parent, step, at_key)

    def problem(self, path: Path, message: str, *, at_key: bool = False, severity: str = "error") -> Problem:
        line, col = self.position(path, at_key=at_key)
        return Problem(self.file, line, col, message, severity)  # type: ignore[arg-type]

    def node(self, path: Path) -> Any:
        node = self.root
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node


def _has_key(node: dict, part: Any) -> bool:
    try:
        return part in node
    except TypeError:
        return False


def _position(node: Any, parent: Any, step: Any, at_key: bool) -> tuple[int, int]:
    try:
        if parent is None:
            line, col = _own(node) or (0, 0)
        elif isinstance(parent, dict):
            line, col = parent.lc.key(step) if at_key else (_own(node) or parent.lc.value(step))
        else:
            line, col = _own(node) or parent.lc.item(step)
    except (AttributeError, KeyError, TypeError):
        line, col = 0, 0
    return line + 1, col + 1


def _own(node: Any) -> tuple[int, int] | None:
    """A collection's own position (its first key or item, or its opening bracket)."""
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return None
    return lc.line, lc.col
