"""Read YAML keeping the position of every node, and hand plain Python data to the validators.

`parse_yaml` composes the text with libyaml (ruamel.yaml.clib; ruamel's pure parser when it is missing: same
results, slower) and builds a tree of dicts, lists and scalars that remember their line and column (yamltree.py:
YAML 1.2 scalars, merge keys, aliases bounded before anything expands them). Syntax errors are explained in plain
words (yamlmessages.py). `to_plain` copies the tree into plain dicts, lists and scalars; `Locator` answers "where
is rules[3].then[0].move.department?" with a 1-based line and column.

The round-trip loader used before kept comments nobody reads and took 35 of the 58 s a 5 MB rule file needed.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from worker.engine.errors import Problem, Severity
from worker.engine.yamlmessages import syntax_problem
from worker.engine.yamltree import DeferredResolver, PositionedList, PositionedMap, TreeBuilder, TreeError

Path = tuple[Any, ...]

C_SAFE_DEPTH = 1_000  # far below where libyaml crashes, far above any rule file (about ten levels)
_BRACKETS = re.compile(r"[\[\]{}]")
_LINE_START = re.compile(r"^[ ?:-]*", re.MULTILINE)
MAX_ALIASES = 10_000  # alias uses (*name) per file: shared condition blocks need a handful, not thousands
DEFAULT_MAX_NODES = 1_000_000  # expanded nodes per file; the loader derives it from the file size limit


def _yaml(text: str) -> YAML:
    """libyaml's parser, unless the text may nest deeper than C_SAFE_DEPTH: libyaml's composer recurses in C and
    crashes the process (segfault) near 30,000 levels; ruamel's pure one raises RecursionError instead."""
    yaml = YAML(typ="safe", pure=_nesting_bound(text) > C_SAFE_DEPTH)
    yaml.Resolver = DeferredResolver
    return yaml


def _nesting_bound(text: str) -> int:
    """At least the text's nesting depth: open flow brackets, plus the widest run of indentation and block
    indicators at a line start (each block level needs at least one such column). Cheap: two C-level scans."""
    flow = max(accumulate(1 if bracket in "[{" else -1 for bracket in _BRACKETS.findall(text)), default=0)
    block = max(map(len, _LINE_START.findall(text)), default=0)
    return flow + block


def parse_yaml(text: str, file: str, *, max_nodes: int = DEFAULT_MAX_NODES) -> tuple[Any, list[Problem]]:
    """The positioned tree of `text` (None when empty), or None and the syntax or limit error as a Problem."""
    try:
        node = _yaml(text).compose(text)
        return (None if node is None else TreeBuilder(MAX_ALIASES, max_nodes).build(node)), []
    except MarkedYAMLError as exc:
        (line, col), message = syntax_problem(exc, text)
        return None, [Problem(file, line, col, message)]
    except TreeError as exc:
        return None, [Problem(file, exc.mark[0] + 1, exc.mark[1] + 1, exc.message)]
    except (YAMLError, ValueError) as exc:  # unmarked errors are rare; still one line, never a traceback
        return None, [Problem(file, 1, 1, f"invalid YAML: {exc}")]
    except RecursionError:
        return None, [Problem(file, 1, 1, "the YAML nests too deeply; flatten the lists and mappings")]


def to_plain(node: Any) -> Any:
    """Plain dicts, lists and scalars (the tree's str/dict/list subclasses become the base types)."""
    if isinstance(node, dict):
        return {to_plain(key): to_plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [to_plain(item) for item in node]
    if type(node) is str or not isinstance(node, str):
        return node
    return str(node)


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
            if (isinstance(node, dict) and _has_key(node, part)) or (
                isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            ):
                parent, step, node = node, part, node[part]
            else:
                break
        return _position(node, parent, step, at_key)

    def problem(self, path: Path, message: str, *, at_key: bool = False, severity: Severity = "error") -> Problem:
        line, col = self.position(path, at_key=at_key)
        return Problem(self.file, line, col, message, severity)

    def node(self, path: Path) -> Any:
        node = self.root
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node


def _has_key(node: dict[Any, Any], part: Any) -> bool:
    try:
        return part in node
    except TypeError:
        return False


def _position(node: Any, parent: Any, step: Any, at_key: bool) -> tuple[int, int]:
    try:
        if parent is None:
            line, col = _own(node) or (0, 0)
        elif isinstance(parent, PositionedMap):
            line, col = parent.lc.key(step) if at_key else (_own(node) or parent.lc.value(step))
        elif isinstance(parent, PositionedList):
            line, col = _own(node) or parent.lc.item(step)
        else:  # a collection the tree builder did not make carries no positions
            line, col = 0, 0
    except (AttributeError, KeyError, TypeError):
        line, col = 0, 0
    return line + 1, col + 1


def _own(node: Any) -> tuple[int, int] | None:
    """A collection's own position (its first key or item, or its opening bracket)."""
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return None
    return lc.line, lc.col
