"""The JSON Schema (draft 2020-12) of the log format, generated from :mod:`tui.model.format`.

Written for yaml-language-server, which checks a log as it is typed when the file's first
line is ``# yaml-language-server: $schema=watchline.schema.json``: every field has a
description (shown on hover), unknown fields are refused (``additionalProperties:
false``), and kinds, statuses and currencies are enums (offered as completions).

yaml-language-server reads YAML 1.2, where unquoted ``2017-05-09`` is a string and
``2017`` an integer, so a date is "a string or an integer".
"""

from __future__ import annotations

import json
from typing import Any

from tui.model.format import (
    CURRENCIES,
    LOG,
    SLUG_LIMIT,
    SLUG_PATTERN,
    SPECS,
    TEXT_LIMITS,
    URL_PATTERN,
    Field,
    text_limit,
)
from tui.model.log import BUILTIN_KINDS, FORMAT_VERSION, PLEDGE_STATUSES

SCHEMA_ID = "https://watchline.invalid/schema/v1/watchline.schema.json"
# EDTF's alphabet: digits, X for unspecified digits, - / .. for intervals, ~ ? % qualifiers.
DATE_PATTERN = r"^[0-9X~?%./:TZ+-]+$"


def _slug(description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": SLUG_PATTERN,
        "maxLength": SLUG_LIMIT,
        "description": description,
    }


def _field_schema(spec_field: Field) -> dict[str, Any]:
    """The schema of one field's value."""
    kind = spec_field.kind
    description = spec_field.description
    if kind == "version":
        return {"const": FORMAT_VERSION, "description": description}
    limit = text_limit(spec_field.name)
    if kind in ("text", "query"):
        return {"type": "string", "maxLength": limit, "description": description}
    if kind == "url":
        return {
            "type": "string",
            "pattern": URL_PATTERN,
            "maxLength": limit,
            "description": description,
        }
    if kind == "id":
        return _slug(description)
    if kind == "ref":
        if spec_field.ref == "kinds":
            return {
                "description": description,
                "anyOf": [
                    {"enum": list(BUILTIN_KINDS), "description": "A built-in kind."},
                    _slug("A kind defined under kinds."),
                ],
            }
        return _slug(description)
    if kind == "refs":
        schema: dict[str, Any] = {
            "type": "array",
            "items": {"type": "string", "pattern": SLUG_PATTERN, "maxLength": SLUG_LIMIT},
            "description": description,
        }
        if spec_field.min_items:
            schema["minItems"] = spec_field.min_items
        return schema
    if kind == "texts":
        return {
            "type": "array",
            "items": {"type": "string", "maxLength": TEXT_LIMITS["*"]},
            "description": description,
        }
    if kind == "date":
        return {
            "type": ["string", "integer"],
            "pattern": DATE_PATTERN,
            "description": description,
        }
    if kind == "count":
        return {"type": "integer", "minimum": 0, "description": description}
    if kind == "amount":
        return {"type": "number", "minimum": 0, "description": description}
    if kind == "currency":
        return {"enum": sorted(CURRENCIES), "description": description}
    if kind == "status":
        return {"enum": list(PLEDGE_STATUSES), "description": description}
    if kind == "data":
        return {
            "type": "object",
            "propertyNames": {"maxLength": TEXT_LIMITS["*"]},
            "additionalProperties": {
                "type": ["string", "number", "boolean"],
                "maxLength": TEXT_LIMITS["*"],
            },
            "description": description,
        }
    ref = {"$ref": f"#/$defs/{spec_field.spec}"}
    if kind == "mapping":
        return {**ref, "description": description}
    if kind == "list":
        return {"type": "array", "items": ref, "description": description}
    if kind == "registry":
        return {
            "type": "object",
            "propertyNames": {"pattern": SLUG_PATTERN, "maxLength": SLUG_LIMIT},
            "additionalProperties": ref,
            "description": description,
        }
    raise ValueError(f"no schema for field kind {kind!r}")  # pragma: no cover - KINDS is closed


def _mapping_schema(name: str) -> dict[str, Any]:
    spec = SPECS[name]
    schema: dict[str, Any] = {
        "type": "object",
        "description": spec.description,
        "properties": {f.name: _field_schema(f) for f in spec.fields},
        "additionalProperties": False,
    }
    if spec.required:
        schema["required"] = [f.name for f in spec.required]
    return schema


def json_schema() -> dict[str, Any]:
    """The JSON Schema of format v1 as a dict."""
    top = _mapping_schema(LOG.name)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": f"watchline event log (format {FORMAT_VERSION})",
        **top,
        "$defs": {name: _mapping_schema(name) for name in SPECS if name != LOG.name},
    }


def schema_text() -> str:
    """The schema as committed in data/watchline.schema.json: sorted keys, indent 2."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
