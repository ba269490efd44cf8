"""The JSON Schema: generated from the model, committed fresh, and used by bundled scenarios."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest

from exercise import catalog
from exercise.scenario.schema import schema_text
from exercise.scenario.yaml_source import Plain, read_yaml

from .conftest import SCENARIOS, run_cli, scenario_data, to_yaml


def test_committed_schema_is_fresh():
    """scenarios/scenario.schema.json matches the model; regenerate it when this fails."""
    committed = (SCENARIOS / "scenario.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "the committed schema is stale: run  exercise schema -o scenarios/scenario.schema.json"
    )


def test_schema_is_draft_07():
    """Editors' YAML servers take draft-07: `definitions`, not 2020-12's `$defs`."""
    schema = json.loads(schema_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    text = schema_text()
    assert "$defs" not in text and "prefixItems" not in text
    assert "#/definitions/Party" in text
    assert set(schema["required"]) == {"id", "title", "summary", "background", "rounds",
                                       "parties", "elements"}


def test_schema_command_prints_the_schema():
    """`exercise schema` prints the same schema."""
    done = run_cli("schema")
    assert done.returncode == 0
    assert json.loads(done.stdout) == json.loads(schema_text())


@pytest.mark.parametrize("entry", catalog.bundled(), ids=lambda e: e.name)
def test_bundled_scenarios_start_with_the_yaml_language_server_line(entry):
    """Every bundled scenario points editors at the schema on its first line."""
    first = entry.path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=scenario.schema.json"


def as_yaml12(node: Any) -> Any:
    """Data as a YAML 1.2 editor types it: unquoted numbers and true/false resolved."""
    if isinstance(node, dict):
        return {k: as_yaml12(v) for k, v in node.items()}
    if isinstance(node, list):
        return [as_yaml12(v) for v in node]
    if isinstance(node, Plain):
        text = str(node)
        if text in ("true", "false"):
            return text == "true"
        if re.fullmatch(r"[-+]?[0-9]+", text):
            return int(text)
        if re.fullmatch(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", text):
            return float(text)
        return text
    return node


@pytest.mark.parametrize("entry", catalog.bundled(), ids=lambda e: e.name)
def test_schema_accepts_the_bundled_scenarios(entry):
    """The bundled scenarios validate against the published schema, as an editor sees them."""
    doc = read_yaml(entry.path.read_bytes(), entry.name)
    jsonschema.validate(as_yaml12(doc.data), json.loads(schema_text()))


def test_schema_refuses_what_validate_refuses():
    """The schema catches the same structural mistakes (unknown keys, wrong enums)."""
    schema = json.loads(schema_text())
    data = as_yaml12(read_yaml(to_yaml(scenario_data()), "x").data)
    jsonschema.validate(data, schema)
    for broken in (
        {**data, "votng": "element"},
        {**data, "voting": "elements"},
        {**data, "parties": data["parties"][:1]},
        {**data, "rounds": 0},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)
