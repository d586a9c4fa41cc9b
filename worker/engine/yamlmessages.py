"""YAML syntax errors in plain words: what was expected at that line and column, and what to do.

The parser (libyaml's, or ruamel's pure one when the C extension is missing) reports grammar terms such as
"did not find expected key while parsing a block mapping". Ops mostly hit a handful of mistakes: indentation that
does not line up, a missing `:`, a tab, an unclosed quote or bracket, a `: ` inside a plain value. Each is
recognised from the problem, its context and the character at the mark, and explained; anything else keeps
the parser's words, prefixed "invalid YAML".
"""

from __future__ import annotations

import re

from ruamel.yaml.error import MarkedYAMLError

Position = tuple[int, int]  # 1-based line and column
_ALIAS = re.compile(r"\*([^\s,\[\]{}]+)")
_RESERVED = {"@": "'@'", "`": "'`'", "%": "'%'"}


def syntax_problem(exc: MarkedYAMLError, text: str) -> tuple[Position, str]:
    """(where, message) for a parser error on `text`."""
    problem = (exc.problem or "syntax error").replace('"', "'")
    context = exc.context or ""
    at = _position(exc.problem_mark or exc.context_mark)
    opened = _position(exc.context_mark) if exc.context_mark is not None else at
    char = _char_at(text, exc.problem_mark)
    if "cannot start any token" in problem:
        return at, _bad_character(char)
    if "could not find expected ':'" in problem:
        return opened, (
            "a key here needs a `:` after it (write `key: value`); if this line continues the value "
            "above, put that value in quotes"
        )
    if "scanning a quoted scalar" in context:
        return opened, (
            "the quoted text that starts here is never closed; add the closing quote, or escape a "
            "quote inside it (\\\" in double quotes, '' in single quotes)"
        )
    if "flow sequence" in context or "flow mapping" in context:
        closing, kind = ("]", "list") if "sequence" in context else ("}", "mapping")
        return at, (
            f"the {kind} opened with `{'[' if closing == ']' else '{'}` at line {opened[0]} column "
            f"{opened[1]} is not closed: expected `,` or `{closing}` before this"
        )
    if "block mapping" in context and ("expected key" in problem or "block end" in problem):
        if char == "-":
            return at, (
                "this `-` item is indented deeper than the list it belongs to (or a key with a `:` is "
                "missing above it); line it up with the list's other `-` items"
            )
        return at, (
            f"expected a new key at the same indentation as the mapping at line {opened[0]} (column "
            f"{opened[1]}), but this line starts at column {at[1]}; check its indentation"
        )
    if "block collection" in context:
        if at[1] == opened[1]:
            return at, (
                f"expected another `-` item of the list at line {opened[0]} here: a key cannot follow a "
                "list at the list's own indentation; start the line with `- `, or indent it under an item"
            )
        return at, (
            f"this line starts at column {at[1]}, which lines up with nothing open above: expected "
            f"another `-` item of the list at line {opened[0]} (column {opened[1]}) or a key lined up "
            "with the keys of a mapping around it; check its indentation"
        )
    if "mapping values are not allowed" in problem:
        if _starts_its_line(text, exc.problem_mark):
            return (at[0], _first_column(text, exc.problem_mark)), (
                "this key is indented deeper than the keys above it, so it reads as part of the value "
                "above; line it up with them"
            )
        return at, ('a `: ` cannot appear inside a plain value: put the value in quotes (name: "Note: urgent")')
    if "undefined alias" in problem:
        name = _ALIAS.match(text, _offset(text, exc.problem_mark))
        alias = f"*{name.group(1)}" if name else "this alias"
        return at, f"{alias} names no anchor; define it above with &{alias.lstrip('*')} before using it"
    if "another document" in problem or "single document" in (context + problem):
        return at, "a rule file holds one YAML document; remove this `---` and what follows, or split the file"
    where = f" ({context} started at line {opened[0]})" if context and exc.context_mark is not None else ""
    return at, f"invalid YAML: {problem.split(' with value ')[0]}{where}"


def _bad_character(char: str) -> str:
    if char == "\t":
        return "tab characters cannot indent YAML; indent with spaces"
    if char in _RESERVED:
        return f"a plain value cannot start with {_RESERVED[char]} (reserved in YAML); put the value in quotes"
    return f"unexpected character {char!r}; put the value in quotes"


def _position(mark: object) -> Position:
    line, column = getattr(mark, "line", None), getattr(mark, "column", None)
    return (line + 1, column + 1) if isinstance(line, int) and isinstance(column, int) else (1, 1)


def _offset(text: str, mark: object) -> int:
    """The character offset of a mark, from its line and column (libyaml's marks count bytes in `index`)."""
    line, column = getattr(mark, "line", 0) or 0, getattr(mark, "column", 0) or 0
    start = 0
    for _ in range(line):
        start = text.find("\n", start) + 1
        if start == 0:
            return len(text)
    return min(start + column, len(text))


def _starts_its_line(text: str, mark: object) -> bool:
    """Whether the `:` at `mark` ends the first word of its line (a key), not a word inside a value."""
    offset = _offset(text, mark)
    head = text[text.rfind("\n", 0, offset) + 1 : offset].strip()
    return bool(head) and " " not in head and not head.startswith(("-", "#", "{", "["))


def _first_column(text: str, mark: object) -> int:
    """1-based column of the first non-blank character on the mark's line."""
    offset = _offset(text, mark)
    line = text[text.rfind("\n", 0, offset) + 1 : offset]
    return len(line) - len(line.lstrip()) + 1


def _char_at(text: str, mark: object) -> str:
    offset = _offset(text, mark) if mark is not None else len(text)
    return text[offset] if offset < len(text) else ""
