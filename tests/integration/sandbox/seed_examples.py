"""The seed's request examples, read from the reference itself (desk-api-v1.zh.txt), and how to replay them.

Reading: every `$ curl -X METHOD URL` line starts an example; its `-H` and `-d` lines follow (blank lines between
them allowed). The answer shown is what follows a `响应示例` (response example) heading right after the request: a
JSON document, a bare status ("200"), a status line ("HTTP/1.1 401 Unauthorized"), or nothing when the text moves
on to another heading. The accounts server's examples (`GET|POST https://accounts.../oauth/v2/...` and a `查询参数`
block of `?name=value` / `&name=value` lines) are read the same way.

Comparing: an answer has the example's shape when its field set equals the example's (top-level keys; for
{"data": [...]} the first item's keys; nested objects' and nested lists' first items' keys where the example
shows them) -- see `shape_differences`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

REFERENCE = Path("/work/shared/desk-api-v1.zh.txt")
RESPONSE_HEADING = "响应示例"
QUERY_HEADING = "查询参数"
MASKED_EMAIL = "[email\u00a0protected]"  # how the saved page shows every address it masked

_API_ROOT_LINE = re.compile(r"^https://desk\.(?P<brand>[^/\s]+)\.com/api/v1$")
_CURL = re.compile(r"^\$ curl -X (?P<method>[A-Z]+) (?P<url>.+)$")
_HEADER = re.compile(r'^\s*-H\s*"(?P<name>[^:"]+):\s*(?P<value>[^"]*)"\s*$')
_DATA = re.compile(r"^\s*-d\s*'(?P<body>.*)'\s*$")
_ACCOUNTS = re.compile(r"^(?P<method>GET|POST) (?P<url>https://accounts\.\S+)$")
_STATUS_LINE = re.compile(r"^(?:HTTP/1\.1 )?(?P<status>[1-5]\d\d)\b")


@dataclass(frozen=True)
class Shown:
    """What the reference shows as the answer: a JSON body, or only a status, or nothing at all."""

    body: Any = None
    status: int | None = None
    text: str = ""

    @property
    def kind(self) -> str:
        if self.body is not None:
            return "json"
        return "status" if self.status is not None else "none"


@dataclass(frozen=True)
class Example:
    line: int  # 1-based line of the `$ curl` (or accounts URL) line in the reference
    method: str
    url: str  # as written, defects included (a space inside the host at one place)
    headers: dict[str, str]
    body_text: str | None
    shown: Shown
    kind: str = "curl"  # "curl" or "accounts"
    query_block: tuple[tuple[str, str], ...] = field(default=())  # accounts examples only

    @property
    def path(self) -> str:
        """The path below /api/v1 (curl) or the accounts server's path; whatever the host is, it is dropped."""
        return urlsplit(self.url.replace(" ", "")).path.removeprefix("/api/v1")

    @property
    def query(self) -> list[tuple[str, str]]:
        if self.kind == "accounts":
            return list(self.query_block)
        return parse_qsl(urlsplit(self.url.replace(" ", "")).query, keep_blank_values=True)

    @property
    def body(self) -> Any:
        return None if self.body_text is None else json.loads(self.body_text)

    @property
    def test_id(self) -> str:
        return f"L{self.line}-{self.method}-{self.path}"


