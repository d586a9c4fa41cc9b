"""A rule author's regular expression, compiled for RE2: matching takes time linear in the text, whatever the pattern.

Ticket text is typed by customers, so a backtracking engine (Python's `re`) lets one email hold a worker for
hours with a pattern like `(a+)+$`. RE2 has no backtracking; what it cannot run without it (backreferences,
lookaround, atomic groups, possessive repeats) is refused at load with the reason, never run by another engine.
google-re2 itself never falls back to `re`: an unsupported pattern raises `re2.error`.

Differences from Python's `re` a rule author may meet: `\\Z` is written `\\z`; `\\d`, `\\w`, `\\b` are ASCII only;
`$` matches only at the very end of the text (not before a final newline).
"""

from __future__ import annotations

from collections.abc import Callable

import re2
from re2 import _re2

Search = Callable[[str], bool]

_UNANCHORED = _re2.RE2.Anchor.UNANCHORED
_NOT_LINEAR = "RE2 matches in linear time and has no"
_REASONS = (  # (what RE2's message starts with, what we tell the rule author)
    ("invalid perl operator: (?=", f"lookahead (?=...) is not supported: {_NOT_LINEAR} lookaround"),
    ("invalid perl operator: (?!", f"negative lookahead (?!...) is not supported: {_NOT_LINEAR} lookaround"),
    ("invalid perl operator: (?<=", f"lookbehind (?<=...) is not supported: {_NOT_LINEAR} lookaround"),
    ("invalid perl operator: (?<!", f"negative lookbehind (?<!...) is not supported: {_NOT_LINEAR} lookaround"),
    ("invalid perl operator: (?P=", f"the backreference (?P=name) is not supported: {_NOT_LINEAR} backreferences"),
    ("invalid perl operator: (?>", f"atomic groups (?>...) are not supported: {_NOT_LINEAR} backtracking"),
    ("invalid perl operator: (?#", "comments (?#...) are not supported; remove the comment"),
    ("invalid escape sequence: \\Z", "\\Z is not supported; write \\z for the end of the text"),
    ("bad repetition operator: ++", f"possessive repeats (++) are not supported: {_NOT_LINEAR} backtracking"),
    ("bad repetition operator: *+", f"possessive repeats (*+) are not supported: {_NOT_LINEAR} backtracking"),
    ("bad repetition operator: ?+", f"possessive repeats (?+) are not supported: {_NOT_LINEAR} backtracking"),
)


class PatternError(ValueError):
    """A pattern RE2 refuses; the message says why, in the rule author's terms."""


def compile_pattern(pattern: str, ignore_case: bool = False) -> Search:
    """`search(text)`: does `pattern` occur anywhere in `text`; raises PatternError for a pattern RE2 cannot run."""
    options = re2.Options()
    options.log_errors = False  # RE2 would print its own copy of the error to stderr
    options.never_capture = True  # we only ask whether it matches: no submatch bookkeeping
    options.case_sensitive = not ignore_case
    regexp = _re2.RE2(pattern.encode("utf-8", "surrogatepass"), options)
    if not regexp.ok():
        raise PatternError(f"invalid regular expression '{pattern}': {_reason(regexp.error(), pattern)}")
    # RE2::Match itself: re2's Python wrapper would also map every offset back to str indices
    match: Callable[..., list[tuple[int, int]]] = regexp.Match

    def search(text: str) -> bool:
        data = text.encode("utf-8", "surrogatepass")
        return match(_UNANCHORED, data, 0, len(data))[0][0] >= 0

    return search


def _reason(error: bytes | str, pattern: str) -> str:
    message = error.decode("utf-8", "replace") if isinstance(error, bytes) else error
    if message == "invalid perl operator: (?P" and "(?P=" in pattern:
        message = "invalid perl operator: (?P="  # RE2 names only the first three characters
    if message.startswith("invalid escape sequence: \\") and message[-1:].isdigit():
        return f"backreferences ({message.split(': ', 1)[1]}) are not supported: {_NOT_LINEAR} backreferences"
    code, _, fragment = message.partition(": ")
    plain = f"{code} at '{fragment}'" if fragment else code
    return next((reason for prefix, reason in _REASONS if message.startswith(prefix)), plain)
