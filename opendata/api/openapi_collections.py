"""OpenAPI description of the open-data collections (opendata/api/collections.py),
generated from opendata/schema.py and the collections' own parameter declarations.

Nothing about a field is written here: a row schema is its data set's fields with their
types, patterns, vocabularies and bilingual descriptions, and a parameter is described by
the field it filters on. So the API description cannot drift from the data package or
from what the server accepts. `section()` returns the section object that
opendata.api.openapi.build_document() merges (collections.py appends it to SECTIONS).
"""
from __future__ import annotations

from types import SimpleNamespace

from opendata.api.openapi_publisher import json_content, nullable, problems, ref
from opendata.schema import Field, Resource

NAME = "collections"
TAG = "open data"
SIGNED_MONEY_PATTERN = r"^-?\d+\.\d{2}$"
DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
# Schema names of the rows; "Version" and "Item" are the publisher API's already.
ROW_NAMES = {"ports": "Port", "entities": "Entity", "catalog": "CatalogEntry", "schedules": "Schedule",
             "versions": "ScheduleVersion", "fee_items": "FeeItem", "changes": "FeeChange"}
TYPES = {"integer": {"type": "integer"}, "boolean": {"type": "boolean"},
         "date": {"type": "string", "format": "date"}, "datetime": {"type": "string", "format": "date-time"},
         "string": {"type": "string"}}


def describe(field: Field) -> str:
    """A field's description, English then Chinese."""
    return f"{field.en}\n\n{field.zh}" if field.zh else field.en


def value_schema(field: Field) -> dict:
    """The JSON Schema of a field's value in a JSON answer (null aside)."""
    if field.name == "tiers":  # compact text in CSV; the list itself in JSON
        return {"type": "array", "items": ref("Tier")}
    if field.money:
        return {"type": "string", "pattern": SIGNED_MONEY_PATTERN}
    if field.type == "number":  # exact decimals are strings in JSON, never binary floats
        return {"type": "string", "pattern": DECIMAL_PATTERN}
    schema = dict(TYPES[field.type])
    if field.enum is not None:
        schema["enum"] = list(field.enum)
    elif field.pattern:
        schema["pattern"] = field.pattern
    return schema


def field_schema(field: Field) -> dict:
    """A property of a row schema: the value, null when the field is not required."""
    schema = value_schema(field)
    schema = schema if field.required else nullable(schema)
    return {**schema, "description": describe(field)}


def row_schema(resource: Resource) -> dict:
    """A record of the data set: every field always present, in the schema's order."""
    return {
        "type": "object",
        "description": f"{resource.title_en}: {resource.en}\n\n{resource.title_zh}：{resource.zh}",
        "required": list(resource.field_names),
        "additionalProperties": False,
        "properties": {f.name: field_schema(f) for f in resource.fields},
    }


def page_schema(resource: Resource) -> dict:
    """A page of the collection."""
    return {
        "type": "object",
        "required": ["items", "next"],
        "additionalProperties": False,
        "properties": {
            "items": {"type": "array", "items": ref(ROW_NAMES[resource.name])},
            "next": {"type": ["string", "null"],
                     "description": "The next page (the same query with a `cursor`), or null on the last."},
        },
    }


def query_parameter(param) -> dict:
    """A filter of collections.PARAMS as an OpenAPI query parameter."""
    schema = value_schema(param.field)
    if param.field.type == "integer":
        schema = {**schema, "minimum": 1, "maximum": 2**31 - 1}
    elif param.field.type == "boolean":
        schema = {"type": "string", "enum": ["true", "false"]}
    elif schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        schema = {**schema, "maxLength": 100}
    description = param.description if not param.field.zh else f"{param.description}\n\n{param.field.zh}"
    return {"name": param.name, "in": "query", "required": False, "schema": schema, "description": description}


