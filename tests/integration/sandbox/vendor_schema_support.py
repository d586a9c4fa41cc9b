"""The vendor's response schemas of the operations the sandbox's schema tests check
(tests/fixtures/vendor_schemas.json, by tests/fixtures/extract_vendor_schemas.py), the contradictions those tests
leave out (tests/fixtures/vendor_contradictions.json), and the check of one answer against them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SCHEMAS = json.loads((FIXTURES / "vendor_schemas.json").read_text(encoding="utf-8"))["operations"]
CONTRADICTIONS = json.loads((FIXTURES / "vendor_contradictions.json").read_text(encoding="utf-8"))["contradictions"]


def without_contradictions(operation: str, body: Any, schema: Any) -> tuple[Any, Any]:
    """The answer and schema less the fields the contradictions name for this operation, or for the list it embeds
    records into (`GET /tasks?include` is `GET /tasks`' too), at the top level and in list items."""
    named = {operation, operation.partition("?")[0]}
    keys = {item["key"] for item in CONTRADICTIONS if item["operation"] in named and "key" in item}
    if not keys:
        return body, schema
    body, schema = copy.deepcopy(body), copy.deepcopy(schema)
    records = body.get("data", []) if isinstance(body.get("data"), list) else [body]
    for record in records:
        for key in keys:
            record.pop(key, None)

    def relax(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("required"), list):
                node["required"] = [name for name in node["required"] if name not in keys]
            for value in node.values():
                relax(value)
        elif isinstance(node, list):
            for item in node:
                relax(item)

    relax(schema)
    return body, schema


def problems(operation: str, body: Any) -> list[str]:
    body, schema = without_contradictions(operation, body, SCHEMAS[operation]["schema"])
    validator = Draft202012Validator(schema)
    return [f"{list(error.absolute_path)}: {error.message[:300]}" for error in validator.iter_errors(body)]
