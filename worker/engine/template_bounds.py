"""The bounded Jinja environment templates render in: no template can take unbounded time or memory.

Jinja's sandbox stops a template reaching Python internals, not one that computes too much: `9**(9**9)`,
`'a' * 10**8`, nested loops over `range(100000)`. Here every operation that can grow a value is checked before it
runs, and every render has a budget:

- MAX_TEXT (32,000 characters): the largest text a template renders. It is what the Desk accepts in a comment
  (`content` maxLength 32000 in the vendor's TicketComment spec; a reply allows more, a task or ticket field less).
- MAX_VALUE: the largest string or list a template builds on the way (room to transform a long ticket text).
- MAX_INT_BITS: integers a template computes (`**`, `*`) stay under this many bits (about 1,200 digits).
- MAX_STEPS and MAX_BUILT, per render: loop iterations + calls + filters, and characters built in all; they bound
  CPU time (nested loops, recursive macros) and the memory of the values built together.

Constants are not folded at compile time (`optimized=False`), so `rules check` never evaluates what a template
computes; filters run through the same checks if Jinja's introspection folds one.
A limit exceeded raises TemplateLimitError, which the renderer reports like any other rendering error.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

MAX_TEXT = 32_000
MAX_VALUE = 1_000_000
MAX_INT_BITS = 4_096
MAX_STEPS = 1_000_000
MAX_BUILT = 20_000_000
STEPS, CONCAT = "_bounded_steps", "_bounded_concat"  # internal globals the compiled template calls

_SEQUENCES = (str, list, tuple)
_T = TypeVar("_T")
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_SPEC_NUMBER = re.compile(r"\d+")
_GROWING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


class TemplateLimitError(ArithmeticError):
    """A template tried to build something past a limit of this module."""


class _Budget:
    __slots__ = ("built", "steps")

    def __init__(self) -> None:
        self.steps, self.built = MAX_STEPS, MAX_BUILT


_BUDGET: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


def render_bounded(compiled: Any, variables: dict[str, Any]) -> str:
    """Render `compiled` with a fresh work budget, stopping as soon as the text passes MAX_TEXT."""
    token = _BUDGET.set(_Budget())
    try:
        pieces, size = [], 0
        for piece in compiled.generate(variables):
            size += len(piece)
            if size > MAX_TEXT:
                raise TemplateLimitError(f"the rendered text is longer than {MAX_TEXT:,} characters")
            pieces.append(piece)
        return "".join(pieces)
    finally:
        _BUDGET.reset(token)


def _step() -> None:
    budget = _BUDGET.get()
    if budget is None:  # Jinja folding a constant at compile time: the size checks alone apply
        return
    budget.steps -= 1
    if budget.steps < 0:
        raise TemplateLimitError(f"the template runs more than {MAX_STEPS:,} loop iterations and calls")


def _sized(value: _T) -> _T:
    if isinstance(value, _SEQUENCES):
        _check_size(len(value))
        budget = _BUDGET.get()
        if budget is not None:
            budget.built -= len(value)
            if budget.built < 0:
                raise TemplateLimitError(f"the template builds more than {MAX_BUILT:,} characters in all")
    return value


def _check_size(size: int) -> None:
    if size > MAX_VALUE:
        raise TemplateLimitError(f"a value of {size:,} characters or items; templates build at most {MAX_VALUE:,}")


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise TemplateLimitError(f"a number of about {bits:,} bits; templates compute at most {MAX_INT_BITS:,}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _power(base: Any, exponent: Any) -> Any:
    if _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1:
        _check_bits(abs(base).bit_length() * exponent)
    return base**exponent


def _times(left: Any, right: Any) -> Any:
    if _is_int(left) and _is_int(right):
        _check_bits(abs(left).bit_length() + abs(right).bit_length())
    elif isinstance(left, _SEQUENCES) and _is_int(right):
        _check_size(len(left) * right)
    elif isinstance(right, _SEQUENCES) and _is_int(left):
        _check_size(len(right) * left)
    return _sized(left * right)


def _plus(left: Any, right: Any) -> Any:
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        _check_size(len(left) + len(right))
    return _sized(left + right)


def _percent(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        _check_percent_format(left)
    return _sized(left % right)


def _check_percent_format(text: str) -> None:
    for width, precision in _PERCENT_FIELD.findall(text):
        if "*" in (width, precision):
            raise TemplateLimitError("'*' widths in %-formatting are not supported in templates; write the number")
        for number in (width, precision):
            if number:
                _check_size(int(number))


def _check_format_spec(text: str) -> None:
    for _, _, spec, _ in string.Formatter().parse(text):
        if spec and "{" in spec:
            raise TemplateLimitError("nested fields in a format spec are not supported in templates")
        for number in _SPEC_NUMBER.findall(spec or ""):
            _check_size(int(number))


class BoundedEnvironment(SandboxedEnvironment):
    """SandboxedEnvironment whose growing operators, calls, filters and loops are bounded (see the module)."""

    intercepted_binops = frozenset({"**", "*", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(optimized=False, **options)
        self.binop_table = {**self.binop_table, "**": _power, "*": _times, "+": _plus, "%": _percent}
        self.globals.pop("lipsum", None)  # generates text of any size; no use in a ticket's comment
        self.globals.update({STEPS: _steps, CONCAT: _concat})
        self.filters = {name: _bounded_filter(name, function) for name, function in self.filters.items()}

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - as Jinja's
        _step()
        _precheck_method(getattr(__obj, "__wrapped__", __obj), args, kwargs)
        return _sized(super().call(__context, __obj, *args, **kwargs))

    def compile_bounded(self, parsed: nodes.Template) -> Any:
        """Compile a parsed template with its loops counted and its `~` concatenations checked."""
        return self.from_string(_Bounder().visit(parsed))


def _precheck_method(function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Before a str method that grows its text runs, check what it would build."""
    owner, name = getattr(function, "__self__", None), getattr(function, "__name__", "")
    if not isinstance(owner, str):
        return
    if name in ("format", "format_map"):
        _check_format_spec(owner)
    elif name in _GROWING_METHODS:
        tab = len(owner) if name == "expandtabs" else 1
        for value in (*args, *kwargs.values()):
            if _is_int(value):
                _check_size(value * tab)
    elif name == "replace" and len(args) >= 2:
        _check_size(_replaced_size(owner, str(args[0]), str(args[1])))
    elif name == "join" and args:
        _check_size(_joined_size(owner, args[0]))