def _parameters(default_limit: int, max_limit: int) -> dict:
    """The parameters every collection shares."""
    return {
        "CollectionLimit": {"name": "limit", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": max_limit,
                                       "default": default_limit},
                            "description": f"Rows per page (default {default_limit}, at most {max_limit})."},
        "CollectionCursor": {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"},
                             "description": "Opaque: from the `next` link of the previous page; pages are keyed "
                                            "on the primary key, so rows published meanwhile never shift or repeat "
                                            "a page. Anything else is refused (422)."},
        "CollectionBom": {"name": "bom", "in": "query", "required": False,
                          "schema": {"type": "string", "enum": ["true", "false", "1", "0", "yes", "no", ""]},
                          "description": "true: start with a UTF-8 byte order mark, so Excel on Windows opens "
                                         "Chinese text correctly."},
    }


LINK = {"description": 'RFC 8288: `<next-url>; rel="next"` when a page follows (the same URL as `next`).',
        "schema": {"type": "string"}}
CSV_NOTE = ("UTF-8, RFC 4180 (CRLF line ends), header row = the field names. Empty cell: null. Booleans "
            "true/false; money and quantities exact decimals; fee items' tiers as `1-4:0.00; 5+:20.00`. A text "
            "cell that starts with =, +, -, @, a tab or a carriage return gets a leading ' so spreadsheets do "
            "not run it as a formula: remove one leading ' before such a character to restore it.")


def _operations(resource: Resource, params: tuple, row: str) -> dict:
    """The JSON and CSV operations of one collection."""
    filters = [query_parameter(p) for p in params]
    shared = {"200": None, "304": {"$ref": "#/components/responses/NotModified"}, **problems(422),
              "429": {"$ref": "#/components/responses/TooManyRequests"}}
    keys = ", ".join(resource.primary_key)
    camel = "".join(part.title() for part in resource.collection.split("-"))
    listing = {
        "operationId": f"list{camel}", "tags": [TAG], "summary": f"{resource.title_en} ({resource.title_zh})",
        "description": f"{resource.en}\n\n{resource.zh}\n\nRows in primary-key order ({keys}), `limit` at a time; "
                       "follow `next` (or the `Link` header) until it is null. Filters combine (all must hold); a "
                       "value the schema does not allow is refused with 422 naming the parameter.",
        "parameters": [*filters, {"$ref": "#/components/parameters/CollectionLimit"},
                       {"$ref": "#/components/parameters/CollectionCursor"}],
        "responses": {**shared, "200": {"description": "A page of rows.", "headers": {"Link": LINK},
                                        "content": json_content(ref(f"{row}Page"))}},
    }
    download = {
        "operationId": f"list{camel}Csv", "tags": [TAG], "summary": f"{resource.title_en} as CSV",
        "description": f"Every matching row of /api/v1/{resource.collection} (same filters, no paging), "
                       f"streamed, with the columns {', '.join(resource.field_names)}. {CSV_NOTE}",
        "parameters": [*filters, {"$ref": "#/components/parameters/CollectionBom"}],
        "responses": {**shared, "200": {"description": "UTF-8 CSV (RFC 4180).",
                                        "content": {"text/csv": {"schema": {"type": "string"}}}}},
    }
    return {f"/api/v1/{resource.collection}": {"get": listing},
            f"/api/v1/{resource.collection}.csv": {"get": download}}


def section(collections: tuple[Resource, ...], params: dict, default_limit: int, max_limit: int):
    """The section of the document for these collections and their parameters."""
    schemas, paths = {}, {}
    for resource in collections:
        row = ROW_NAMES[resource.name]
        schemas[row] = row_schema(resource)
        schemas[f"{row}Page"] = page_schema(resource)
        paths.update(_operations(resource, params[resource.name], row))
    tags = [{"name": TAG, "description": "The open data, read-only and without a token: every data set of "
                                         "/opendata/ as JSON pages and streamed CSV, with the same fields as the "
                                         "bulk data package (see /opendata/ and docs/API.md)."}]
    return SimpleNamespace(NAME=NAME, TAGS=tags, PATHS=paths, SCHEMAS=schemas,
                           PARAMETERS=_parameters(default_limit, max_limit))
