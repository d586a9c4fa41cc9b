"""Turn a composed YAML node graph into dicts, lists and scalars that remember where they were written.

The composer keeps an alias as a second reference to its anchored node, so the graph stays as small as the text.
Expanding it naively (a "billion laughs" file: each level lists the previous one nine times) would build 10^9
nodes. Here each node is built once and shared, and before anything walks the tree its expanded size is
computed (memoised per node, so linear in the text): more than `max_aliases` alias uses or `max_nodes` expanded
nodes refuse the file with `YamlLimitError`, at the alias that crossed the limit.

Scalars follow YAML 1.2 (the composer's resolver): `on`/`yes` are strings; timestamps stay strings (the schema
parses them where it expects one, with a positioned error). Merge keys (`<<: *base`) are honoured, explicit keys
winning. A duplicate key is an error at the second one.
"""
from __future__ import annotations

import math
from typing import Any

from ruamel.yaml.error import StreamMark
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Position = tuple[int, int]  # 0-based line and column, as the composer marks them
TAG = "tag:yaml.org,2002:"
MERGE = TAG + "merge"
_IN_PROGRESS = -1  # the size of a node being measured: meeting it again means an alias inside its own anchor
_FLOATS = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}


class YamlLimitError(Exception):
    """The file is refused before it is expanded: `message` says which limit and what to do."""

    def __init__(self, mark: Position, message: str) -> None:
        super().__init__(message)
        self.mark, self.message = mark, message


class DuplicateKeyError(YamlLimitError):
    """A mapping names the same key twice (YAML forbids it; ruamel's round-trip loader refused it too)."""


class Lines:
    """Where a collection and its entries were written: the interface of ruamel's `.lc` that Locator reads."""

    __slots__ = ("line", "col", "_keys", "_values")

    def __init__(self, position: Position) -> None:
        self.line, self.col = position
        self._keys: dict[Any, Position] = {}
        self._values: dict[Any, Position] = {}

    def key(self, key: Any) -> Position:
        return self._keys[key]

    def value(self, key: Any) -> Position:
        return self._values[key]

    def item(self, index: int) -> Position:
        return self._values[index]


class PositionedMap(dict):  # type: ignore[type-arg]
    """A mapping with `.lc` positions."""

    __slots__ = ("lc",)


class PositionedList(list):  # type: ignore[type-arg]
    """A sequence with `.lc` positions."""

    __slots__ = ("lc",)


class BlockString(str):
    """A `|` or `>` block scalar: its text starts on the line after its indicator (reporters add one line)."""

    __slots__ = ()


def _tag(node: Node) -> str:
    """The resolved tag; an implicit one (no `!` handle, the common case) without ruamel's str() conversion."""
    ctag = node.ctag
    return ctag.suffix if ctag.handle is None else str(ctag)


def _mark(node: Node) -> Position:
    mark: StreamMark = node.start_mark
    return mark.line, mark.column


class TreeBuilder:
    """Builds the positioned tree of one document; checks the alias limits first (see the module docstring)."""

    def __init__(self, max_aliases: int, max_nodes: int) -> None:
        self.max_aliases, self.max_nodes = max_aliases, max_nodes
        self._sizes: dict[int, int] = {}
        self._built: dict[int, Any] = {}
        self._aliases = 0

    def build(self, root: Node) -> Any:
        self._check(root, _mark(root))
        return self._build(root)

    def _check(self, node: Node, where: Position) -> int:
        """The expanded size of `node`; a node met again is an alias use, counted and bounded."""
        known = self._sizes.get(id(node))
        if known == _IN_PROGRESS:
            raise YamlLimitError(where, "this alias (*name) is used inside the block its anchor names, which would "
                                        "repeat forever; use the alias after that block")
        if known is not None:
            self._aliases += 1
            if self._aliases > self.max_aliases:
                raise YamlLimitError(where, f"more than {self.max_aliases:,} alias uses (*name) in one file; "
                                            "share fewer blocks, or write the repeated parts out")
            return known
        self._sizes[id(node)] = _IN_PROGRESS
        size = 1
        if isinstance(node, MappingNode):
            for key, value in node.value:
                size += self._check(key, _mark(key)) + self._check(value, _mark(key))
        elif isinstance(node, SequenceNode):
            for item in node.value:
                size += self._check(item, _mark(item) if id(item) not in self._sizes else where)
        if size > self.max_nodes:
            raise YamlLimitError(where, f"the file expands to more than {self.max_nodes:,} YAML nodes once its "
                                        "aliases (*name) are replaced by their anchored blocks; an alias bomb? "
                                        "Share smaller blocks, or split the rules over several files")
        self._sizes[id(node)] = size
        return size

    def _build(self, node: Node) -> Any:
        built = self._built.get(id(node))
        if built is not None or id(node) in self._built:
            return built
        if isinstance(node, ScalarNode):
            value = _scalar(node)
            self._built[id(node)] = value
            return value
        lines = Lines(_mark(node))
        if isinstance(node, SequenceNode):
            result: Any = PositionedList()
            result.lc = lines
            self._built[id(node)] = result
            for index, item in enumerate(node.value):
                lines._values[index] = _mark(item)
                result.append(self._build(item))
            return result
        result = PositionedMap()
        result.lc = lines
        self._built[id(node)] = result
        merged: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if _tag(key_node) == MERGE:
                merged.append((key_node, value_node))
                continue
            key = self._build(key_node)
            if not _hashable(key):
                raise YamlLimitError(_mark(key_node), "a key must be a plain value (text or a number), "
                                                      "not a list or mapping")
            if key in result:
                raise DuplicateKeyError(_mark(key_node), f"duplicate key {key!r}; each key may appear once")
            lines._keys[key], lines._values[key] = _mark(key_node), _mark(value_node)
            result[key] = self._build(value_node)
        for key_node, value_node in merged:
            self._merge(result, lines, key_node, value_node)
        return result

    def _merge(self, result: PositionedMap, lines: Lines, key_node: Node, value_node: Node) -> None:
        """`<<: *base` or `<<: [*a, *b]`: the merged mappings' keys, unless the mapping gives them itself."""
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for source in sources:
            merged = self._build(source)
            if not isinstance(merged, dict):
                raise YamlLimitError(_mark(key_node), "`<<` merges mappings: expected an alias of a mapping "
                                                      "(<<: *name) or a list of them")
            for key, value in merged.items():
                if key not in result:
                    lines._keys[key], lines._values[key] = merged.lc.key(key), merged.lc.value(key)
                    result[key] = value


def _hashable(key: Any) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True


def _scalar(node: ScalarNode) -> Any:
    """The value of a scalar by its resolved tag; unknown tags (`!foo`) keep the text."""
    text, tag = node.value, _tag(node)
    if node.style in ("|", ">"):
        return BlockString(text)
    if tag == TAG + "null":
        return None
    if tag == TAG + "bool":
        return text.lower() == "true"
    if tag == TAG + "int":
        digits = text.replace("_", "")
        try:
            return int(digits, 10)
        except ValueError:
            return int(digits, 0)
    if tag == TAG + "float":
        special = _FLOATS.get(text.lower())
        return special if special is not None else float(text.replace("_", ""))
    return text