def _replaced_size(text: str, old: str, new: str) -> int:
    count = text.count(old) if old else len(text) + 1
    return len(text) + count * max(len(new) - len(old), 0)


def _joined_size(separator: str, items: Any) -> int:
    if not isinstance(items, (list, tuple)):
        return 0  # a lazy iterable: its items are built (and charged) as join draws them, then the result checked
    return sum(len(item) if isinstance(item, str) else 1 for item in items) + len(separator) * len(items)


_CHECKED_FILTERS: dict[str, Callable[..., None]] = {
    "center": lambda value, width=80: _check_size(width if _is_int(width) else 0),
    "indent": lambda value, width=4, *rest, **options: _check_size(
        (str(value).count("\n") + 1) * (width if _is_int(width) else len(str(width))) + len(str(value))
    ),
    "format": lambda value, *args, **kwargs: _check_percent_format(str(value)),
    "replace": lambda value, old, new, count=None: _check_size(_replaced_size(str(value), str(old), str(new))),
    "join": lambda value, d="", attribute=None: _check_size(
        _joined_size(str(d), value) if isinstance(value, (list, tuple)) else 0
    ),
    "batch": lambda value, linecount, fill_with=None: _check_size(linecount if fill_with is not None else 0),
}


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` with its inputs checked (filters that grow text) and its output sized and charged."""
    precheck = _CHECKED_FILTERS.get(name)

    def bounded(*args: Any, **kwargs: Any) -> Any:
        _step()
        if precheck is not None:
            values = args[1:] if getattr(function, "jinja_pass_arg", None) else args
            precheck(*values, **kwargs)
        return _sized(function(*args, **kwargs))

    for attribute in ("jinja_pass_arg", "__name__", "__doc__"):
        if hasattr(function, attribute):
            setattr(bounded, attribute, getattr(function, attribute))
    return bounded


def _steps(iterable: Iterable[Any]) -> Iterator[Any]:
    """A loop's iterable, each iteration charged to the render's budget."""
    for item in iterable:
        _step()
        yield item


def _concat(*parts: Any) -> str:
    texts = [str(part) for part in parts]
    _check_size(sum(len(text) for text in texts))
    return _sized("".join(texts))


class _Bounder(NodeTransformer):
    """Routes every `for` loop's iterable through _steps and every `~` through _concat."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Call(nodes.Name(STEPS, "load"), [node.iter], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Call(nodes.Name(CONCAT, "load"), list(node.nodes), [], None, None, lineno=node.lineno)
