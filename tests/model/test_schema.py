"""The JSON Schema: committed and current, well formed, and agreeing with the loader."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tui.model.format import SPECS
from tui.model.load import load_paths, parse_text
from tui.model.schema import json_schema, schema_text

REPO = Path(__file__).resolve().parents[2]
LOGS = Path(__file__).parent / "logs"


def test_committed_schema_is_current():
    committed = (REPO / "data" / "watchline.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), (
        "regenerate: python -m tui schema > data/watchline.schema.json"
    )


def test_schema_is_draft_2020_12_json():
    schema = json.loads(schema_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["watchline", "title"]


def _objects(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def test_every_mapping_is_closed_and_described():
    schema = json_schema()
    assert set(schema["$defs"]) == set(SPECS) - {"log"}
    for node in _objects(schema):
        if node.get("type") == "object" and "properties" in node:
            assert node["additionalProperties"] is False
            assert node["description"]
            for name, prop in node["properties"].items():
                assert prop.get("description"), name
        if "$ref" in node:
            name = node["$ref"].removeprefix("#/$defs/")
            assert name in schema["$defs"]


# A validator for the part of JSON Schema the generated schema uses, so the tests can
# check real logs against it without another dependency.
_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
}


def _type_ok(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[name])


def errors(value: Any, schema: dict[str, Any], root: dict[str, Any], at: str = "") -> list[str]:
    if "$ref" in schema:
        return errors(value, root["$defs"][schema["$ref"].removeprefix("#/$defs/")], root, at)
    found: list[str] = []
    if "const" in schema and value != schema["const"]:
        found.append(f"{at}: not {schema['const']}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{at}: not in enum")
    if "anyOf" in schema and all(errors(value, s, root, at) for s in schema["anyOf"]):
        found.append(f"{at}: matches no alternative")
    types = schema.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        if not any(_type_ok(value, name) for name in names):
            return [*found, f"{at}: wrong type"]
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{at}: does not match {schema['pattern']}")
    if isinstance(value, int | float) and "minimum" in schema and value < schema["minimum"]:
        found.append(f"{at}: below minimum")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append(f"{at}: too few items")
        for index, item in enumerate(value):
            found += errors(item, schema.get("items", {}), root, f"{at}/{index}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{at}: missing {name}")
        properties = schema.get("properties", {})
        for key, item in value.items():
            if "propertyNames" in schema:
                found += errors(key, schema["propertyNames"], root, f"{at}/{key}(name)")
            if key in properties:
                found += errors(item, properties[key], root, f"{at}/{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{at}: unknown {key}")
            elif isinstance(schema.get("additionalProperties"), dict):
                found += errors(item, schema["additionalProperties"], root, f"{at}/{key}")
    return found


def yaml_12(text: str) -> Any:
    """Read as yaml-language-server does: YAML 1.2 core, where dates stay strings.

    The loader's parse stage resolves scalars exactly so.
    """
    parsed = parse_text(text, "log.yaml")
    assert parsed.problems == []
    return parsed.tree


def test_the_example_log_validates_against_the_schema():
    schema = json_schema()
    data = yaml_12((LOGS / "example.yaml").read_text(encoding="utf-8"))
    assert errors(data, schema, schema) == []


def test_bundled_log_validates_against_the_schema(bundled_log_path: Path):
    if not bundled_log_path.exists():
        pytest.skip("the bundled log is not written yet")
    schema = json_schema()
    data = yaml_12(bundled_log_path.read_text(encoding="utf-8"))
    assert errors(data, schema, schema) == []


@pytest.mark.parametrize(
    "edit",
    [
        ("    title: An audit", "    titel: An audit"),  # unknown field
        ("    title: An audit", "    title: 1984"),  # wrong type
        ("kind: audit\n", "kind: Audit Trail\n"),  # not a slug
        ("{status: kept,", "{status: done,"),  # unknown status
        ("currency: USD", "currency: USX"),  # not ISO 4217
        ("amount: 895000", "amount: -1"),  # negative
        ("    sources: [ap-2019-04-02]\n    note", "    sources: []\n    note"),  # no source
        ("watchline: 1", "watchline: 2"),  # version
    ],
)
def test_schema_and_loader_refuse_the_same_mistakes(tmp_path: Path, edit: tuple[str, str]):
    text = (LOGS / "example.yaml").read_text(encoding="utf-8")
    assert edit[0] in text
    bad = text.replace(edit[0], edit[1], 1)
    schema = json_schema()
    assert errors(yaml_12(bad), schema, schema), "the schema should refuse it"
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    assert load_paths([path]).problems, "the loader should refuse it"
