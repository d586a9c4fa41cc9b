"""Turn a composed YAML node graph into dicts, lists and scalars that remember where they were written.

The composer keeps an alias as a second reference to its anchored node, so the graph stays as small as the text.
Expanding it naively (a "billion laughs" file: each level lists the previous one nine times) would build 10^9
nodes. Here each node is built once and shared, and its expanded size is computed as it is built (memoised per
node, so linear in the text): more than `max_aliases` alias uses or `max_nodes` expanded nodes refuse the file
with `TreeError` at the alias or block that crossed the limit, before anything (to_plain, the validators)
walks the tree expanded.

Scalars follow YAML 1.2 (the composer's resolver): `on`/`yes` are strings; timestamps stay strings (the schema
parses them where it expects one, with a positioned error). Merge keys (`<<: *base`) are honoured, explicit keys
winning. A duplicate key is an error at the second one.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from ruamel.yaml.error import StreamMark
from ruamel.yaml.nodes import Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

Position = tuple[int, int]  # 0-based line and column, as the composer marks them
TAG = "tag:yaml.org,2002:"
MERGE = TAG + "merge"
_STR_TAG = TAG + "str"
_IN_PROGRESS = -1  # the size of a node being measured: meeting it again means an alias inside its own anchor
_FLOATS = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan}


class TreeError(Exception):
    """The file is refused while its tree is built (a limit, a duplicate key, a bad value): `message` says what
    to do, `mark` where."""

    def __init__(self, mark: Position, message: str) -> None:
        super().__init__(message)
        self.mark, self.message = mark, message


class DuplicateKeyError(TreeError):
    """A mapping names the same key twice (YAML forbids it; ruamel's round-trip loader refused it too)."""


class Lines:
    """Where a collection and its entries were written: the interface of ruamel's `.lc` that Locator reads."""

    __slots__ = ("col", "key_marks", "line", "value_marks")

    def __init__(self, position: Position) -> None:
        self.line, self.col = position
        self.key_marks: dict[Any, Position] = {}
        self.value_marks: dict[Any, Position] = {}

    def key(self, key: Any) -> Position:
        return self.key_marks[key]

    def value(self, key: Any) -> Position:
        return self.value_marks[key]

    def item(self, index: int) -> Position:
        return self.value_marks[index]


class PositionedMap(dict[Any, Any]):
    """A mapping with `.lc` positions."""

    __slots__ = ("lc",)
    lc: Lines


class PositionedList(list[Any]):
    """A sequence with `.lc` positions."""

    __slots__ = ("lc",)
    lc: Lines


class BlockString(str):
    """A `|` or `>` block scalar: its text starts on the line after its indicator (reporters add one line)."""

    __slots__ = ()


class DeferredResolver(VersionedResolver):
    """Hands every plain scalar one placeholder tag; `_scalar_tag` resolves it later, once per distinct text.

    The composer calls the resolver for each scalar, and ruamel's re-derives its YAML 1.2 rule table each time:
    a fifth of the parse. Resolving in the tree builder from the same table, with a cache, costs nothing for the
    common case (a plain word). A `%YAML 1.1` directive is not honoured.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return super().resolve(kind, value, implicit)


_PLAIN, _STR = Tag(suffix="deskpilot:plain"), Tag(suffix=TAG + "str")
_IMPLICIT = VersionedResolver(version=(1, 2)).versioned_resolver  # first character -> [(tag, pattern)]


@lru_cache(maxsize=4096)
def _implicit_tag(text: str) -> str:
    for tag, pattern in _IMPLICIT.get(text[:1], ()):
        if pattern.match(text):
            return str(tag)
    return TAG + "str"


def _scalar_tag(node: Node) -> str:
    ctag = node.ctag
    if ctag is _PLAIN:
        return _implicit_tag(node.value)
    return ctag.suffix if ctag.handle is None else str(ctag)


def _mark(node: Node) -> Position:
    mark: StreamMark = node.start_mark
    return mark.line, mark.column


class TreeBuilder:
    """Builds the positioned tree of one document, each node once, bounding aliases as it goes (see the module
    docstring): the tree shares aliased blocks, so nothing is expanded before the limits are checked."""

    def __init__(self, max_aliases: int, max_nodes: int) -> None:
        self.max_aliases, self.max_nodes = max_aliases, max_nodes
        self._built: dict[int, tuple[Any, int]] = {}  # id(node) -> (value, expanded size)
        self._aliases = 0

    def build(self, root: Node) -> Any:
        return self._build(root, _mark(root))[0]

    def _build(self, node: Node, where: Position) -> tuple[Any, int]:
        """(value, expanded size) of `node`; a node met again is an alias use, counted and bounded."""
        known = self._built.get(id(node))
        if known is not None:
            return self._alias(known, where)
        if isinstance(node, ScalarNode):
            try:
                built = self._built[id(node)] = (_scalar(node), 1)
            except ValueError:  # an explicit tag on text that is not of that type: !!int abc
                raise TreeError(
                    _mark(node),
                    f"{node.value!r} is not a valid {_scalar_tag(node).split(':')[-1]}"
                    "; remove the !! tag or fix the value",
                ) from None
            return built
        lines = Lines(_mark(node))
        result: Any = PositionedList() if isinstance(node, SequenceNode) else PositionedMap()
        result.lc = lines
        self._built[id(node)] = (result, _IN_PROGRESS)
        if isinstance(node, SequenceNode):
            size = 1 + self._fill_list(result, lines, node)
        else:
            size = 1 + self._fill_map(result, lines, node)
        if size > self.max_nodes:
            raise TreeError(
                where,
                f"the file expands to more than {self.max_nodes:,} YAML nodes once its "
                "aliases (*name) are replaced by their anchored blocks; an alias bomb? "
                "Share smaller blocks, or split the rules over several files",
            )
        self._built[id(node)] = (result, size)
        return result, size

    def _alias(self, known: tuple[Any, int], where: Position) -> tuple[Any, int]:
        if known[1] == _IN_PROGRESS:
            raise TreeError(
                where,
                "this alias (*name) is used inside the block its anchor names, which would "
                "repeat forever; use the alias after that block",
            )
        self._aliases += 1
        if self._aliases > self.max_aliases:
            raise TreeError(
                where,
                f"more than {self.max_aliases:,} alias uses (*name) in one file; "
                "share fewer blocks, or write the repeated parts out",
            )
        return known

    def _fill_list(self, result: PositionedList, lines: Lines, node: Node) -> int:
        size = 0
        for index, item in enumerate(node.value):
            position = lines.value_marks[index] = _mark(item)
            value, item_size = self._build(item, position)
            result.append(value)
            size += item_size
        return size

    def _fill_map(self, result: PositionedMap, lines: Lines, node: Node) -> int:
        size = 0
        merged: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and _scalar_tag(key_node) == MERGE:
                merged.append((key_node, value_node))
                continue
            where = _mark(key_node)
            key, key_size = self._build(key_node, where)
            if not _hashable(key):
                raise TreeError(where, "a key must be a plain value (text or a number), not a list or mapping")
            if key in result:
                raise DuplicateKeyError(where, f"duplicate key {key!r}; each key may appear once")
            value, value_size = self._build(value_node, where)
            lines.key_marks[key], lines.value_marks[key] = where, _mark(value_node)
            result[key] = value
            size += key_size + value_size
        for key_node, value_node in merged:
            size += self._merge(result, lines, key_node, value_node)
        return size

    def _merge(self, result: PositionedMap, lines: Lines, key_node: Node, value_node: Node) -> int:
        """`<<: *base` or `<<: [*a, *b]`: the merged mappings' keys, unless the mapping gives them itself."""
        where = _mark(key_node)
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        size = 0
        for source in sources:
            merged, merged_size = self._build(source, where)
            if not isinstance(merged, PositionedMap):  # what _build makes of every mapping
                raise TreeError(
                    where, "`<<` merges mappings: expected an alias of a mapping (<<: *name) or a list of them"
                )
            size += merged_size
            for key, value in merged.items():
                if key not in result:
                    lines.key_marks[key], lines.value_marks[key] = merged.lc.key(key), merged.lc.value(key)
                    result[key] = value
        return size


def _hashable(key: Any) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True


def _scalar(node: ScalarNode) -> Any:
    """The value of a scalar by its resolved tag; unknown tags (`!foo`) keep the text."""
    text, tag = node.value, _scalar_tag(node)
    if tag == _STR_TAG:
        return BlockString(text) if node.style in ("|", ">") else text
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
