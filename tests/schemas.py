"""Check API answers against the OpenAPI document, strictly."""
from __future__ import annotations

import copy
from functools import cache

from openapi_schema_validator import OAS31Validator

from opendata.api.openapi import build_document


def _strict(schema):
    """Every object schema without its own rule refuses undocumented properties, so an
    answer with a field the document does not describe fails the test."""
    if isinstance(schema, dict):
        if schema.get("type") == "object" and "properties" in schema:
            schema.setdefault("additionalProperties", False)
        for value in schema.values():
            _strict(value)
    elif isinstance(schema, list):
        for value in schema:
            _strict(value)
    return schema


@cache
def _components() -> dict:
    return _strict(copy.deepcopy(build_document()["components"]))


def conforms(body, schema_name: str) -> None:
    """Raise if `body` does not match components/schemas/<schema_name> exactly."""
    OAS31Validator({"$ref": f"#/components/schemas/{schema_name}", "components": _components()}).validate(body)