def _skip_blank(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    return index


def _shown_after(lines: list[str], index: int) -> Shown:
    """The answer shown right after a request (whose lines end before `index`): a 响应示例 block, or nothing."""
    index = _skip_blank(lines, index)
    if index >= len(lines) or lines[index].strip() != RESPONSE_HEADING:
        return Shown()
    index = _skip_blank(lines, index + 1)
    if index >= len(lines):
        return Shown()
    first = lines[index].strip()
    if first.startswith("{"):
        return Shown(body=json.loads(first), text=first)
    status = _STATUS_LINE.match(first)
    if status:
        return Shown(status=int(status["status"]), text=first)
    return Shown()  # the text moves on to the next heading: no answer shown


def _reference_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@cache
def parse_reference(path: Path = REFERENCE) -> tuple[Example, ...]:
    lines = _reference_lines(path)
    examples: list[Example] = []
    index = 0
    while index < len(lines):
        text = lines[index]
        curl, accounts = _CURL.match(text), _ACCOUNTS.match(text.strip())
        if curl:
            start, headers, body = index, {}, None
            index += 1
            while (following := _skip_blank(lines, index)) < len(lines):
                header, data = _HEADER.match(lines[following]), _DATA.match(lines[following])
                if header:
                    headers[header["name"].strip()] = header["value"].strip()
                elif data:
                    body = data["body"]
                else:
                    break
                index = following + 1
            examples.append(Example(start + 1, curl["method"], curl["url"].strip(), headers, body,
                                    _shown_after(lines, index)))
        elif accounts:
            start, block = index, []
            index = _skip_blank(lines, index + 1)
            if index < len(lines) and lines[index].strip() == QUERY_HEADING:
                index = _skip_blank(lines, index + 1)
                while index < len(lines) and lines[index].strip()[:1] in ("?", "&"):
                    name, _, value = lines[index].strip()[1:].partition("=")
                    block.append((name, value))
                    index += 1
            examples.append(Example(start + 1, accounts["method"], accounts["url"], {}, None,
                                    _shown_after(lines, index), kind="accounts", query_block=tuple(block)))
        else:
            index += 1
    return tuple(examples)


@cache
def brand_placeholder(path: Path = REFERENCE) -> str:
    """The placeholder the vendor's brand was replaced by, read off the reference's API root line."""
    for line in _reference_lines(path):
        found = _API_ROOT_LINE.match(line.strip())
        if found:
            return found["brand"]
    raise AssertionError("the reference names no API root")


def deprecated_endpoint_lines(path: Path = REFERENCE) -> list[int]:
    """Lines naming the deprecated authtoken endpoint (`.../apiauthtoken/nb/create`): a bare URL, no example."""
    return [number for number, line in enumerate(_reference_lines(path), 1) if "apiauthtoken/" in line]


# comparing shapes ------------------------------------------------------------------------------------------
DYNAMIC_OBJECTS = frozenset({"customFields"})  # the org's layout: its names are data, not the resource's shape
ABSENT_WHEN_EMPTY = frozenset({"attachments"})  # the seed omits it on records without one (see shape_differences)


def key_aliases() -> dict[str, str]:
    """Keys the brand swap renamed: the contact's CRM link is the Desk's `zohoCRMContact`."""
    return {f"{brand_placeholder()}Contact": "zohoCRMContact"}


def expected_keys(shown: dict[str, Any]) -> set[str]:
    aliases = key_aliases()
    return {aliases.get(key, key) for key in shown}


def _aliased(shown: dict[str, Any]) -> dict[str, Any]:
    aliases = key_aliases()
    return {aliases.get(key, key): value for key, value in shown.items()}


def _record_differences(shown: dict[str, Any], actual: dict[str, Any], where: str) -> list[str]:
    """Key-set differences of one record, then of its nested objects (and nested lists' first items)."""
    shown = _aliased(shown)
    problems: list[str] = []
    missing = set(shown) - set(actual)
    # The seed omits `attachments` on a record without any (the draft-update example with hasAttach false, the
    # second item of the comments list): an answer may too, when it has none to show.
    missing -= {key for key in ABSENT_WHEN_EMPTY if not actual.get("hasAttach")}
    extra = set(actual) - set(shown)
    if missing:
        problems.append(f"{where or '.'}: missing {sorted(missing)}")
    if extra:
        problems.append(f"{where or '.'}: extra {sorted(extra)}")
    for key in sorted(set(shown) & set(actual) - DYNAMIC_OBJECTS):
        example, answer = shown[key], actual[key]
        if isinstance(example, dict) and example and isinstance(answer, dict):
            problems += _record_differences(example, answer, f"{where}.{key}")
        elif (isinstance(example, list) and example and isinstance(example[0], dict)
              and isinstance(answer, list) and answer and isinstance(answer[0], dict)):
            problems += _record_differences(example[0], answer[0], f"{where}.{key}[0]")
    return problems


def item_shapes(shown_items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The distinct shapes (by key set) of a list example's items, in order."""
    seen: dict[frozenset[str], dict[str, Any]] = {}
    for item in shown_items:
        seen.setdefault(frozenset(expected_keys(item)), item)
    return list(seen.values())


def counterparts(shown_items: list[dict[str, Any]], item: dict[str, Any]) -> list[dict[str, Any]]:
    """The example's items of the same sort as `item`: search results of its module, threads of its direction
    and (EMAIL or not) channel; all of them when none is of its sort or the items have no sort."""
    if "module" in item:
        same = [shown for shown in shown_items if shown.get("module") == item["module"]]
    elif "direction" in item and "channel" in item:
        def sort(record: dict[str, Any]) -> tuple[Any, bool]:
            return record.get("direction"), record.get("channel") == "EMAIL"
        same = [shown for shown in shown_items if sort(shown) == sort(item)]
    else:
        same = []
    return same or shown_items


def shape_differences(shown: Any, actual: Any) -> list[str]:
    """How `actual` departs from the example's field set; [] when it has the same shape.

    A list answer is judged by its first item. Where the example's items differ in shape (threads by channel
    and direction, search results by module, comments with and without attachments, the tickets example whose
    first item lacks the statusType its others show) the first item must have the shape of one of the items of
    its sort (see `counterparts`): the closest one is reported.
    """
    if not isinstance(actual, dict):
        return [f"the answer is not a JSON object: {actual!r:.200}"]
    if not (isinstance(shown.get("data"), list) and shown["data"]):
        return _record_differences(shown, actual, "")
    problems = []
    if set(actual) != set(shown):
        problems.append(f".: keys {sorted(actual)} where the example has {sorted(shown)}")
    items = actual.get("data")
    if not (isinstance(items, list) and items and isinstance(items[0], dict)):
        return problems + [f".data: no items to compare: {items!r:.200}"]
    shapes = item_shapes(counterparts(shown["data"], items[0]))
    candidates = [_record_differences(shape, items[0], "data[0]") for shape in shapes]
    return problems + min(candidates, key=len)
