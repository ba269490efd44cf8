"""The scenario format's JSON Schema (draft-07, which editors' YAML servers take best)."""

from __future__ import annotations

import json
from typing import Any

from exercise.scenario.model import Scenario

SCHEMA_ID = "https://exercise.invalid/schema/scenario.schema.json"


def _draft07(node: Any) -> Any:
    """Rewrite pydantic's 2020-12 output into draft-07: `$defs` become `definitions`."""
    if isinstance(node, dict):
        out = {k: _draft07(v) for k, v in node.items()}
        if "$ref" in out and len(out) > 1:
            # draft-07 ignores keywords beside $ref; keep them by wrapping the ref.
            ref = out.pop("$ref")
            out["allOf"] = [{"$ref": ref}]
        return out
    if isinstance(node, list):
        return [_draft07(v) for v in node]
    return node


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, generated from the model."""
    raw = Scenario.model_json_schema(by_alias=True, ref_template="#/definitions/{model}")
    definitions = raw.pop("$defs", {})
    schema: dict[str, Any] = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "exercise scenario",
        "description": "A negotiation exercise scenario: parties, plan elements, injects.",
    }
    body = _draft07(raw)
    body.pop("title", None)
    body.pop("description", None)
    schema.update(body)
    schema["definitions"] = _draft07(definitions)
    return schema


def schema_text() -> str:
    """The schema as the committed file holds it (stable key order, trailing newline)."""
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
