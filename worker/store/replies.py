"""What the store's Redis replies are at run time, said once for the type checker.

redis-py types every reply as `bytes | str` (some optional) because one client class serves both modes; the store's
client decodes responses (`decode_responses=True`: see Store.connect), so each reply is a `str`. These are casts:
no run-time check, no copy.
"""

from __future__ import annotations

from typing import Any, cast


def text(reply: Any) -> str:
    return cast(str, reply)


def optional_text(reply: Any) -> str | None:
    return cast("str | None", reply)


def texts(reply: Any) -> list[str]:
    return cast("list[str]", reply)


def text_map(reply: Any) -> dict[str, str]:
    return cast("dict[str, str]", reply)


def stream_entries(reply: Any) -> list[tuple[str, dict[str, str]]]:
    """XRANGE / XREVRANGE: (entry id, fields) pairs."""
    return cast("list[tuple[str, dict[str, str]]]", reply)


def scored(reply: Any) -> list[tuple[str, float]]:
    """ZRANGE ... WITHSCORES: (member, score) pairs."""
    return cast("list[tuple[str, float]]", reply)


def stream_batches(reply: Any) -> list[tuple[str, list[tuple[str, dict[str, str]]]]]:
    """XREAD: (stream name, entries) per stream; empty when the block timed out."""
    return cast("list[tuple[str, list[tuple[str, dict[str, str]]]]]", reply or [])
